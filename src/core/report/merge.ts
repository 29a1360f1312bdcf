import type { Plan } from '../plan/schema.js';
import { combineAcrossShards, combineShardResults, type MergedResult } from './combine.js';
import { accountFor, checkIdentity, unknownStatuses, unplannedResults } from './completeness.js';
import { addHookResult, isHook } from './hooks.js';
import {
  FAILED_SHARD_STATES,
  FINAL_SHARD_ID,
  type MergeInput,
  type MergedReport,
  type MergedRunResults,
  type ReportProblem,
  type ShardInput,
  type ShardRow,
} from './model.js';
import type { NodeResult } from './run-results.js';
import { RUN_RESULTS_SCHEMA_URL } from './run-results.js';
import { isFailing, worseStatus } from './status.js';
import { computeTotals } from './totals.js';

export interface PlannedShard {
  id: string;
  kind: 'shard' | 'final';
  stage: number;
  order: number;
  nodes: readonly string[];
  estimatedSeconds: number | null;
}

/** One shard as the merge goes through it: what the plan says, what the folder holds. */
interface Slot {
  plan: PlannedShard | null;
  shard: ShardInput | null;
  id: string;
  order: number;
  /** false when the folder ran another plan or project: its results are left out */
  accepted: boolean;
}

/**
 * Merges shard folders into one report. Pure: the caller reads the folders (ShardInput) and
 * writes the outputs. Every planned node ends up with a result — dbt's, or `skipped` with the
 * failed node that caused it — or is named as missing and fails the run. Order is deterministic
 * (plan shard index, then the finalTests job, then folders the plan does not name; inside a
 * shard, by node id), so two merges of the same inputs give byte-identical files.
 */
export function mergeShardResults(input: MergeInput): MergedReport {
  const planned = plannedShards(input.plan);
  const problems: ReportProblem[] = input.shards.flatMap((s) => s.problems);
  const plannedIn = new Map<string, string>();
  for (const p of planned.values()) for (const n of p.nodes) plannedIn.set(n, p.id);
  const slots = slotsOf(input, planned, plannedIn, problems);
  const merged = new Map<string, MergedResult>();

  for (const slot of slots) {
    const reparsed = slot.shard?.artifact?.reparsed;
    if (reparsed)
      problems.push({
        level: 'warning',
        shard: slot.id,
        file: null,
        message: `shard ${slot.id} parsed the project again: ${reparsed}`,
      });
    if (!slot.accepted || !slot.shard?.results) continue;
    problems.push(...unknownStatuses(slot.shard));
    problems.push(...unplannedResults(slot.shard, slot.plan, plannedIn));
    mergeOneShard(slot.shard, slot.plan, merged, problems);
  }
  const accounts = accountFor(
    slots.map((s) => ({
      id: s.id,
      stage: s.plan?.stage ?? 0,
      shard: s.shard,
      plan: s.plan,
      results: s.accepted ? (s.shard?.results ?? null) : null,
    })),
    merged,
    input.graph ?? null,
    input.plan.exposures ?? [],
  );
  problems.push(...accounts.problems);

  // Slot order, then node id inside a shard (hooks with the first shard that ran them, exposures
  // with the shard of their first planned parent: see completeness.ts).
  const groups = new Map<string, MergedResult[]>(slots.map((s) => [s.id, []]));
  for (const r of merged.values()) groups.get(r.dbt_matrix.shard)!.push(r);
  const results = [...groups.values()].flatMap((list) => list.sort((a, b) => cmp(a.unique_id, b.unique_id)));
  const byShard = new Map<string, MergedResult[]>();
  const exposures = new Set(input.plan.exposures ?? []);
  for (const [id, list] of groups) {
    // hooks: every invocation runs them (see hooks.ts); exposures: listed by the merge, never run
    byShard.set(
      id,
      list.filter((r) => !isHook(r.unique_id) && !exposures.has(r.unique_id)),
    );
  }
  const rows = slots.map((s) => shardRow(s, byShard.get(s.id) ?? [], accounts.missing.get(s.id) ?? []));
  const totals = computeTotals(results, rows);
  const window = wallWindow(rows);
  return {
    runResults: runResultsFile(input, rows, results, window?.seconds ?? null),
    shards: rows,
    totals,
    problems,
    interval: input.shards.find((s) => s.artifact)?.artifact?.interval ?? null,
    window,
    plannedMakespanSeconds: input.plan.estimates.makespanSeconds,
  };
}

function slotsOf(
  input: MergeInput,
  planned: Map<string, PlannedShard>,
  plannedIn: ReadonlyMap<string, string>,
  problems: ReportProblem[],
): Slot[] {
  const byId = new Map(input.shards.map((s) => [s.id, s]));
  const unplanned = input.shards.filter((s) => !planned.has(s.id)).sort((a, b) => cmp(a.id, b.id));
  const pairs = [
    ...[...planned.values()].map((p) => ({ plan: p as PlannedShard | null, shard: byId.get(p.id) ?? null })),
    ...unplanned.map((s) => ({ plan: null, shard: s as ShardInput | null })),
  ];
  return pairs.map(({ plan, shard }, order) => {
    const id = plan?.id ?? shard!.id;
    if (!plan)
      problems.push({
        level: 'warning',
        shard: id,
        file: null,
        message: `shard folder ${id} is not in the plan; merged anyway`,
      });
    const mismatch = shard ? checkIdentity(shard, plan, input.plan, input.planId ?? null, plannedIn) : null;
    if (mismatch) problems.push(mismatch);
    return { plan, shard, id, order, accepted: mismatch === null };
  });
}

