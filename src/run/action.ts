import * as core from '@actions/core';
import { actionLogger, readActionInputs, writeJobSummary } from '../io/action.js';
import { GithubArtifactStore, shardArtifactName } from '../io/artifact-store.js';
import { readGithubContext } from '../io/github-context.js';
import { withPlanFromArtifact } from '../io/plan-artifact.js';
import { parseRunInputs, RUN_OPTIONS } from './inputs.js';
import { runShard } from './main.js';

/**
 * `command: run` — one matrix job: runs its shard, uploads DIR/<shard id>/ as an artifact named
 * per shard and run attempt (uploaded on failure too: merge reports what failed), sets outputs,
 * and fails the step when any node did not pass.
 */
export async function runShardAction(): Promise<void> {
  const inputs = parseRunInputs(await withPlanFromArtifact(readActionInputs(RUN_OPTIONS), process.env));
  const context = await readGithubContext(process.env, () => new Date());
  const outcome = await runShard(inputs, {
    trigger: context.trigger,
    env: process.env,
    attempt: context.attempt,
    now: () => new Date(),
    log: actionLogger(),
  });
  const name = shardArtifactName(outcome.artifact.id, context.attempt);
  await new GithubArtifactStore({ log: (m) => core.info(m) }).upload(name, outcome.shardDir);
  core.setOutput('status', outcome.status);
  core.setOutput('exit-code', String(outcome.exitCode));
  core.setOutput('artifact-name', name);
  core.setOutput('shard-dir', outcome.shardDir);
  const chunks = outcome.artifact.chunks.map(
    (c) => `| ${c.index + 1} | ${c.start} | ${c.end} | ${c.status} | ${c.attempts} |`,
  );
  await writeJobSummary(
    [
      `### dbt-matrix ${outcome.artifact.kind} ${outcome.artifact.id}: ${outcome.status}`,
      '',
      '| chunk | start | end | status | attempts |',
      '|---|---|---|---|---|',
      ...chunks,
      '',
    ].join('\n'),
  );
  if (outcome.exitCode !== 0) core.setFailed(outcome.summary[0] ?? `dbt-matrix run: ${outcome.status}`);
}
