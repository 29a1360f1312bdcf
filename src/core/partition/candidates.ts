/**
 * The candidate search's bookkeeping: stage layouts without repeats, the thread counts worth
 * trying when the planner picks them, tie twins, and which of two simulated plans wins.
 */
import { estimateLayout, type LayoutEstimate, type LayoutPlan, type Placements } from './evaluate.js';
import type { StageLayout } from './stages.js';

/** Thread counts tried when the planner picks them; each multiplies the layouts estimated. */
export const MAX_THREAD_OPTIONS = 4;

/** Drops repeated layouts (small DAGs often give the same cut for several stage counts). */
export function distinct(layouts: StageLayout[]): StageLayout[] {
  const set = new DistinctLayouts([]);
  for (const layout of layouts) set.add(layout);
  return set.added;
}

/** Layouts not seen before (same stage of every node), so that no cut is estimated twice. */
export class DistinctLayouts {
  readonly added: StageLayout[] = [];
  private readonly seen = new Map<number, StageLayout[]>();

  constructor(known: StageLayout[]) {
    for (const layout of known) this.remember(layout);
  }

  add(layout: StageLayout): void {
    if (this.remember(layout)) this.added.push(layout);
  }

  private remember(layout: StageLayout): boolean {
    let hash = layout.stages.length;
    for (let v = 0; v < layout.stageOf.length; v++) hash = (Math.imul(hash, 31) + layout.stageOf[v]!) | 0;
    const same = this.seen.get(hash);
    if (
      same?.some((l) => l.stages.length === layout.stages.length && l.stageOf.every((s, v) => s === layout.stageOf[v]))
    )
      return false;
    if (same) same.push(layout);
    else this.seen.set(hash, [layout]);
    return true;
  }
}

/**
 * Thread counts worth trying, most first: only the largest t for each number of parallel shards
 * floor(budget / (t + 1)), counting no more parallel shards than any stage can use; at most
 * MAX_THREAD_OPTIONS of them.
 */
export function pickableThreads(budget: number, maxThreads: number, widestStage: number): number[] {
  const top = Math.min(maxThreads, budget - 1);
  const parallel = (t: number): number => Math.min(Math.floor(budget / (t + 1)), widestStage);
  const options: number[] = [];
  for (let t = top; t >= 1; t--) if (t === top || parallel(t) > parallel(t + 1)) options.push(t);
  if (options.length <= MAX_THREAD_OPTIONS) return options;
  // an even spread, the most threads (the best use of connections) always included
  const step = (options.length - 1) / (MAX_THREAD_OPTIONS - 1);
  return [...new Set(Array.from({ length: MAX_THREAD_OPTIONS }, (_, i) => options[Math.round(i * step)]!))];
}

/**
 * The same layout with each stage's estimate ties resolved towards more shards, when that changes
 * a shard count (see estimateLayout): the estimate cannot tell them apart, the simulation can.
 */
export function tieTwin(candidate: LayoutEstimate, placements: Placements): LayoutEstimate[] {
  const more = estimateLayout(placements.dag, candidate.layout, candidate.limits, placements, 'more');
  return more.bins.some((b, s) => b.estimates.length !== candidate.bins[s]!.estimates.length) ? [more] : [];
}

/** The faster plan wins; on a tie, fewer shards, then fewer stages. */
export function better(a: LayoutPlan, b: LayoutPlan): boolean {
  const eps = 1e-9 * Math.max(1, b.makespan);
  if (a.makespan < b.makespan - eps) return true;
  if (a.makespan > b.makespan + eps) return false;
  if (a.shardCount !== b.shardCount) return a.shardCount < b.shardCount;
  return a.stages.length < b.stages.length;
}
