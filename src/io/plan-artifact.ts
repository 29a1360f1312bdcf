import { DefaultArtifactClient } from '@actions/artifact';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { planArtifactName } from '../shared/artifact-names.js';
import { PLAN_ARTIFACT_OPTION, str, type RawOptions } from '../shared/options.js';
import { GithubArtifactStore } from './artifact-store.js';
import { planFolder } from './folders/index.js';

/**
 * The plan folder travels from the plan job to the run and merge jobs as an artifact, named with
 * the run attempt so re-running the plan job never collides with the first attempt's upload.
 */
export async function uploadPlanFolder(dir: string, attempt: number, log: (m: string) => void): Promise<string> {
  const name = planArtifactName(attempt);
  await new GithubArtifactStore({ retentionDays: 7, log }).upload(name, dir);
  return name;
}

/** Downloads the plan artifact into `dir`; returns the plan.json path inside it. */
export async function downloadPlanFolder(name: string, dir: string): Promise<string> {
  const client = new DefaultArtifactClient();
  let id: number;
  try {
    id = (await client.getArtifact(name)).artifact.id;
  } catch (err) {
    throw new UserError(
      `plan-artifact: no artifact ${JSON.stringify(name)} in this run (${(err as Error).message}); pass needs.plan.outputs.plan-artifact`,
    );
  }
  await client.downloadArtifact(id, { path: dir });
  return planFolder(dir).plan;
}

/**
 * For run and merge in the action: when `plan-artifact` is given, fetch the plan folder and point
 * `plan` at its plan.json (an explicit `plan` input wins, for workflows that download it themselves).
 */
export async function withPlanFromArtifact(raw: RawOptions, env: NodeJS.ProcessEnv): Promise<RawOptions> {
  const name = PLAN_ARTIFACT_OPTION.read(raw);
  if (name === null || str(raw, 'plan') !== undefined) return raw;
  const dir = path.join(env['RUNNER_TEMP'] ?? '.', 'dbt-matrix-plan');
  return { ...raw, plan: await downloadPlanFolder(name, dir) };
}
