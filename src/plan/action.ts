import * as core from '@actions/core';
import { actionLogger, readActionInputs, writeJobSummary } from '../io/action.js';
import { dbtParse } from '../io/dbt-parse.js';
import { parsePlanInputs, PLAN_OPTIONS } from './inputs.js';
import { runPlan } from './main.js';

/** `command: plan` — plans, sets the matrix outputs, writes the job summary. */
export async function planAction(): Promise<void> {
  const inputs = parsePlanInputs(readActionInputs(PLAN_OPTIONS));
  const outcome = await runPlan(inputs, {
    log: actionLogger(),
    now: () => new Date(),
    parseProject: (i) => dbtParse({ dbtCommand: i.dbtCommand, projectDir: i.projectDir, profilesDir: i.profilesDir, target: i.target }),
  });
  const { plan, matrices } = outcome;
  core.setOutput('matrix', JSON.stringify(matrices[0] ?? { include: [] }));
  for (let stage = 2; stage <= 3; stage++) {
    core.setOutput(`matrix-${stage}`, JSON.stringify(matrices[stage - 1] ?? { include: [] }));
  }
  core.setOutput('stages', String(plan.stages));
  core.setOutput('threads', String(plan.threads));
  core.setOutput('max-parallel', String(plan.maxParallel));
  core.setOutput('has-work', String(outcome.hasWork));
  core.setOutput('has-final-tests', String(plan.finalTests.length > 0));
  core.setOutput('plan-dir', inputs.out);
  for (const line of outcome.summary) core.info(line);
  await writeJobSummary(['### dbt-matrix plan', '', '```', ...outcome.summary, '```', ''].join('\n'));
}
