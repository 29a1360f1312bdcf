import type { Command } from 'commander';
import { parseProject } from '../io/dbt-parse.js';
import { consoleLogger } from '../shared/log.js';
import { JSON_OPTION } from '../shared/options.js';
import { parsePlanInputs, PLAN_OPTIONS } from '../plan/inputs.js';
import { runPlan } from '../plan/main.js';
import { addOptions, rawFromCommander, runCommand } from './program.js';

export function registerPlan(program: Command): void {
  const cmd = program.command('plan').description('select nodes and split them into DAG-safe shards within a connection budget');
  const options = [...PLAN_OPTIONS, JSON_OPTION];
  addOptions(cmd, options);
  cmd.action((opts: Record<string, unknown>) =>
    runCommand(async () => {
      const raw = rawFromCommander(opts, options);
      const inputs = parsePlanInputs(raw);
      const json = JSON_OPTION.read(raw);
      const outcome = await runPlan(inputs, {
        log: consoleLogger(json),
        now: () => new Date(),
        parseProject,
      });
      if (json) {
        const { plan, matrices, hasWork, planFile } = outcome;
        const out = { planFile, hasWork, stages: plan.stages, threads: plan.threads, maxParallel: plan.maxParallel, matrices };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        process.stdout.write(`${outcome.summary.join('\n')}\n  plan: ${outcome.planFile}\n`);
      }
      return 0;
    }),
  );
}
