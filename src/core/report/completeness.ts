import type { DbtGraph } from '../graph/graph.js';
import { failedNodes, skippedBy } from '../failure/skips.js';
import { isTestLike } from '../manifest/types.js';
import type { Plan } from '../plan/schema.js';
import type { MergedResult } from './combine.js';
import { isHook } from './hooks.js';
import type { ReportProblem, ShardInput } from './model.js';
import type { RunResults } from './run-results.js';
import { isKnownStatus } from './status.js';

/**
 * The merge's accounting: every planned node has a result, or is skipped because a node it
 * depends on failed, or is named as missing; shards of another plan or project are refused;
 * statuses this dbt-matrix does not know and results the plan did not ask for are reported.
 */

interface PlannedSlot {
  id: string;
  nodes: readonly string[];
  stage: number;
}

const MAX_NAMED = 5;
const named = (ids: readonly string[]): string =>
  `${ids.slice(0, MAX_NAMED).join(', ')}${ids.length > MAX_NAMED ? ` and ${ids.length - MAX_NAMED} more` : ''}`;

/** A shard folder from another plan or project: an error that says which, or null when it belongs. */
export function checkIdentity(
  shard: ShardInput,
  slot: PlannedSlot | null,
  plan: Plan,
  planId: string | null,
  plannedIn: ReadonlyMap<string, string>,
): ReportProblem | null {
  const ran = shard.artifact?.plan;
  const at = (message: string): ReportProblem => ({
    level: 'error',
    shard: shard.id,
    file: null,
    message: `shard ${shard.id}: ${message}; its results are not merged`,
  });
  if (ran) {
    if (plan.projectName !== null && ran.project !== null && ran.project !== plan.projectName) {
      return at(
        `ran dbt project "${ran.project}", but --plan is for project "${plan.projectName}" (--in holds another project's shards)`,
      );
    }
    if (planId !== null && ran.id !== planId) {
      return at(
        `ran from another plan (plan id ${ran.id}, --plan has ${planId}): merge with the plan it ran from, or re-run it from this one`,
      );
    }
    return null;
  }
  // A runner that did not record its plan: results that name none of the planned nodes betray it.
  if (!slot || slot.nodes.length === 0) return null;
  const results = (shard.results?.results ?? []).filter((r) => !isHook(r.unique_id));
  if (results.length === 0) return null;
  if (results.some((r) => plannedIn.get(r.unique_id) === slot.id)) return null;
  return at(
    `none of its ${slot.nodes.length} planned nodes is in its run_results.json (it holds ${named(results.map((r) => r.unique_id))}): it ran another project or plan`,
  );
}

/** A status dbt-matrix does not know fails the run, naming it and the dbt that wrote it. */
export function unknownStatuses(shard: ShardInput): ReportProblem[] {
  const byStatus = new Map<string, string[]>();
  for (const r of shard.results?.results ?? []) {
    if (isKnownStatus(r.status)) continue;
    const list = byStatus.get(r.status);
    if (list) list.push(r.unique_id);
    else byStatus.set(r.status, [r.unique_id]);
  }
  const dbt = shard.results?.metadata.dbt_version ?? shard.artifact?.dbtVersion ?? 'an unknown version';
  return [...byStatus].map(([status, ids]) => ({
    level: 'error' as const,
    shard: shard.id,
    file: null,
    message: `shard ${shard.id}: status ${JSON.stringify(status)} (${named(ids)}) is not a dbt status this dbt-matrix knows (written by dbt ${dbt}); those nodes count as failed: update dbt-matrix`,
  }));
}

/** Results for nodes the plan did not give this shard (hooks aside: dbt runs them every invocation). */
export function unplannedResults(
  shard: ShardInput,
  slot: PlannedSlot | null,
  plannedIn: ReadonlyMap<string, string>,
): ReportProblem[] {
  if (!slot) return [];
  const elsewhere = new Set<string>();
  const nowhere = new Set<string>();
  for (const { unique_id: id } of shard.results?.results ?? []) {
    const home = plannedIn.get(id);
    if (home === slot.id || isHook(id)) continue;
    (home === undefined ? nowhere : elsewhere).add(id);
  }
  const out: ReportProblem[] = [];
  const warn = (message: string): void =>
    void out.push({ level: 'warning', shard: shard.id, file: null, message: `shard ${shard.id}: ${message}` });
  if (nowhere.size > 0)
    warn(`reported ${nowhere.size} node(s) the plan did not select: ${named([...nowhere].sort())}; merged anyway`);
  if (elsewhere.size > 0)
    warn(`reported ${elsewhere.size} node(s) planned for other shards: ${named([...elsewhere].sort())}; merged anyway`);
  return out;
}

export interface AccountSlot {
  id: string;
  stage: number;
  shard: ShardInput | null;
  /** the shard's results when they were accepted (null for another plan's folder) */
  results: RunResults | null;
  plan: PlannedSlot | null;
}

/**
 * Lists every planned node: nodes the runner left out (an upstream failed in an earlier stage)
 * and nodes that never ran but sit below a failure become `skipped` with their cause, as dbt
 * build would list them; dbt's own skipped results get their cause too (from the graph). What
 * is still without a result is missing, per shard, with a problem naming the nodes.
 */
