import { Command } from 'commander';
import { registerMerge } from './merge.js';
import { registerPlan } from './plan.js';

const program = new Command('dbt-matrix')
  .description('Run a dbt project in parallel shards: plan → run → merge (or all at once with `local`).')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors: one line, exit 2, like our other user errors
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
registerPlan(program);
registerMerge(program);
await program.parseAsync(process.argv);
