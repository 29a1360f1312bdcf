import { combineAcrossShards, combineShardResults, type MergedResult } from './combine.js';
import { accountFor, unknownStatuses, unplannedResults } from './completeness.js';
import { addHookResult, isHook } from './hooks.js';
import { runResultsFile } from './merged-run-results.js';
import type { MergeInput, MergedReport, ReportProblem, ShardInput } from './model.js';
import type { NodeResult } from './run-results.js';
import { shardRow, wallWindow } from './shard-rows.js';
import { compareIds, plannedShards, slotsOf, type PlannedShard, type Slot } from './slots.js';
import { computeTotals } from './totals.js';

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
  const merged = mergeSlots(slots, plannedIn, problems);
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

  const { results, ranByShard } = inReportOrder(slots, merged, new Set(input.plan.exposures ?? []));
  const rows = slots.map((s) => shardRow(s, ranByShard.get(s.id) ?? [], accounts.missing.get(s.id) ?? []));
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

/** Every accepted shard's results by node id, with a problem for each thing in a folder that does not add up. */
function mergeSlots(
  slots: readonly Slot[],
  plannedIn: ReadonlyMap<string, string>,
  problems: ReportProblem[],
): Map<string, MergedResult> {
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
  return merged;
}

/**
 * The results in slot order, then node id inside a shard (hooks with the first shard that ran
 * them, exposures with the shard of their first planned parent: see completeness.ts); and per
 * shard the nodes it ran itself, for its row.
 */
function inReportOrder(
  slots: readonly Slot[],
  merged: ReadonlyMap<string, MergedResult>,
  exposures: ReadonlySet<string>,
): { results: MergedResult[]; ranByShard: Map<string, MergedResult[]> } {
  const groups = new Map<string, MergedResult[]>(slots.map((s) => [s.id, []]));
  for (const r of merged.values()) groups.get(r.dbt_matrix.shard)!.push(r);
  const results = [...groups.values()].flatMap((list) => list.sort((a, b) => compareIds(a.unique_id, b.unique_id)));
  const ranByShard = new Map<string, MergedResult[]>();
  // hooks: every invocation runs them (see hooks.ts); exposures: listed by the merge, never run
  for (const [id, list] of groups)
    ranByShard.set(
      id,
      list.filter((r) => !isHook(r.unique_id) && !exposures.has(r.unique_id)),
    );
  return { results, ranByShard };
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
  for (const nodeId of [...byNode.keys()].sort(compareIds)) {
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
