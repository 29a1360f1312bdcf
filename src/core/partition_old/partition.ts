import { UserError, badInput } from '../errors.js';
import type { DbtGraph } from '../graph/graph.js';
import type { Shard } from '../plan/schema.js';
import type { CostTable } from './costs.js';
import { buildWorkDag, coreByStart, coreByTail, type WorkDag } from './dag.js';
import { Placements, PlanSimulator, estimateLayout, type LayoutEstimate, type LayoutPlan, type Limits } from './evaluate.js';
import { layoutCapped, layoutStages, type StageLayout } from './stages.js';

/** GitHub runs at most 256 jobs per matrix, and each stage is one matrix. */
export const MAX_SHARDS_PER_STAGE = 256;
/**
 * Threads the planner picks at most for one dbt process. One process does not scale with threads
 * (Python's GIL, Jinja compilation, one runner's CPU); without a ceiling the simulation, which
 * assumes perfect scaling, would always answer "one shard with budget - 1 threads".
 */
export const DEFAULT_MAX_THREADS = 8;

export interface PartitionInput {
  graph: DbtGraph;
  selected: Set<string>;
  costs: CostTable;
  /** warehouse connections this run may hold: every running shard holds threads + 1 */
  connectionBudget: number;
  /** fixed threads per shard; picked by the planner when absent */
  threads?: number;
  /** ceiling for picked threads (ignored when `threads` is given); DEFAULT_MAX_THREADS */
  maxThreads?: number;
  /** shards per stage, at most MAX_SHARDS_PER_STAGE */
  maxShards: number;
  maxStages: number;
  shardOverheadSeconds: number;
}

export interface PartitionResult {
  threads: number;
  maxParallel: number;
  stages: number;
  /** index global, ordered by stage, within a stage longest first (GitHub starts jobs in order) */
  shards: Shard[];
  finalTests: string[];
  estimates: { sequentialSeconds: number; makespanSeconds: number; lowerBoundSeconds: number };
}

/** Candidates whose quick estimate ranks best are simulated; the rest are not worth the time. */
const SIMULATED_CANDIDATES = 8;
/** Thread counts tried when the planner picks them; each multiplies the layouts estimated. */
const MAX_THREAD_OPTIONS = 4;
/**
 * Thread counts (most first) that also get capped cuts, which cost a pass over the DAG each (the
 * uniform cuts are shared by all thread counts). Two kinds: by work, and by shard time in order of
 * remaining path; the latter fixes heavy-tailed DAGs whose critical path is one long node (the
 * uniform slices then put nearly everything in stage 1). More threads use the connections better,
 * so the option with the most threads is the one worth cutting for: cutting for the next one too
 * changed no plan of the benchmark DAGs and cost a quarter of the planning time on the 10k one.
 */
const CUT_THREAD_OPTIONS = 1;

