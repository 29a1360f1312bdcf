import type { DbtGraph } from '../graph/graph.js';
import type { Plan } from '../plan/schema.js';
import type { IntervalInfo, ShardArtifact } from './shard-artifact.js';
import type { MergedResult } from './combine.js';
import type { RunResults } from './run-results.js';

/** The id of the finalTests job's folder and artifact. */
export const FINAL_SHARD_ID = 'final';

/** A problem found while reading a shard folder, named by file so the user can look at it. */
export interface ReportProblem {
  level: 'error' | 'warning';
  /** shard id, when the problem belongs to one */
  shard: string | null;
  /** the file at fault, when there is one */
  file: string | null;
  message: string;
}

/** One shard folder as read from disk: whatever parsed, and what did not. */
export interface ShardInput {
  /** the folder name, which is the shard id */
  id: string;
  /** shard.json, or null when absent or malformed (then `problems` says why) */
  artifact: ShardArtifact | null;
  /** run_results.json, or null when absent or malformed */
  results: RunResults | null;
  problems: ReportProblem[];
}

export interface MergeInput {
  plan: Plan;
  shards: readonly ShardInput[];
  /** ISO timestamp written as metadata.generated_at */
  generatedAt: string;
  /** invocation id of the merged file (the caller makes one: this module stays pure) */
  invocationId: string;
  /** the plan's identity (a hash of its contents); shards that ran another plan are refused */
  planId?: string | null;
  /** the manifest's graph: which failure skipped which node; null without a manifest */
  graph?: DbtGraph | null;
}

/**
 * - reported: run_results.json read, every planned node accounted for
 * - partial: run_results.json read, but planned nodes have no result (named in the problems)
 * - missing: planned, but no folder (the job died before uploading, or never ran)
 * - no-results: a folder without a readable run_results.json
 * - mismatch: the folder ran another plan or project (not merged)
 * - skipped: not run, and rightly so: every planned node is downstream of a failure
 * - unplanned: a folder the plan does not name (merged, with a warning)
 */
export type ShardState = 'reported' | 'partial' | 'missing' | 'no-results' | 'mismatch' | 'skipped' | 'unplanned';

/** States in which a shard's own failure fails the run. */
export const FAILED_SHARD_STATES: ReadonlySet<ShardState> = new Set<ShardState>([
  'partial',
  'missing',
  'no-results',
  'mismatch',
]);

export interface ShardRow {
  id: string;
  kind: 'shard' | 'final';
  stage: number;
  /** position in the report: plan shard index, final after every shard, unplanned last */
  order: number;
  state: ShardState;
  /** shard.json's status, 'missing' without one */
  status: string;
  /** worst node status in this shard, null without results */
  worstStatus: string | null;
  plannedNodes: number;
  reportedNodes: number;
  /** planned nodes listed as skipped because an upstream node failed (by dbt, the runner or the merge) */
  skippedNodes: number;
  /** planned nodes with no result and no failure upstream to explain it */
  missingNodes: string[];
  failingNodes: number;
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  estimatedSeconds: number | null;
  /** workflow run attempt of the merged artifact */
  attempt: number | null;
  /** dbt invocations summed over chunks (retries included) */
  dbtAttempts: number | null;
  chunks: number;
  /** the shard itself failed: missing, partial, unreadable, another plan's, timed out, cancelled, or dbt failed with no failing node to show for it */
  failed: boolean;
}

export interface Totals {
  /** node count by dbt status */
  byStatus: Record<string, number>;
  nodes: number;
  /** success, pass, no-op */
  passed: number;
  /** failing nodes + failed shards (a missing shard is one failure) */
  failed: number;
  failingNodes: number;
  failedShards: number;
  warned: number;
  skipped: number;
}

/** metadata.dbt_matrix: which shards were merged, and which had no results. */
export interface MergedMetadata {
  merged: true;
  plan_version: number;
  /** the plan's identity, when known */
  plan_id: string | null;
  shards: Array<{
    id: string;
    stage: number;
    state: ShardState;
    status: string;
    attempt: number | null;
    invocation_id: string | null;
  }>;
  /** shards whose results are missing in whole or in part */
  missing: string[];
  /** planned nodes without any result (neither run nor skipped by a failure) */
  missing_nodes: string[];
}

export interface MergedRunResults {
  metadata: RunResults['metadata'] & { dbt_matrix: MergedMetadata };
  results: MergedResult[];
  elapsed_time: number;
  args: Record<string, unknown>;
}

export interface MergedReport {
  runResults: MergedRunResults;
  shards: ShardRow[];
  totals: Totals;
  problems: ReportProblem[];
  interval: IntervalInfo | null;
  /** wall span of the run: earliest shard start to latest shard end */
  window: { startedAt: string; endedAt: string; seconds: number } | null;
  plannedMakespanSeconds: number;
}
