import { RUN_RESULTS_SCHEMA_URL, type RunResult, type RunResults } from '../io/run-results.js';

/** One dbt invocation's results: chunk index and 1-based attempt within that chunk. */
export interface AttemptResults {
  chunk: number;
  attempt: number;
  results: RunResults;
}

/** The namespaced tag each combined result carries, so merge can tell chunks and attempts apart. */
export interface DbtMatrixTag {
  shard: string;
  chunk: number;
  attempt: number;
}

export interface TaggedResult {
  unique_id: string;
  status: string;
  dbt_matrix: DbtMatrixTag;
  [field: string]: unknown;
}

export interface CombinedRunResults {
  metadata: RunResults['metadata'];
  results: TaggedResult[];
  elapsed_time: number;
  args?: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * Combines a shard's run_results (chunks × attempts) into one file shaped like dbt's own:
 * per chunk the latest attempt of each node wins (`dbt retry` only re-runs what failed or was
 * skipped, so earlier successes stay), results ordered by chunk then first appearance.
 * metadata and args come from the latest invocation; elapsed_time is the sum of all of them.
 * Returns null when no attempt left results (dbt never got to run anything).
 */
export function combineRunResults(shard: string, attempts: readonly AttemptResults[]): CombinedRunResults | null {
  if (attempts.length === 0) return null;
  const ordered = [...attempts].sort((a, b) => a.chunk - b.chunk || a.attempt - b.attempt);
  const byKey = new Map<string, TaggedResult>();
  let elapsed = 0;
  for (const { chunk, attempt, results } of ordered) {
    elapsed += results.elapsed_time;
    for (const r of results.results) {
      const key = `${chunk}\u0000${r.unique_id}`;
      const tagged: TaggedResult = { ...r, dbt_matrix: { shard, chunk, attempt } };
      // Map keeps the first insertion's position: a retried node stays where it first ran.
      byKey.set(key, tagged);
    }
  }
  const latest = ordered[ordered.length - 1]!.results;
  return {
    ...latest,
    metadata: { ...latest.metadata, dbt_schema_version: latest.metadata.dbt_schema_version || RUN_RESULTS_SCHEMA_URL },
    results: [...byKey.values()],
    elapsed_time: elapsed,
  };
}

/** Unique ids whose final status in any chunk is not a pass, for the one-line summary. */
export function countStatuses(results: readonly Pick<RunResult, 'status'>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
