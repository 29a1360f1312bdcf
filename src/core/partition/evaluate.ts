import type { WorkDag } from './dag.js';
import type { Stage, StageLayout } from './stages.js';
import { sharedCpuFloor, startupWall, type Machine } from './machine.js';
import { ShardSimulator, jobsMakespan, lpt } from './simulate.js';

export interface Limits {
  threads: number;
  /** shards of one stage running at once: floor(budget / (threads + 1)) */
  slots: number;
  maxShardsPerStage: number;
  overhead: number;
  machine: Machine;
}

/** One stage cut into shards: the components' LPT bins, tests placed. */
export interface StageShards {
  shards: number[][];
  /** tests whose parents in this stage ended up in different shards */
  finalTests: number[];
  /** per shard: a quick duration estimate, max(longest chain, work / threads) */
  estimates: number[];
}

export interface LayoutPlan {
  stages: Array<StageShards & { durations: number[]; seconds: number }>;
  finalTests: number[];
  makespan: number;
  shardCount: number;
}

/**
 * A layout with a shard count chosen per stage, before any node list is built: ranking candidates
 * needs only the estimate, and only the few that get simulated are turned into shards.
 */
export interface LayoutEstimate {
  layout: StageLayout;
  limits: Limits;
  /** per stage: the chosen LPT bins */
  bins: Bins[];
  /** estimated makespan: LPT of the shard estimates per stage, plus the final tests' work */
  seconds: number;
  /**
   * A bound no simulation of these shards can beat: a shard takes at least its estimate, a stage at
   * least its longest job and its jobs' total over the slots, the final job its overhead and work.
   */
  lowerBound: number;
}

/**
 * Chooses each stage's shard count by the quick estimate (stages add up, so they are chosen
 * independently): 1, a quarter and a half of the slots, the slots, and twice them (more,
 * smaller jobs balance better when components outnumber slots). Tests sent to finalTests are
 * charged at their work over the threads, since the final job runs them.
 *
 * The estimate takes a shard to need max(longest path, work / threads), which is often a tie
 * between shard counts: a component that holds a stage's critical chain estimates the same whether
 * the stage's other components join its shard or run beside it, but simulated they compete for its
 * threads. `ties` says which count wins a tie: the fewest shards, or the most (the planner
 * simulates both, so only a real gain buys a shard).
 */
export function estimateLayout(
  dag: WorkDag,
  layout: StageLayout,
  limits: Limits,
  placements = new Placements(dag),
  ties: 'fewer' | 'more' = 'fewer',
): LayoutEstimate {
  let seconds = 0;
  let lowerBound = 0;
  let finalWork = 0;
  const chosen: Bins[] = [];
  layout.stages.forEach((stage, i) => {
    const last = i === layout.stages.length - 1;
    const cap = Math.min(stage.size, limits.maxShardsPerStage);
    const counts = new Set(
      [1, limits.slots >> 2, limits.slots >> 1, limits.slots, 2 * limits.slots].map((n) =>
        Math.max(1, Math.min(n, cap)),
      ),
    );
    let best: { bins: Bins; score: number } | undefined;
    for (const n of [...counts].sort((a, b) => a - b)) {
      const bins = binsFor(placements.get(layout, stage, i + 1, n), limits);
      // earlier stages' split tests join the next stage; the last stage's need a job of their own
      const finalJob = last && bins.finalWork > 0 ? limits.overhead : 0;
      const score = stageSeconds(bins.estimates, limits, bins.counts) + bins.finalWork / limits.threads + finalJob;
      const eps = 1e-9 * Math.max(1, best?.score ?? 0);
      if (!best || score < best.score - eps || (ties === 'more' && score <= best.score + eps)) best = { bins, score };
    }
    const { bins, score } = best!;
    seconds += score;
    chosen.push(bins);
    if (last) finalWork = bins.finalWork;
    let longestJob = 0;
    let jobs = 0;
    for (const e of bins.estimates) {
      longestJob = Math.max(longestJob, e + limits.overhead);
      jobs += e + limits.overhead;
    }
    lowerBound += Math.max(longestJob, jobs / Math.max(1, Math.min(limits.slots, bins.estimates.length)));
  });
  if (finalWork > 0) lowerBound += limits.overhead + finalWork / limits.threads;
  return { layout, limits, bins: chosen, seconds, lowerBound };
}

