import { UserError, badInput } from '../errors.js';
import type { DbtGraph } from '../graph/graph.js';
import type { Shard } from '../plan/schema.js';
import type { CostTable } from './costs.js';
import { buildWorkDag, coreByStart, coreByTail, type WorkDag } from './dag.js';
import {
  Placements,
  PlanSimulator,
  estimateLayout,
  oneJobEstimate,
  type LayoutEstimate,
  type LayoutPlan,
  type Limits,
} from './evaluate.js';
import { GITHUB_MACHINE, usefulThreads, type Machine } from './machine.js';
import { better, DistinctLayouts, distinct, pickableThreads, tieTwin } from './candidates.js';
import { layoutClustered } from './clustered.js';
import { refinePlan } from './refine.js';
import { layoutCapped, layoutStages } from './stages.js';

/** GitHub runs at most 256 jobs per matrix, and each stage is one matrix. */
export const MAX_SHARDS_PER_STAGE = 256;
/**
 * Threads the planner picks at most for one dbt process: the most `npm run bench -- threads`
 * measured. There one dbt-core 1.11 process on PostgreSQL whose models wait on the warehouse ran
 * 15–25× as many models per second at 32 threads as at one; what stops threads from helping is
 * dbt's own CPU on one core, which the simulation bounds (machine.ts), not a thread count. Past 32
 * nothing was measured. `maxThreads` lowers it.
 */
export const DEFAULT_MAX_THREADS = 32;

/**
 * The share of one job's simulated makespan a sharded plan must save to be chosen: below it, one
 * `dbt build` runs instead (a plan of ten shards that finishes 3 s sooner than one job costs ten
 * runners for nothing).
 */
export const MIN_SHARDING_GAIN = 0.05;

export interface PartitionInput {
  graph: DbtGraph;
  selected: Set<string>;
  costs: CostTable;
  /** warehouse connections this run may hold: every running shard holds threads + 1 */
  connectionBudget: number;
  /** fixed threads per shard; picked by the planner when absent */
  threads?: number;
  /**
   * ceiling for picked threads (ignored when `threads` is given); by default the threads past which
   * dbt's CPU on one core is a shard's ceiling, at most DEFAULT_MAX_THREADS
   */
  maxThreads?: number;
  /** shards per stage, at most MAX_SHARDS_PER_STAGE */
  maxShards: number;
  maxStages: number;
  shardOverheadSeconds: number;
  /** where shards run and what dbt itself costs; GITHUB_MACHINE (a runner per shard) when absent */
  machine?: Machine;
}

export interface PartitionResult {
  threads: number;
  maxParallel: number;
  stages: number;
  /** index global, ordered by stage, within a stage longest first (GitHub starts jobs in order) */
  shards: Shard[];
  finalTests: string[];
  estimates: {
    sequentialSeconds: number;
    makespanSeconds: number;
    lowerBoundSeconds: number;
    /** one `dbt build` with every thread the budget allows (up to the thread ceiling) */
    oneJobSeconds: number;
    /** the best plan of more than one shard that was simulated; null when none was */
    shardedSeconds: number | null;
  };
}

/**
 * How widely the planner searches. Each cut costs a pass over the DAG; on small DAGs (most dbt
 * projects) passes cost microseconds, so many cuts are tried: cap sizes (fractions of the bound
 * per stage), horizons, and the clustered schedule's cutoffs, for every thread count. On large
 * DAGs the search narrows so that planning stays within its time target (bench: plan).
 *
 * Thread counts tried when the planner picks them are at most MAX_THREAD_OPTIONS. On large DAGs only
 * the option with the most threads gets the capped cuts: more threads use the connections better,
 * and cutting for the next one too changed no plan of the benchmark DAGs but cost a quarter of the
 * planning time on the 10k one. `simulated`: candidates whose quick estimate ranks best are
 * simulated; the rest are not worth the time.
 */
interface Search {
  cutThreadOptions: number;
  caps: number[];
  horizons: number[];
  cutoffs: number[];
  simulated: number;
  /** node-simulations the refinement of the chosen plan may spend, per node of the DAG */
  refineBudget: number;
  /** simulate each candidate's tie twin too (tieTwin), and refine the winner's */
  tieTwins: boolean;
}
const WIDE_SEARCH_NODES = 3000;
const WIDE: Search = {
  cutThreadOptions: 2,
  caps: [0.7, 0.85, 1, 1.15, 1.3, 1.6, 2],
  horizons: [1, Infinity],
  cutoffs: [0.5, 0.7],
  simulated: 12,
  refineBudget: 100,
  tieTwins: true,
};
const NARROW: Search = {
  cutThreadOptions: 1,
  caps: [],
  horizons: [1.05],
  cutoffs: [],
  simulated: 8,
  refineBudget: 0,
  tieTwins: false,
};
const NO_CUTS: Search = { ...NARROW, cutThreadOptions: 0 };
const searchFor = (nodes: number): Search => (nodes <= WIDE_SEARCH_NODES ? WIDE : NARROW);