export function plannedShards(plan: Plan): Map<string, PlannedShard> {
  const sorted = [...plan.shards].sort((a, b) => a.index - b.index);
  const out = new Map<string, PlannedShard>();
  sorted.forEach((s, i) =>
    out.set(s.id, {
      id: s.id,
      kind: 'shard',
      stage: s.stage,
      order: i,
      nodes: s.nodes,
      estimatedSeconds: s.estimatedSeconds,
    }),
  );
  if (plan.finalTests.length > 0) {
    const stage = Math.max(plan.stages, ...plan.shards.map((s) => s.stage)) + 1;
    out.set(FINAL_SHARD_ID, {
      id: FINAL_SHARD_ID,
      kind: 'final',
      stage,
      order: sorted.length,
      nodes: plan.finalTests,
      estimatedSeconds: null,
    });
  }
  return out;
}

/** Adds a shard's results to `merged`. Hooks run once per dbt invocation, so each shard's run of a hook is kept, not flagged. */
function mergeOneShard(
  shard: ShardInput,
  plan: PlannedShard | null,
  merged: Map<string, MergedResult>,
  problems: ReportProblem[],
): void {
  const byNode = new Map<string, NodeResult[]>();
  for (const r of shard.results!.results) {
    const list = byNode.get(r.unique_id);
    if (list) list.push(r);
    else byNode.set(r.unique_id, [r]);
  }
  const stage = shard.artifact?.stage ?? plan?.stage ?? 0;
  const attempt = shard.artifact?.attempt ?? 1;
  for (const nodeId of [...byNode.keys()].sort(cmp)) {
    const result = combineShardResults(byNode.get(nodeId)!, shard.id, stage, attempt);
    const earlier = merged.get(nodeId);
    if (isHook(nodeId)) merged.set(nodeId, addHookResult(earlier, result));
    else if (earlier) {
      problems.push({
        level: 'warning',
        shard: shard.id,
        file: null,
        message: `${nodeId} ran in shard ${earlier.dbt_matrix.shard} and again in ${shard.id}; the worse status is kept`,
      });
      merged.set(nodeId, combineAcrossShards(earlier, result));
    } else merged.set(nodeId, result);
  }
}

function shardRow(slot: Slot, nodes: readonly MergedResult[], missingNodes: string[]): ShardRow {
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

function wallWindow(rows: readonly ShardRow[]): MergedReport['window'] {
  let start: string | null = null;
  let end: string | null = null;
  for (const r of rows) {
    if (r.startedAt && (start === null || Date.parse(r.startedAt) < Date.parse(start))) start = r.startedAt;
    if (r.endedAt && (end === null || Date.parse(r.endedAt) > Date.parse(end))) end = r.endedAt;
  }
  if (start === null || end === null) return null;
  return { startedAt: start, endedAt: end, seconds: spanSeconds(start, end) };
}

function runResultsFile(
  input: MergeInput,
  rows: readonly ShardRow[],
  results: MergedResult[],
  wallSeconds: number | null,
): MergedRunResults {
  const accepted = new Set(rows.filter((r) => r.state !== 'mismatch').map((r) => r.id));
  const reporting = input.shards
    .filter((s) => s.results && accepted.has(s.id))
    .sort((a, b) => orderOf(rows, a.id) - orderOf(rows, b.id));
  const first = reporting[0]?.results ?? null;
  // Without shard.json times, the longest shard is the best lower bound of the wall span.
  const elapsed = wallSeconds ?? Math.max(0, ...reporting.map((s) => s.results!.elapsed_time));
  return {
    metadata: {
      ...(first?.metadata ?? {}),
      // the label dbt wrote (read by fields, not by label); v6 when no shard reported
      dbt_schema_version: first?.metadata.dbt_schema_version ?? RUN_RESULTS_SCHEMA_URL,
      generated_at: input.generatedAt,
      invocation_id: input.invocationId,
      dbt_matrix: {
        merged: true,
        plan_version: input.plan.version,
        plan_id: input.planId ?? null,
        shards: rows.map((r) => ({
          id: r.id,
          stage: r.stage,
          state: r.state,
          status: r.status,
          attempt: r.attempt,
          invocation_id: input.shards.find((s) => s.id === r.id)?.results?.metadata.invocation_id ?? null,
        })),
        missing: rows.filter((r) => FAILED_SHARD_STATES.has(r.state) && r.state !== 'mismatch').map((r) => r.id),
        missing_nodes: rows.flatMap((r) => r.missingNodes),
      },
    },
    results,
    elapsed_time: round3(elapsed),
    args: mergedArgs(first?.args),
  };
}

/** The first shard's args minus what differs per shard: dbt retry reads `which` and flags from here. */
function mergedArgs(args: Record<string, unknown> | undefined): Record<string, unknown> {
  const { select: _s, exclude: _e, selector: _sel, vars: _v, ...rest } = args ?? {};
  return { which: 'build', ...rest };
}

const orderOf = (rows: readonly ShardRow[], id: string): number =>
  rows.find((r) => r.id === id)?.order ?? Number.MAX_SAFE_INTEGER;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export function spanSeconds(start: string, end: string): number {
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (Number.isNaN(s) || Number.isNaN(e)) return 0;
  return round3(Math.max(0, e - s) / 1000);
}
