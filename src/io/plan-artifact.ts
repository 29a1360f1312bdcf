import { DefaultArtifactClient } from '@actions/artifact';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';

/**
 * The plan folder travels from the plan job to the run and merge jobs as an artifact. Its name
 * carries the run attempt: re-running the plan job must not collide with the first attempt's.
 */
export const planArtifactName = (attempt: number): string => `dbt-matrix-plan-attempt-${attempt}`;

export async function uploadPlanFolder(dir: string, attempt: number): Promise<string> {
  const files = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
  if (files.length === 0) throw new UserError(`plan: ${dir} is empty; nothing to upload`);
  const name = planArtifactName(attempt);
  await new DefaultArtifactClient().uploadArtifact(name, files, dir, { retentionDays: 7 });
  return name;
}

/** Downloads the plan artifact into `dir`; returns the plan.json path inside it. */
export async function downloadPlanFolder(name: string, dir: string): Promise<string> {
  const client = new DefaultArtifactClient();
  let id: number;
  try {
    id = (await client.getArtifact(name)).artifact.id;
  } catch (err) {
    throw new UserError(`plan-artifact: no artifact ${JSON.stringify(name)} in this run (${(err as Error).message}); pass needs.plan.outputs.plan-artifact`);
  }
  await client.downloadArtifact(id, { path: dir });
  return path.join(dir, 'plan.json');
}
