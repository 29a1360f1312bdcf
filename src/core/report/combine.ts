import type { NodeResult, Timing } from './run-results.js';
import { statusRank } from './status.js';

/** The namespaced field each merged result carries: where it ran. */
export interface MergedTag {
  shard: string;
  stage: number;
  /** the workflow run attempt whose artifact was merged */
  attempt: number;
  /** chunk indices this node ran in (time order); [] when the runner did not chunk */
  chunks: number[];
  /** other shards that also reported this node (a plan violation; normally absent) */
  also_in?: string[];
  /** status `skipped`: the failed node(s) that caused the skip, as dbt build would skip it */
  skipped_because?: string[];
  /** the merge listed this node for dbt: it was skipped before any dbt process saw it */
  not_run?: true;
  /** on-run-start/end hooks run once per dbt invocation: each shard's result of this hook */
  invocations?: HookInvocation[];
}

export interface HookInvocation {
  shard: string;
  status: string;
  execution_time: number;
  chunks: number[];
  message: string | null;
}

export type MergedResult = NodeResult & { dbt_matrix: MergedTag };

/**
 * One node's results from one shard, possibly one per chunk and several attempts per chunk.
 * Per chunk the latest attempt wins (a retry replaces what it re-ran); across chunks the worst
 * status wins (STATUS_PRECEDENCE), execution times add up, and each timing phase spans from its
 * earliest start to its latest end.
 */
export function combineShardResults(
  results: readonly NodeResult[],
  shard: string,
  stage: number,
  attempt: number,
): MergedResult {
  if (results.length === 1) {
    // The common case (one chunk, no retry), kept allocation-light for 50k-result merges.
    const only = results[0]!;
    const chunk = only.dbt_matrix?.chunk;
    return { ...only, dbt_matrix: { shard, stage, attempt, chunks: chunk === undefined ? [] : [chunk] } };
  }
  const latest = latestPerChunk(results);
  const chunks = [...new Set(latest.map((r) => r.dbt_matrix?.chunk).filter((c): c is number => c !== undefined))].sort(
    (a, b) => a - b,
  );
  const merged = combine(latest);
  return { ...merged, dbt_matrix: { shard, stage, attempt, chunks } };
}

/** Batches and overloads of every chunk: each chunk ran its own (dbt retry's latest attempt already won). */
function unionOf<K extends 'batch_results' | 'overload_results'>(
  results: readonly NodeResult[],
  key: K,
): NodeResult[K] {
  const present = results.map((r) => r[key]).filter((v): v is NonNullable<NodeResult[K]> => v != null);
  if (present.length === 0) return results[0]?.[key];
  const successful = present.flatMap((v) => v.successful as unknown[]);
  const failed = present.flatMap((v) => v.failed as unknown[]);
  return { ...present[present.length - 1]!, successful, failed } as NodeResult[K];
}

/** Merges a node reported by two shards (against the plan): both count, the worst status shows. */
export function combineAcrossShards(first: MergedResult, other: MergedResult): MergedResult {
  const merged = combine([first, other]);
  const alsoIn = [...(first.dbt_matrix.also_in ?? []), other.dbt_matrix.shard];
  return { ...merged, dbt_matrix: { ...first.dbt_matrix, also_in: alsoIn } };
}

function latestPerChunk(results: readonly NodeResult[]): NodeResult[] {
  const byChunk = new Map<number | undefined, NodeResult>();
  for (const r of results) {
    const chunk = r.dbt_matrix?.chunk;
    const seen = byChunk.get(chunk);
    if (!seen || (r.dbt_matrix?.attempt ?? 0) >= (seen.dbt_matrix?.attempt ?? 0)) byChunk.set(chunk, r);
  }
  return [...byChunk.values()];
}

function combine(results: readonly NodeResult[]): NodeResult {
  if (results.length === 1) return { ...results[0]! };
  // The representative (worst status; the later one on ties) lends its message and other fields.
  let rep = results[0]!;
  for (const r of results) if (statusRank(r.status) <= statusRank(rep.status)) rep = r;
  const failures = results.reduce<number | null>(
    (sum, r) => (r.failures == null ? sum : (sum ?? 0) + r.failures),
    null,
  );
  return {
    ...rep,
    execution_time: results.reduce((sum, r) => sum + r.execution_time, 0),
    failures: failures ?? rep.failures,
    timing: mergeTimings(results.map((r) => r.timing ?? [])),
    ...(results.some((r) => r.batch_results != null) ? { batch_results: unionOf(results, 'batch_results') } : {}),
    ...(results.some((r) => r.overload_results != null)
      ? { overload_results: unionOf(results, 'overload_results') }
      : {}),
  };
}

/** Phase by phase (compile, execute): earliest start, latest end; phases in first-seen order. */
export function mergeTimings(lists: readonly Timing[][]): Timing[] {
  const byName = new Map<string, Timing>();
  for (const list of lists) {
    for (const t of list) {
      const seen = byName.get(t.name);
      if (!seen) {
        byName.set(t.name, { ...t });
        continue;
      }
      seen.started_at = earlier(seen.started_at, t.started_at);
      seen.completed_at = later(seen.completed_at, t.completed_at);
    }
  }
  return [...byName.values()];
}

type Stamp = string | null | undefined;
const ms = (s: Stamp): number => (s ? Date.parse(s) : Number.NaN);
function earlier(a: Stamp, b: Stamp): Stamp {
  if (Number.isNaN(ms(a))) return b ?? a;
  if (Number.isNaN(ms(b))) return a;
  return ms(b) < ms(a) ? b : a;
}
function later(a: Stamp, b: Stamp): Stamp {
  if (Number.isNaN(ms(a))) return b ?? a;
  if (Number.isNaN(ms(b))) return a;
  return ms(b) > ms(a) ? b : a;
}
