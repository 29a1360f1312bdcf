import * as core from '@actions/core';
import path from 'node:path';
import { actionLogger, readActionInputs, writeJobSummary } from '../io/action.js';
import { parseProject } from '../io/dbt-parse.js';
import { readGithubContext } from '../io/github-context.js';
import { uploadPlanFolder } from '../io/plan-artifact.js';
import { resolveGithubHistory } from './github-history.js';
import { parsePlanActionInputs, PLAN_OPTIONS } from './inputs.js';
import { runPlan } from './main.js';

/** `command: plan` — plans, sets the matrix outputs, writes the job summary. */
export async function planAction(): Promise<void> {
  const { plan: parsed, token, reportWorkflow } = parsePlanActionInputs(readActionInputs(PLAN_OPTIONS));
  if (token) core.setSecret(token);
  const log = actionLogger();
  const inputs = await resolveGithubHistory(parsed, process.env, {
    token: token ?? '',
    workflow: reportWorkflow,
    downloadDir: path.join(process.env['RUNNER_TEMP'] ?? parsed.out, 'dbt-matrix-history'),
    log,
  });
  const now = (): Date => new Date();
  const outcome = await runPlan(inputs, {
    log,
    now,
    // the shards resolve their interval from the same event: the plan parses with their vars
    trigger: (await readGithubContext(process.env, now)).trigger,
    parseProject,
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
  const attempt = Number(process.env['GITHUB_RUN_ATTEMPT'] ?? '1') || 1;
  core.setOutput('plan-artifact', await uploadPlanFolder(inputs.out, attempt, (m) => core.info(m)));
  for (const line of outcome.summary) core.info(line);
  await writeJobSummary(['### dbt-matrix plan', '', '```', ...outcome.summary, '```', ''].join('\n'));
}