/** The whole selection as one job: one stage, one shard, the given threads (the plain `dbt build`). */
export function oneJobEstimate(
  dag: WorkDag,
  layout: StageLayout,
  limits: Limits,
  placements: Placements,
): LayoutEstimate {
  if (layout.stages.length !== 1) throw new Error('one job needs the one-stage layout');
  const bins = binsFor(placements.get(layout, layout.stages[0]!, 1, 1), limits);
  const seconds = stageSeconds(bins.estimates, limits, bins.counts);
  return { layout, limits, bins: [bins], seconds, lowerBound: seconds };
}

/**
 * Shard durations are memoised by (layout, stage, shard count, threads): candidates that differ
 * in one stage share the simulations of the others.
 */
export class PlanSimulator {
  readonly sim: ShardSimulator;
  private readonly memo = new Map<string, number[]>();
  private readonly layoutIds = new Map<StageLayout, number>();

  constructor(dag: WorkDag, machine: Machine) {
    this.sim = new ShardSimulator(dag, machine.dbtCpuPerNode);
  }

  /** Builds the shards of an estimated layout, simulates each of them, then the final-tests job. */
  simulate(estimate: LayoutEstimate): LayoutPlan {
    const { layout, limits } = estimate;
    if (!this.layoutIds.has(layout)) this.layoutIds.set(layout, this.layoutIds.size);
    const id = this.layoutIds.get(layout)!;
    const collected = layout.stages.map((stage, s) => collect(stage, estimate.bins[s]!));
    deferToNextStage(collected);
    let key = `${id}/${limits.threads}`;
    const planned = collected.map((shards, s) => {
      key += `/${s}:${shards.shards.length}`; // a stage's shards depend on the earlier stages' counts
      let durations = this.memo.get(key);
      if (!durations)
        this.memo.set(key, (durations = shards.shards.map((nodes) => this.sim.duration(nodes, limits.threads))));
      return {
        ...shards,
        durations,
        seconds: stageSeconds(
          durations,
          limits,
          shards.shards.map((nodes) => nodes.length),
        ),
      };
    });
    const finalTests = planned.flatMap((s) => s.finalTests).sort((a, b) => a - b);
    const finalSeconds =
      finalTests.length > 0
        ? stageSeconds([this.sim.duration(finalTests, limits.threads)], limits, [finalTests.length])
        : 0;
    return {
      stages: planned,
      finalTests,
      makespan: planned.reduce((sum, s) => sum + s.seconds, 0) + finalSeconds,
      shardCount: planned.reduce((sum, s) => sum + s.shards.length, 0),
    };
  }
}

/**
 * A test whose parents span shards of one stage can run in any shard of a later stage (earlier
 * stages have finished by then): it goes to the lightest shard of the next stage, and only the
 * last stage's leave a final-tests job (one more job start saved).
 */
function deferToNextStage(stages: StageShards[]): void {
  for (let s = 0; s + 1 < stages.length; s++) {
    const from = stages[s]!;
    const next = stages[s + 1]!;
    if (from.finalTests.length === 0 || next.shards.length === 0) continue;
    let lightest = 0;
    next.estimates.forEach((e, b) => {
      if (e < next.estimates[lightest]!) lightest = b;
    });
    next.shards[lightest]!.push(...from.finalTests);
    from.finalTests = [];
  }
}

/**
 * Stage wall-clock: jobs started largest first on the slots, each paying the overhead (on a shared
 * machine, stretched by the start-ups beside it); no less than the shards' CPU over those cores.
 */
export function stageSeconds(durations: readonly number[], limits: Limits, nodesPerShard: readonly number[]): number {
  const overhead = startupWall(limits.machine, limits.overhead, Math.min(limits.slots, durations.length));
  const jobs = jobsMakespan(
    durations.map((d) => d + overhead),
    limits.slots,
  );
  return Math.max(jobs, sharedCpuFloor(limits.machine, nodesPerShard));
}