export function accountFor(
  slots: readonly AccountSlot[],
  merged: Map<string, MergedResult>,
  graph: DbtGraph | null,
  exposures: readonly string[],
): { missing: Map<string, string[]>; problems: ReportProblem[] } {
  for (const s of slots) {
    if (!s.results) continue;
    for (const skip of s.shard?.artifact?.skipped ?? []) {
      if (!merged.has(skip.unique_id)) merged.set(skip.unique_id, skippedResult(skip.unique_id, s, skip.causes, graph));
    }
  }
  const causes = graph ? skipCauses(graph, slots, merged) : new Map<string, string[]>();
  for (const [id, because] of causes) {
    const r = merged.get(id);
    if (r?.status === 'skipped' && !r.dbt_matrix.skipped_because)
      merged.set(id, { ...r, dbt_matrix: { ...r.dbt_matrix, skipped_because: because } });
  }
  listExposures(exposures, slots, merged, causes, graph);
  const missing = new Map<string, string[]>();
  const problems: ReportProblem[] = [];
  for (const s of slots) {
    if (!s.plan) continue;
    const lost: string[] = [];
    let explained = 0;
    for (const id of s.plan.nodes) {
      if (merged.has(id)) continue;
      const because = causes.get(id);
      if (because) {
        merged.set(id, skippedResult(id, s, because, graph));
        explained++;
      } else lost.push(id);
    }
    missing.set(s.id, lost);
    const problem = missingProblem(s, lost, explained);
    if (problem) problems.push(problem);
  }
  return { missing, problems };
}

/**
 * What sits below a failure — and below a model, seed or snapshot that never got a result (its
 * shard died or stopped early): nothing downstream of it could run on it either, as `local`
 * decides for its later stages. Such a node is itself named missing; what it holds up is listed
 * as skipped with it as the cause.
 */
function skipCauses(
  graph: DbtGraph,
  slots: readonly AccountSlot[],
  merged: ReadonlyMap<string, MergedResult>,
): Map<string, string[]> {
  const failed = failedNodes(merged.values());
  const first = skippedBy(graph, failed);
  const unrun: string[] = [];
  for (const s of slots) {
    for (const id of s.plan?.nodes ?? []) {
      const node = graph.get(id);
      if (!merged.has(id) && !first.has(id) && node && !isTestLike(node)) unrun.push(id);
    }
  }
  if (unrun.length === 0) return first;
  // only the topmost unrun nodes are causes: one below another is held up by it, not a cause itself
  const below = skippedBy(graph, unrun);
  return skippedBy(graph, [...failed, ...unrun.filter((id) => !below.has(id))]);
}

/**
 * dbt build lists every selected exposure without running anything: `no-op`, or `skipped` below a
 * failure. No shard runs them (they have no work), so the merge lists them the same way, under the
 * shard of their first planned parent.
 */
function listExposures(
  exposures: readonly string[],
  slots: readonly AccountSlot[],
  merged: Map<string, MergedResult>,
  causes: ReadonlyMap<string, string[]>,
  graph: DbtGraph | null,
): void {
  if (exposures.length === 0) return;
  const slotOf = new Map<string, AccountSlot>();
  for (const s of slots) for (const id of s.plan?.nodes ?? []) slotOf.set(id, s);
  for (const id of exposures) {
    if (merged.has(id)) continue;
    const home = (graph?.parents(id) ?? []).map((p) => slotOf.get(p)).find((s) => s !== undefined) ?? slots[0];
    if (!home) continue;
    const because = causes.get(id);
    merged.set(id, because ? skippedResult(id, home, because, graph) : noOpResult(id, home));
  }
}

function missingProblem(s: AccountSlot, lost: readonly string[], explained: number): ReportProblem | null {
  const total = s.plan!.nodes.length;
  const error = (message: string): ReportProblem => ({
    level: 'error',
    shard: s.id,
    file: null,
    message: `shard ${s.id} ${message}`,
  });
  const also = explained > 0 ? `; ${explained} more are listed as skipped (a node they depend on failed)` : '';
  if (!s.shard) {
    if (lost.length === 0 && total > 0) return null; // rightly not run: everything in it sits below a failure
    return error(
      `is missing: no artifact or folder (the job failed before uploading, or never ran): ${lost.length} of ${total} planned nodes have no result${also}`,
    );
  }
  if (lost.length === 0) return null;
  if (!s.results) return null; // the unreadable file is already an error naming it
  return error(
    `is partial: ${lost.length} of ${total} planned nodes have no result (${named(lost)})${also}; the shard stopped early or its run_results.json lost them`,
  );
}

/** A result as dbt writes one for a skipped node, with the cause dbt does not record. */
function skippedResult(id: string, s: AccountSlot, causes: readonly string[], graph: DbtGraph | null): MergedResult {
  const listed = listedResult(id, s, graph);
  return { ...listed, dbt_matrix: { ...listed.dbt_matrix, skipped_because: [...causes] } };
}

/** An exposure as dbt build lists it when nothing above it failed. */
function noOpResult(id: string, s: AccountSlot): MergedResult {
  return { ...listedResult(id, s, null), status: 'no-op', message: 'NO-OP', failures: 0 };
}

function listedResult(id: string, s: AccountSlot, graph: DbtGraph | null): MergedResult {
  return {
    status: 'skipped',
    timing: [],
    thread_id: null,
    execution_time: 0,
    adapter_response: {},
    message: null,
    failures: null,
    unique_id: id,
    compiled: false,
    compiled_code: null,
    relation_name: graph?.get(id)?.relationName ?? null,
    batch_results: null,
    dbt_matrix: {
      shard: s.id,
      stage: s.shard?.artifact?.stage ?? s.stage,
      attempt: s.shard?.artifact?.attempt ?? 1,
      chunks: [],
      not_run: true,
    },
  };
}
