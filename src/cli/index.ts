import { Command } from 'commander';
import { registerLocal } from './local.js';
import { registerMerge } from './merge.js';
import { registerPlan } from './plan.js';
import { registerRun } from './run.js';

const program = new Command('dbt-matrix')
  .description('Run a dbt project in parallel shards: plan → run → merge (or all at once with `local`).')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors: one line, exit 2, like our other user errors
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
registerPlan(program);
registerRun(program);
registerMerge(program);
registerLocal(program);
await program.parseAsync(process.argv);
