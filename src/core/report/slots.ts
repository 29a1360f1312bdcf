import type { Plan } from '../plan/schema.js';
import { checkIdentity } from './completeness.js';
import { FINAL_SHARD_ID, type MergeInput, type ReportProblem, type ShardInput } from './model.js';

// The merge's slots: every shard the plan names, in plan order, then the folders it does not name.

export interface PlannedShard {
  id: string;
  kind: 'shard' | 'final';
  stage: number;
  order: number;
  nodes: readonly string[];
  estimatedSeconds: number | null;
}

/** One shard as the merge goes through it: what the plan says, what the folder holds. */
export interface Slot {
  plan: PlannedShard | null;
  shard: ShardInput | null;
  id: string;
  order: number;
  /** false when the folder ran another plan or project: its results are left out */
  accepted: boolean;
}

/** The plan's shards by id, in index order, then the finalTests job (a stage after every other). */
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

/**
 * Pairs every planned shard with its folder (or none), then adds the folders the plan does not
 * name, in id order; a folder of another plan or project is not accepted (its results are left out).
 */
export function slotsOf(
  input: MergeInput,
  planned: Map<string, PlannedShard>,
  plannedIn: ReadonlyMap<string, string>,
  problems: ReportProblem[],
): Slot[] {
  const byId = new Map(input.shards.map((s) => [s.id, s]));
  const unplanned = input.shards.filter((s) => !planned.has(s.id)).sort((a, b) => compareIds(a.id, b.id));
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

/** Code-unit order of ids: the same on every machine and locale, so merges are byte-identical. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
