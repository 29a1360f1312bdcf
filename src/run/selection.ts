import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../io/files.js';
import { stateFolder } from '../io/folders/index.js';
import { RUN_RESULTS_SCHEMA_URL } from '../io/run-results.js';

/**
 * How dbt selects exactly a shard's nodes: `--select result:success --state DIR`, where DIR holds
 * a run_results.json written here that lists the shard's unique ids as `success`.
 *
 * dbt 1.11 has no unique-id selector method. One `fqn` criterion per node makes dbt compare every
 * criterion with every node (nodes × criteria: 93 s for a 4,500-node shard of a 1,500-model
 * project, more than parsing it), and the fqn method also matches prefixes and leaf names, which
 * needed exclusions. The `result` method puts the listed ids in a set and tests each node once:
 * its cost grows with the nodes, it matches ids exactly, and the command line stays short
 * whatever the shard's size. dbt runs with `--indirect-selection empty`, so a test runs only when
 * listed (the plan put each test where all its parents are, or in finalTests).
 *
 * `--state` is also what `--defer` reads. When the shard defers, the production manifest is linked
 * into DIR, so one folder serves both; `dbt retry` restores `--state` from the run it retries but
 * drops `--defer-state`, so keeping deferral in a second flag would lose it on a retry.
 */
export const SELECTION_METHOD = 'result:success';

/** The run_results.json of the selection folder: only the fields dbt's reader requires. */
export function selectionRunResults(nodeIds: readonly string[], generatedAt: string): unknown {
  return {
    metadata: { dbt_schema_version: RUN_RESULTS_SCHEMA_URL, generated_at: generatedAt, invocation_id: null, env: {} },
    results: nodeIds.map((id) => ({
      unique_id: id,
      status: 'success',
      timing: [],
      thread_id: 'dbt-matrix',
      execution_time: 0,
      adapter_response: {},
      message: null,
      failures: null,
      compiled: null,
      compiled_code: null,
      relation_name: null,
    })),
    elapsed_time: 0,
    args: {},
  };
}

/**
 * Writes the selection folder `dir` (emptied first): run_results.json, plus manifest.json linked
 * to `deferManifest` when the shard defers (copied where links are not allowed).
 */
export async function writeSelectionState(
  dir: string,
  nodeIds: readonly string[],
  deferManifest: string | null,
  now: Date,
): Promise<string> {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const state = stateFolder(dir);
  await writeJsonAtomic(state.runResults, selectionRunResults(nodeIds, now.toISOString()));
  if (deferManifest !== null) {
    const target = state.manifest;
    await fs.symlink(path.resolve(deferManifest), target).catch(() => fs.copyFile(deferManifest, target));
  }
  return dir;
}