/**
 * Splits the selection into stages of shards (the plan invariants) and keeps the plan with the
 * best simulated makespan over stage layouts (1..maxStages) and thread counts; ties go to fewer
 * shards, then fewer stages. On DAGs the wide search covers, candidates are simulated with their
 * tie twins and the winner (and its twin) refined (refine.ts). Deterministic: sorted-id order only.
 */
export function partition(input: PartitionInput): PartitionResult {
  const { threads: fixedThreads, connectionBudget: budget } = validate(input);
  const maxShardsPerStage = Math.min(input.maxShards, MAX_SHARDS_PER_STAGE);
  const overhead = input.shardOverheadSeconds;
  const dag = buildWorkDag(input.graph, input.selected, input.costs);
  if (dag.ids.length === 0) {
    return {
      threads: fixedThreads ?? 1,
      maxParallel: 1,
      stages: 0,
      shards: [],
      finalTests: [],
      estimates: {
        sequentialSeconds: 0,
        makespanSeconds: 0,
        lowerBoundSeconds: 0,
        oneJobSeconds: 0,
        shardedSeconds: null,
      },
    };
  }
  const machine = input.machine ?? GITHUB_MACHINE;

  const uniform = distinct(Array.from({ length: input.maxStages }, (_, k) => layoutStages(dag, k + 1)));
  const widest = Math.max(...uniform.flatMap((l) => l.stages.map((s) => Math.min(s.size, maxShardsPerStage))));
  const threadOptions =
    fixedThreads !== undefined
      ? [fixedThreads]
      : pickableThreads(
          budget,
          input.maxThreads ?? usefulThreads(dag.totalWork, dag.ids.length, machine, DEFAULT_MAX_THREADS),
          widest,
        );

  const byStart = input.maxStages > 1 ? coreByStart(dag) : undefined;
  const byTail = input.maxStages > 1 ? coreByTail(dag) : undefined;
  const candidates: LayoutEstimate[] = [];
  const placements = new Placements(dag);
  // no edge between core nodes (each its own component, tests aside): every cut is the one-stage layout
  const unglued = uniform[0]!.stages[0]!.size === dag.attached.reduce((n, a) => n + (a ? 0 : 1), 0);
  const search = unglued ? NO_CUTS : searchFor(dag.ids.length);
  threadOptions.forEach((threads, option) => {
    const limits: Limits = { threads, slots: Math.floor(budget / (threads + 1)), maxShardsPerStage, overhead, machine };
    for (const layout of uniform) candidates.push(estimateLayout(dag, layout, limits, placements));
    const parallel = Math.min(limits.slots, maxShardsPerStage);
    // one shard-time for every stage but the last: the bound of a plan with these threads
    const target = Math.max(dag.criticalPath, dag.totalWork / (Math.min(parallel, widest) * threads));
    if (option >= search.cutThreadOptions) return;
    const cuts = new DistinctLayouts(uniform);
    for (let k = 2; k <= input.maxStages; k++) {
      // capped cuts aim at components of about one shard's share of a stage's work
      cuts.add(layoutCapped(dag, k, dag.totalWork / (k * parallel), byStart));
      cuts.add(layoutCapped(dag, k, target, byTail, threads));
      // or at one k-th of the bound per stage, long chains kept where deferring them would end past the horizon
      for (const f of search.caps)
        for (const h of search.horizons) cuts.add(layoutCapped(dag, k, (f * target) / k, byTail, threads, h * target));
      for (const f of search.cutoffs) cuts.add(layoutClustered(dag, k, threads, parallel, f * target));
    }
    for (const layout of cuts.added) candidates.push(estimateLayout(dag, layout, limits, placements));
  });
  // stable sort: on equal estimates, the order of construction (more threads, fewer stages) wins
  candidates.sort((a, b) => a.seconds - b.seconds);

  const sim = new PlanSimulator(dag, machine);
  // one plain `dbt build` holding the whole budget is always simulated: the plan must beat it to
  // shard. It takes the budget's threads, not the useful-threads ceiling: that ceiling is a DAG's
  // average, its bursts use more, and threads a job does not need cost it nothing
  const top = fixedThreads ?? Math.min(budget - 1, input.maxThreads ?? DEFAULT_MAX_THREADS);
  const oneJob = sim.simulate(
    oneJobEstimate(
      dag,
      uniform[0]!,
      { threads: top, slots: Math.floor(budget / (top + 1)), maxShardsPerStage, overhead, machine },
      placements,
    ),
  );
  const oneJobLimits: Limits = { threads: top, slots: 1, maxShardsPerStage, overhead, machine };
  let best: { plan: LayoutPlan; limits: Limits; twin?: LayoutPlan } = { plan: oneJob, limits: oneJobLimits };
  let sharded: number | null = null;
  for (const candidate of candidates.slice(0, search.simulated)) {
    // a candidate whose bound exceeds the best makespan cannot win, not even a tie
    if (candidate.lowerBound > best.plan.makespan * (1 + 1e-9)) continue;
    const plans = [candidate, ...(search.tieTwins ? tieTwin(candidate, placements) : [])].map((c) => sim.simulate(c));
    const plan = plans.reduce((a, b) => (better(b, a) ? b : a));
    if (plan.shardCount > 1 && (sharded === null || plan.makespan < sharded)) sharded = plan.makespan;
    if (better(plan, best.plan)) best = { plan, limits: candidate.limits, twin: plans.find((p) => p !== plan) };
  }
  // the winner is refined, and so is its twin: refinement often gets further from more, smaller shards
  for (const start of best.plan.stages.length > 1 ? [best.plan, best.twin] : []) {
    if (!start || start.stages.length < 2) continue;
    const refined = refinePlan(dag, start, best.limits, sim.sim, search.refineBudget * dag.ids.length);
    if (better(refined, best.plan)) {
      best = { plan: refined, limits: best.limits };
      sharded = Math.min(sharded ?? Infinity, refined.makespan);
    }
  }
  // more jobs for a few seconds is a poor trade (runners, queueing, a longer report): one job then
  if (best.plan.makespan > oneJob.makespan * (1 - MIN_SHARDING_GAIN)) best = { plan: oneJob, limits: oneJobLimits };
  return toResult(dag, best.plan, best.limits, {
    oneJobSeconds: round(oneJob.makespan),
    shardedSeconds: sharded === null ? null : round(sharded),
  });
}