interface Bins {
  binOf: Int32Array;
  /** per loose test: its shard, or -1 for finalTests */
  looseBin: Int32Array;
  estimates: number[];
  /** per shard: nodes, for dbt's own CPU */
  counts: number[];
  finalWork: number;
}

/** Where a stage's components and loose tests go for one shard count: the same for every thread count. */
interface Placement {
  binOf: Int32Array;
  looseBin: Int32Array;
  /** per shard: work, loose tests included */
  loads: Float64Array;
  /** per shard: its longest component path */
  longest: Float64Array;
  /** per shard: nodes, loose tests included */
  counts: Int32Array;
  finalWork: number;
}

/**
 * Placements by (layout, stage, shard count), shared by the thread counts that estimate the same
 * layout: the planner tries a few thread counts on every layout, and placing is most of an estimate.
 */
export class Placements {
  private readonly memo = new Map<StageLayout, Map<string, Placement>>();

  constructor(readonly dag: WorkDag) {}

  get(layout: StageLayout, stage: Stage, index: number, n: number): Placement {
    let byKey = this.memo.get(layout);
    if (!byKey) this.memo.set(layout, (byKey = new Map()));
    const key = `${index}/${n}`;
    let placed = byKey.get(key);
    if (!placed) byKey.set(key, (placed = placeStage(this.dag, layout, stage, index, n)));
    return placed;
  }
}

function binsFor(p: Placement, limits: Limits): Bins {
  const cpu = limits.machine.dbtCpuPerNode;
  const estimates = Array.from(p.loads, (load, b) =>
    Math.max(p.longest[b]!, load / limits.threads, p.counts[b]! * cpu),
  );
  return { binOf: p.binOf, looseBin: p.looseBin, estimates, counts: Array.from(p.counts), finalWork: p.finalWork };
}

/** LPT of the stage's components over `n` shards, loose tests placed; no node lists built yet. */
function placeStage(dag: WorkDag, layout: StageLayout, stage: Stage, index: number, n: number): Placement {
  const { binOf, loads } = lpt(stage.componentWork, n);
  const longest = new Float64Array(n);
  const counts = new Int32Array(n);
  for (let c = 0; c < stage.size; c++) {
    const b = binOf[c]!;
    if (stage.componentPath[c]! > longest[b]!) longest[b] = stage.componentPath[c]!;
    counts[b]! += stage.memberStart[c + 1]! - stage.memberStart[c]!;
  }
  const { parentStart, parentList } = dag;
  const looseBin = new Int32Array(stage.looseTests.length);
  let finalWork = 0;
  stage.looseTests.forEach((t, i) => {
    let bin = -1;
    for (let e = parentStart[t]!; e < parentStart[t + 1]!; e++) {
      const p = parentList[e]!;
      if (layout.stageOf[p] !== index) continue;
      const b = binOf[layout.componentOf[p]!]!;
      bin = bin === -1 || bin === b ? b : -2;
    }
    looseBin[i] = Math.max(bin, -1);
    if (bin >= 0) {
      loads[bin] = loads[bin]! + dag.cost[t]!;
      counts[bin]!++;
    } else finalWork += dag.cost[t]!;
  });
  return { binOf, looseBin, loads, longest, counts, finalWork };
}

function collect(stage: Stage, bins: Bins): StageShards {
  const shards: number[][] = bins.estimates.map(() => []);
  for (let c = 0; c < stage.size; c++) {
    const shard = shards[bins.binOf[c]!]!;
    for (let k = stage.memberStart[c]!; k < stage.memberStart[c + 1]!; k++) shard.push(stage.members[k]!);
  }
  const finalTests: number[] = [];
  stage.looseTests.forEach((t, i) =>
    bins.looseBin[i]! >= 0 ? shards[bins.looseBin[i]!]!.push(t) : finalTests.push(t),
  );
  return { shards, finalTests, estimates: bins.estimates };
}
