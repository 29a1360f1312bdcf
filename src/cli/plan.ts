import type { Command } from 'commander';
import { parseProject } from '../io/dbt-parse.js';
import { consoleLogger } from '../shared/log.js';
import { parsePlanInputs, PLAN_OPTIONS } from '../plan/inputs.js';
import { runPlan } from '../plan/main.js';
import { addOptions, rawFromCommander, runCommand } from './program.js';

export function registerPlan(program: Command): void {
  const cmd = program.command('plan').description('select nodes and split them into DAG-safe shards within a connection budget');
  addOptions(cmd, PLAN_OPTIONS).option('--json', 'print the plan outcome (matrices, outputs) as JSON');
  cmd.action((opts: Record<string, unknown>) =>
    runCommand(async () => {
      const inputs = parsePlanInputs(rawFromCommander(opts, PLAN_OPTIONS));
      const outcome = await runPlan(inputs, {
        log: consoleLogger(opts['json'] === true),
        now: () => new Date(),
        parseProject,
      });
      if (opts['json'] === true) {
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
