import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { PlanSchema, type Plan } from '../../src/core/plan/schema.js';
import { VENV_BIN, type ActFixture } from './act-harness.js';

// What the act tests read back from act's artifact server: the artifacts, the plan, the merged report.

/** Names of the artifacts act's server holds (every run id). */
export async function artifactNames(fixture: ActFixture): Promise<string[]> {
  const names: string[] = [];
  for (const run of await fs.readdir(fixture.artifacts)) {
    names.push(...(await fs.readdir(path.join(fixture.artifacts, run))));
  }
  return names.sort();
}

/** Extracts an artifact from act's server storage (a zip per artifact) into a folder. */
export async function extractArtifact(fixture: ActFixture, name: string): Promise<string> {
  for (const run of await fs.readdir(fixture.artifacts)) {
    const zip = path.join(fixture.artifacts, run, name, `${name}.zip`);
    if (!existsSync(zip)) continue;
    const dest = path.join(fixture.dir, 'extracted', run, name);
    await fs.mkdir(dest, { recursive: true });
    // the virtualenv's Python unzips (setup.sh made it; no unzip binary needed)
    execFileSync(path.join(VENV_BIN, 'python'), ['-m', 'zipfile', '-e', zip, dest], { stdio: 'pipe' });
    return dest;
  }
  throw new Error(
    `artifact ${name} is not on act's artifact server (have: ${(await artifactNames(fixture)).join(', ')})`,
  );
}

export async function readJson<T = unknown>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

export interface RunResultsFile {
  results: Array<{ unique_id: string; status: string; message?: string | null }>;
}

/** The plan folder's plan.json, from the plan job's artifact (the first attempt's). */
export async function planFromArtifact(fixture: ActFixture, name = 'dbt-matrix-plan-attempt-1'): Promise<Plan> {
  return PlanSchema.parse(await readJson(path.join(await extractArtifact(fixture, name), 'plan.json')));
}

/** Every node the plan puts to work: the shards' nodes, the final tests and the selected exposures. */
export function plannedNodeIds(plan: Plan): string[] {
  return [...plan.shards.flatMap((s) => s.nodes), ...plan.finalTests, ...(plan.exposures ?? [])].sort();
}

export interface GreenReport {
  /** the extracted report folder */
  dir: string;
  merged: RunResultsFile;
  summary: string;
}

/**
 * Asserts that the merge job's report covers the plan and that all of it passed: its
 * run_results.json lists exactly the planned nodes (besides dbt's operations, the project's hooks),
 * each passed (a selected exposure is listed as `dbt build` lists it: no-op), and the summary's
 * headline counts every result as passed and none as failed.
 */
export async function expectGreenReportCoveringPlan(fixture: ActFixture, plan: Plan): Promise<GreenReport> {
  const dir = await extractArtifact(fixture, 'dbt-matrix-report');
  const merged = await readJson<RunResultsFile>(path.join(dir, 'run_results.json'));
  const reported = merged.results.map((r) => r.unique_id).filter((id) => !id.startsWith('operation.'));
  expect(reported.sort()).toEqual(plannedNodeIds(plan));
  const passed = (r: RunResultsFile['results'][number]): boolean =>
    ['success', 'pass'].includes(r.status) || (r.status === 'no-op' && r.unique_id.startsWith('exposure.'));
  expect(merged.results.filter((r) => !passed(r))).toEqual([]);
  const summary = await fs.readFile(path.join(dir, 'summary.md'), 'utf8');
  expect(summary).toContain(`✅ success — ${merged.results.length} passed · 0 failed`);
  return { dir, merged, summary };
}