/**
 * Splits the selection into stages of shards (DESIGN §3 invariants) and keeps the plan with the
 * best simulated makespan over stage layouts (1..maxStages) and thread counts; ties go to fewer
 * shards, then fewer stages. Pure and deterministic: nodes are handled in sorted-id order only.
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
      estimates: { sequentialSeconds: 0, makespanSeconds: 0, lowerBoundSeconds: 0 },
    };
  }

  const uniform = distinct(Array.from({ length: input.maxStages }, (_, k) => layoutStages(dag, k + 1)));
  const widest = Math.max(...uniform.flatMap((l) => l.stages.map((s) => Math.min(s.size, maxShardsPerStage))));
  const threadOptions =
    fixedThreads !== undefined ? [fixedThreads] : pickableThreads(budget, input.maxThreads ?? DEFAULT_MAX_THREADS, widest);

  const byStart = input.maxStages > 1 ? coreByStart(dag) : undefined;
  const byTail = input.maxStages > 1 ? coreByTail(dag) : undefined;
  const candidates: LayoutEstimate[] = [];
  const placements = new Placements(dag);
  threadOptions.forEach((threads, option) => {
    const limits: Limits = { threads, slots: Math.floor(budget / (threads + 1)), maxShardsPerStage, overhead };
    for (const layout of uniform) candidates.push(estimateLayout(dag, layout, limits, placements));
    const parallel = Math.min(limits.slots, maxShardsPerStage);
    // one shard-time for every stage but the last: the bound of a plan with these threads
    const target = Math.max(dag.criticalPath, dag.totalWork / (Math.min(parallel, widest) * threads));
    if (option >= CUT_THREAD_OPTIONS) return;
    for (let k = 2; k <= input.maxStages; k++) {
      // capped cuts aim at components of about one shard's share of a stage's work
      candidates.push(estimateLayout(dag, layoutCapped(dag, k, dag.totalWork / (k * parallel), byStart), limits, placements));
      candidates.push(estimateLayout(dag, layoutCapped(dag, k, target, byTail, threads), limits, placements));
    }
  });
  // stable sort: on equal estimates, the order of construction (more threads, fewer stages) wins
  candidates.sort((a, b) => a.seconds - b.seconds);

  const sim = new PlanSimulator(dag);
  let best: { plan: LayoutPlan; limits: Limits } | undefined;
  for (const candidate of candidates.slice(0, SIMULATED_CANDIDATES)) {
    // a candidate whose bound exceeds the best makespan cannot win, not even a tie
    if (best && candidate.lowerBound > best.plan.makespan * (1 + 1e-9)) continue;
    const plan = sim.simulate(candidate);
    if (!best || better(plan, best.plan)) best = { plan, limits: candidate.limits };
  }
  return toResult(dag, best!.plan, best!.limits);
}

function better(a: LayoutPlan, b: LayoutPlan): boolean {
  const eps = 1e-9 * Math.max(1, b.makespan);
  if (a.makespan < b.makespan - eps) return true;
  if (a.makespan > b.makespan + eps) return false;
  if (a.shardCount !== b.shardCount) return a.shardCount < b.shardCount;
  return a.stages.length < b.stages.length;
}

/** Drops repeated layouts (small DAGs often give the same cut for several stage counts). */
function distinct(layouts: StageLayout[]): StageLayout[] {
  const kept: StageLayout[] = [];
  for (const layout of layouts) {
    const same = kept.some((l) => l.stages.length === layout.stages.length && l.stageOf.every((s, v) => s === layout.stageOf[v]));
    if (!same) kept.push(layout);
  }
  return kept;
}

/**
 * Thread counts worth trying, most first: only the largest t for each number of parallel shards
 * floor(budget / (t + 1)), counting no more parallel shards than any stage can use; at most
 * MAX_THREAD_OPTIONS of them.
 */
function pickableThreads(budget: number, maxThreads: number, widestStage: number): number[] {
  const top = Math.min(maxThreads, budget - 1);
  const parallel = (t: number): number => Math.min(Math.floor(budget / (t + 1)), widestStage);
  const options: number[] = [];
  for (let t = top; t >= 1; t--) if (t === top || parallel(t) > parallel(t + 1)) options.push(t);
  if (options.length <= MAX_THREAD_OPTIONS) return options;
  // an even spread, the most threads (the best use of connections) always included
  const step = (options.length - 1) / (MAX_THREAD_OPTIONS - 1);
  return [...new Set(Array.from({ length: MAX_THREAD_OPTIONS }, (_, i) => options[Math.round(i * step)]!))];
}

function toResult(dag: WorkDag, plan: LayoutPlan, limits: Limits): PartitionResult {
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
  const lowerBound = Math.max(dag.criticalPath, dag.totalWork / (maxParallel * limits.threads)) + limits.overhead;
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
    },
  };
}

function validate(input: PartitionInput): { threads: number | undefined; connectionBudget: number } {
  const { connectionBudget: budget, threads } = input;
  if (!Number.isInteger(budget) || budget < 2) {
    throw badInput('--connection-budget', budget, 'a whole number ≥ 2 (one shard with one thread holds 2 connections)');
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw badInput('--threads', threads, 'a whole number ≥ 1');
  if (threads !== undefined && budget < threads + 1) {
    throw new UserError(
      `--connection-budget: got ${budget}, expected at least ${threads + 1} for --threads ${threads} (a shard holds threads + 1 connections)`,
    );
  }
  if (input.maxThreads !== undefined && (!Number.isInteger(input.maxThreads) || input.maxThreads < 1)) {
    throw badInput('maxThreads', input.maxThreads, 'a whole number ≥ 1');
  }
  if (!Number.isInteger(input.maxShards) || input.maxShards < 1) throw badInput('--max-shards', input.maxShards, 'a whole number ≥ 1');
  if (!Number.isInteger(input.maxStages) || input.maxStages < 1) throw badInput('--max-stages', input.maxStages, 'a whole number ≥ 1');
  if (!Number.isFinite(input.shardOverheadSeconds) || input.shardOverheadSeconds < 0) {
    throw badInput('--shard-overhead-seconds', input.shardOverheadSeconds, 'a number ≥ 0');
  }
  return { threads, connectionBudget: budget };
}

const round = (s: number): number => Math.round(s * 1000) / 1000;
