import { FAILED_SHARD_STATES, type MergedReport, type ShardRow } from './model.js';
import type { MergedResult } from './combine.js';
import { round3 } from './format.js';
import type { Slot } from './slots.js';
import { isFailing, worseStatus } from './status.js';

// One row per shard for the summary's table and timeline: its state, status, counts and times.

/** The row of one slot; `nodes` are the results it holds of the nodes it ran itself (no hooks, no exposures). */
export function shardRow(slot: Slot, nodes: readonly MergedResult[], missingNodes: string[]): ShardRow {
  const { plan, shard, id } = slot;
  const a = shard?.artifact ?? null;
  const planned = plan?.nodes.length ?? a?.nodes.length ?? 0;
  const own = nodes.filter((n) => !n.dbt_matrix.not_run);
  const skippedNodes = nodes.filter((n) => n.status === 'skipped').length;
  const state = rowState(slot, missingNodes, planned, skippedNodes);
  const worstStatus = own.length > 0 ? own.map((n) => n.status).reduce(worseStatus) : null;
  const failingNodes = own.filter((n) => isFailing(n.status)).length;
  const status = a?.status ?? (shard ? 'unknown' : state === 'skipped' ? 'skipped' : 'missing');
  // A shard fails by itself when nothing it reported explains its failure: no results, results
  // missing, another plan's folder, a timeout, a cancellation, or dbt exiting non-zero before any
  // node failed (a compilation error).
  const failed =
    FAILED_SHARD_STATES.has(state) ||
    status === 'timeout' ||
    status === 'cancelled' ||
    (status === 'error' && failingNodes === 0);
  return {
    id,
    kind: a?.kind ?? plan?.kind ?? 'shard',
    stage: a?.stage ?? plan?.stage ?? 0,
    order: slot.order,
    state,
    status,
    worstStatus,
    plannedNodes: planned,
    reportedNodes: own.length,
    skippedNodes,
    missingNodes,
    failingNodes,
    startedAt: a?.startedAt ?? null,
    endedAt: a?.endedAt ?? null,
    durationSeconds: a ? spanSeconds(a.startedAt, a.endedAt) : null,
    estimatedSeconds: plan?.estimatedSeconds ?? null,
    attempt: a?.attempt ?? null,
    dbtAttempts: a ? a.chunks.reduce((sum, c) => sum + c.attempts, 0) || 1 : null,
    chunks: a?.chunks.length ?? 0,
    failed,
  };
}

function rowState(slot: Slot, missingNodes: readonly string[], planned: number, skipped: number): ShardRow['state'] {
  if (!slot.accepted) return 'mismatch';
  if (!slot.shard) return missingNodes.length === 0 && planned > 0 && skipped === planned ? 'skipped' : 'missing';
  if (!slot.shard.results) return 'no-results';
  if (!slot.plan) return 'unplanned';
  return missingNodes.length > 0 ? 'partial' : 'reported';
}

/** The span from the first shard's start to the last shard's end; null without shard.json times. */
export function wallWindow(rows: readonly ShardRow[]): MergedReport['window'] {
  let start: string | null = null;
  let end: string | null = null;
  for (const r of rows) {
    if (r.startedAt && (start === null || Date.parse(r.startedAt) < Date.parse(start))) start = r.startedAt;
    if (r.endedAt && (end === null || Date.parse(r.endedAt) > Date.parse(end))) end = r.endedAt;
  }
  if (start === null || end === null) return null;
  return { startedAt: start, endedAt: end, seconds: spanSeconds(start, end) };
}

export function spanSeconds(start: string, end: string): number {
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (Number.isNaN(s) || Number.isNaN(e)) return 0;
  return round3(Math.max(0, e - s) / 1000);
}
