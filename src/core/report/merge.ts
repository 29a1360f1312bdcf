import type { Plan } from '../plan/schema.js';
import { combineAcrossShards, combineShardResults, type MergedResult } from './combine.js';
import { FINAL_SHARD_ID, type MergeInput, type MergedReport, type MergedRunResults, type ReportProblem, type ShardInput, type ShardRow } from './model.js';
import type { NodeResult } from './run-results.js';
import { RUN_RESULTS_SCHEMA_URL, isFailing, worseStatus } from './run-results.js';
import { computeTotals } from './totals.js';

interface PlannedShard {
  id: string;
  kind: 'shard' | 'final';
  stage: number;
  order: number;
  nodes: readonly string[];
  estimatedSeconds: number | null;
}

/**
 * Merges shard folders into one report. Pure: the caller reads the folders (ShardInput) and
 * writes the outputs. Order is deterministic — plan shard index, then the finalTests job, then
 * folders the plan does not name (by id); inside a shard, by node id — so two merges of the same
 * inputs give byte-identical files.
 */
export function mergeShardResults(input: MergeInput): MergedReport {
  const planned = plannedShards(input.plan);
  const byId = new Map(input.shards.map((s) => [s.id, s]));
  const problems: ReportProblem[] = input.shards.flatMap((s) => s.problems);
  const rows: ShardRow[] = [];
  const merged = new Map<string, MergedResult>();

  const unplanned = input.shards.filter((s) => !planned.has(s.id)).sort((a, b) => cmp(a.id, b.id));
  const order: Array<{ plan: PlannedShard | null; shard: ShardInput | null }> = [
    ...[...planned.values()].map((p) => ({ plan: p, shard: byId.get(p.id) ?? null })),
    ...unplanned.map((s) => ({ plan: null, shard: s })),
  ];
  order.forEach(({ plan, shard }, i) => {
    const id = plan?.id ?? shard!.id;
    if (!plan) problems.push({ level: 'warning', shard: id, file: null, message: `shard folder ${id} is not in the plan; merged anyway` });
    if (plan && !shard) problems.push({ level: 'error', shard: id, file: null, message: `shard ${id} is missing: no artifact or folder (the job failed before uploading, or never ran)` });
    const reparsed = shard?.artifact?.reparsed;
    if (reparsed) problems.push({ level: 'warning', shard: id, file: null, message: `shard ${id} parsed the project again: ${reparsed}` });
    const nodes = shard?.results ? mergeOneShard(shard, plan, merged, problems) : [];
    rows.push(shardRow(plan, shard, id, i, nodes));
  });

  const results = [...merged.values()];
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

function plannedShards(plan: Plan): Map<string, PlannedShard> {
  const sorted = [...plan.shards].sort((a, b) => a.index - b.index);
  const out = new Map<string, PlannedShard>();
  sorted.forEach((s, i) => out.set(s.id, { id: s.id, kind: 'shard', stage: s.stage, order: i, nodes: s.nodes, estimatedSeconds: s.estimatedSeconds }));
  if (plan.finalTests.length > 0) {
    const stage = Math.max(plan.stages, ...plan.shards.map((s) => s.stage)) + 1;
    out.set(FINAL_SHARD_ID, { id: FINAL_SHARD_ID, kind: 'final', stage, order: sorted.length, nodes: plan.finalTests, estimatedSeconds: null });
  }
  return out;
}

/** Adds a shard's results to `merged` (node id order) and returns its merged node results. */
function mergeOneShard(shard: ShardInput, plan: PlannedShard | null, merged: Map<string, MergedResult>, problems: ReportProblem[]): MergedResult[] {
  const byNode = new Map<string, NodeResult[]>();
  for (const r of shard.results!.results) {
    const list = byNode.get(r.unique_id);
    if (list) list.push(r);
    else byNode.set(r.unique_id, [r]);
  }
  const stage = shard.artifact?.stage ?? plan?.stage ?? 0;
  const attempt = shard.artifact?.attempt ?? 1;
  const out: MergedResult[] = [];
  for (const nodeId of [...byNode.keys()].sort(cmp)) {
    const result = combineShardResults(byNode.get(nodeId)!, shard.id, stage, attempt);
    const earlier = merged.get(nodeId);
    if (earlier) {
      problems.push({ level: 'warning', shard: shard.id, file: null, message: `${nodeId} ran in shard ${earlier.dbt_matrix.shard} and again in ${shard.id}; the worse status is kept` });
      merged.set(nodeId, combineAcrossShards(earlier, result));
    } else {
      merged.set(nodeId, result);
    }
    out.push(result);
  }
  return out;
}

function shardRow(plan: PlannedShard | null, shard: ShardInput | null, id: string, order: number, nodes: MergedResult[]): ShardRow {
  const a = shard?.artifact ?? null;
  const state: ShardRow['state'] = !shard ? 'missing' : !shard.results ? 'no-results' : plan ? 'reported' : 'unplanned';
  const worstStatus = nodes.length > 0 ? nodes.map((n) => n.status).reduce(worseStatus) : null;
  const failingNodes = nodes.filter((n) => isFailing(n.status)).length;
  const status = a?.status ?? (shard ? 'unknown' : 'missing');
  // A shard fails by itself when nothing it reported explains its failure: no results, a timeout,
  // a cancellation, or dbt exiting non-zero before any node failed (a compilation error).
  const failed = state === 'missing' || state === 'no-results' || status === 'timeout' || status === 'cancelled' || (status === 'error' && failingNodes === 0);
  return {
    id,
    kind: a?.kind ?? plan?.kind ?? 'shard',
    stage: a?.stage ?? plan?.stage ?? 0,
    order,
    state,
    status,
    worstStatus,
    plannedNodes: plan?.nodes.length ?? a?.nodes.length ?? 0,
    reportedNodes: nodes.length,
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

function runResultsFile(input: MergeInput, rows: readonly ShardRow[], results: MergedResult[], wallSeconds: number | null): MergedRunResults {
  const reporting = input.shards.filter((s) => s.results).sort((a, b) => orderOf(rows, a.id) - orderOf(rows, b.id));
  const first = reporting[0]?.results ?? null;
  // Without shard.json times, the longest shard is the best lower bound of the wall span.
  const elapsed = wallSeconds ?? Math.max(0, ...reporting.map((s) => s.results!.elapsed_time));
  return {
    metadata: {
      ...(first?.metadata ?? {}),
      dbt_schema_version: RUN_RESULTS_SCHEMA_URL,
      generated_at: input.generatedAt,
      invocation_id: input.invocationId,
      dbt_matrix: {
        merged: true,
        plan_version: input.plan.version,
        shards: rows.map((r) => ({
          id: r.id,
          stage: r.stage,
          state: r.state,
          status: r.status,
          attempt: r.attempt,
          invocation_id: input.shards.find((s) => s.id === r.id)?.results?.metadata.invocation_id ?? null,
        })),
        missing: rows.filter((r) => r.state === 'missing' || r.state === 'no-results').map((r) => r.id),
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

const orderOf = (rows: readonly ShardRow[], id: string): number => rows.find((r) => r.id === id)?.order ?? Number.MAX_SAFE_INTEGER;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

export function spanSeconds(start: string, end: string): number {
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (Number.isNaN(s) || Number.isNaN(e)) return 0;
  return round3(Math.max(0, e - s) / 1000);
}