function toResult(
  dag: WorkDag,
  plan: LayoutPlan,
  limits: Limits,
  compared: { oneJobSeconds: number; shardedSeconds: number | null },
): PartitionResult {
  const shards: Shard[] = [];
  plan.stages.forEach((stagePlan, s) => {
    const order = stagePlan.shards
      .map((nodes, i) => ({ nodes: Int32Array.from(nodes).sort(), seconds: stagePlan.durations[i]! }))
      .sort((a, b) => b.seconds - a.seconds || a.nodes[0]! - b.nodes[0]!);
    order.forEach(({ nodes, seconds }, i) => {
      shards.push({
        index: shards.length,
        id: `s${s + 1}-${String(i + 1).padStart(2, '0')}`,
        stage: s + 1,
        nodes: Array.from(nodes, (v) => dag.ids[v]!),
        estimatedSeconds: round(seconds),
      });
    });
  });
  const largestStage = Math.max(...plan.stages.map((s) => s.shards.length));
  const maxParallel = Math.min(limits.slots, largestStage);
  // dbt's own CPU: one core per shard, and on a shared machine no more than its cores
  const cpu = dag.ids.length * limits.machine.dbtCpuPerNode;
  const cpuParallel = Math.min(maxParallel, limits.machine.sharedCores ?? maxParallel);
  const lowerBound =
    Math.max(dag.criticalPath, dag.totalWork / (maxParallel * limits.threads), cpu / cpuParallel) + limits.overhead;
  return {
    threads: limits.threads,
    maxParallel,
    stages: plan.stages.length,
    shards,
    finalTests: plan.finalTests.map((v) => dag.ids[v]!),
    estimates: {
      sequentialSeconds: round(dag.totalWork),
      makespanSeconds: round(plan.makespan),
      lowerBoundSeconds: round(lowerBound),
      ...compared,
    },
  };
}

function validate(input: PartitionInput): { threads: number | undefined; connectionBudget: number } {
  const { connectionBudget: budget, threads } = input;
  if (!Number.isInteger(budget) || budget < 2) {
    throw badInput('--connection-budget', budget, 'a whole number ≥ 2 (one shard with one thread holds 2 connections)');
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
    throw badInput('--threads', threads, 'a whole number ≥ 1');
  if (threads !== undefined && budget < threads + 1) {
    throw new UserError(
      `--connection-budget: got ${budget}, expected at least ${threads + 1} for --threads ${threads} (a shard holds threads + 1 connections)`,
    );
  }
  if (input.maxThreads !== undefined && (!Number.isInteger(input.maxThreads) || input.maxThreads < 1)) {
    throw badInput('maxThreads', input.maxThreads, 'a whole number ≥ 1');
  }
  if (!Number.isInteger(input.maxShards) || input.maxShards < 1)
    throw badInput('--max-shards', input.maxShards, 'a whole number ≥ 1');
  if (!Number.isInteger(input.maxStages) || input.maxStages < 1)
    throw badInput('--max-stages', input.maxStages, 'a whole number ≥ 1');
  if (!Number.isFinite(input.shardOverheadSeconds) || input.shardOverheadSeconds < 0) {
    throw badInput('--shard-overhead-seconds', input.shardOverheadSeconds, 'a number ≥ 0');
  }
  return { threads, connectionBudget: budget };
}

const round = (s: number): number => Math.round(s * 1000) / 1000;
