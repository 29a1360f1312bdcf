import type { Command } from 'commander';
import { parseProject } from '../io/dbt-parse.js';
import { consoleLogger } from '../shared/log.js';
import { parsePlanInputs, PLAN_OPTIONS } from '../plan/inputs.js';
import { runPlan } from '../plan/main.js';
import { addStepCommand } from './program.js';

export function registerPlan(program: Command): void {
  addStepCommand(
    program,
    'plan',
    'select nodes and split them into DAG-safe shards within a connection budget',
    PLAN_OPTIONS,
    async (raw, out) => {
      const inputs = parsePlanInputs(raw);
      const outcome = await runPlan(inputs, { log: consoleLogger(out.json), now: () => new Date(), parseProject });
      const { plan, matrices, hasWork, planFile } = outcome;
      out.print(
        { planFile, hasWork, stages: plan.stages, threads: plan.threads, maxParallel: plan.maxParallel, matrices },
        `${outcome.summary.join('\n')}\n  plan: ${planFile}`,
      );
      return 0;
    },
  );
}
