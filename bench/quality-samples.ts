/**
 * The samples of the quality benchmarks (bench/quality.ts, bench/quality-search.ts): every case of
 * bench/quality-cases.ts × timing draw × setting, planned by the partitioner, with the bounds every
 * plan of that sample is measured against.
 */
import { buildWorkDag, type WorkDag } from '../src/core/partition/dag.js';
import {
  DEFAULT_MAX_THREADS,
  partition,
  type PartitionInput,
  type PartitionResult,
} from '../src/core/partition/index.js';
import { selectNodes } from '../src/core/select/index.js';
import { logNormal, pareto, realCases, syntheticCase, type Draw, type QualityCase } from './quality-cases.js';
import { DBT_CPU_SECONDS_PER_NODE } from '../src/core/partition/machine.js';
import { dynamicMakespan } from './quality-sim.js';

export interface Setting {
  name: string;
  budget: number;
  threads?: number;
  maxShards: number;
  maxStages: number;
  overhead: number;
}

export const SETTINGS: Setting[] = [
  { name: 'b20 t4 ≤16 shards, 30 s', budget: 20, threads: 4, maxShards: 16, maxStages: 3, overhead: 30 },
  { name: 'b40 picked, 30 s', budget: 40, maxShards: 256, maxStages: 3, overhead: 30 },
  { name: 'b10 t2, 60 s', budget: 10, threads: 2, maxShards: 256, maxStages: 3, overhead: 60 },
  { name: 'b64 t2, 0 s', budget: 64, threads: 2, maxShards: 256, maxStages: 3, overhead: 0 },
  { name: 'b12 picked ≤2 stages, 15 s', budget: 12, maxShards: 256, maxStages: 2, overhead: 15 },
];
export const DRAWS: Draw[] = [logNormal(1), logNormal(2), logNormal(3), pareto(1), pareto(2), pareto(3)];

export interface PlanSample {
  caseName: string;
  draw: string;
  setting: Setting;
  input: PartitionInput;
  dag: WorkDag;
  plan: PartitionResult;
  planMs: number;
}

export async function qualityCases(): Promise<QualityCase[]> {
  return [
    ...(await realCases()),
    syntheticCase('synthetic 300 models, depth 29', 300, 29, 11),
    syntheticCase('synthetic 210 models, depth 23', 210, 23, 12),
    syntheticCase('synthetic 500 models, depth 12', 500, 12, 13),
  ];
}

/** Every sample in a fixed order, planned; `onlyCase` narrows to the cases whose name contains it. */
export async function* planSamples(onlyCase?: string): AsyncGenerator<PlanSample> {
  for (const c of await qualityCases()) {
    if (onlyCase && !c.name.includes(onlyCase)) continue;
    const draws: Array<[string, Map<string, number>]> = DRAWS.map((d) => [d.name, d.seconds(c.graph)]);
    if (c.realSeconds) draws.push(['real run_results', new Map([...c.realSeconds].filter(([id]) => c.graph.has(id)))]);
    for (const [draw, seconds] of draws) {
      const selected = selectNodes(c.graph, { select: [], exclude: [] });
      const costs = { seconds, withHistory: seconds.size, estimated: 0, assumption: draw, warnings: [] };
      const dag = buildWorkDag(c.graph, selected, costs);
      for (const setting of SETTINGS) {
        const input = inputFor(c, selected, costs, setting);
        const t0 = performance.now();
        const plan = partition(input);
        yield { caseName: c.name, draw, setting, input, dag, plan, planMs: performance.now() - t0 };
      }
    }
  }
}

function inputFor(c: QualityCase, selected: Set<string>, costs: PartitionInput['costs'], s: Setting): PartitionInput {
  return {
    graph: c.graph,
    selected,
    costs,
    connectionBudget: s.budget,
    maxShards: s.maxShards,
    maxStages: s.maxStages,
    shardOverheadSeconds: s.overhead,
    ...(s.threads !== undefined ? { threads: s.threads } : {}),
    // GitHub runners (a core per shard); the draws are each node's whole time, dbt's own CPU on
    // one core bounds each job (planner and judge alike)
    machine: { dbtCpuPerNode: DBT_CPU_SECONDS_PER_NODE, startupCpuSeconds: 0 },
  };
}

export function threadOptions(s: Setting): number[] {
  if (s.threads !== undefined) return [s.threads];
  return Array.from({ length: Math.min(DEFAULT_MAX_THREADS, s.budget - 1) }, (_, i) => i + 1);
}
export const parallel = (s: Setting, t: number): number => Math.min(Math.floor(s.budget / (t + 1)), s.maxShards);

/**
 * Every plan's nodes run in processes of t threads, at most parallel(s, t) at once: no plan ends
 * before the critical path, the work over every thread, or dbt's CPU over every process.
 */
const spread = (dag: WorkDag, s: Setting, t: number): number =>
  Math.max(
    dag.criticalPath,
    dag.totalWork / (parallel(s, t) * t),
    (dag.ids.length * DBT_CPU_SECONDS_PER_NODE) / parallel(s, t),
  );

/** One job's overhead + the spread above, the best thread count. */
export function lowerBound(dag: WorkDag, s: Setting): number {
  return Math.min(...threadOptions(s).map((t) => s.overhead + spread(dag, s, t)));
}

/**
 * Also valid for every plan, and never below the lower bound (each of its terms is at least the
 * lower bound's for the same threads): a plan of one stage and no final tests runs each weakly
 * connected group in one shard on its threads; any other plan runs ≥ 2 jobs one after the other.
 */
export function stagedBound(dag: WorkDag, s: Setting): number {
  const group = largestGroupWork(dag);
  return Math.min(
    ...threadOptions(s).map((t) => {
      const all = spread(dag, s, t);
      return Math.min(s.overhead + Math.max(all, group / t), 2 * s.overhead + all);
    }),
  );
}

/** The best bound this benchmark can prove for a sample: max(lower, staged) (= the staged bound). */
export const bestBound = (dag: WorkDag, s: Setting): number => Math.max(lowerBound(dag, s), stagedBound(dag, s));

/** Work of the largest weakly connected group of the DAG (every edge, tests included). */
function largestGroupWork(dag: WorkDag): number {
  const root = dag.ids.map((_, v) => v);
  const find = (v: number): number => (root[v] === v ? v : (root[v] = find(root[v]!)));
  for (let v = 0; v < dag.ids.length; v++) {
    for (let e = dag.parentStart[v]!; e < dag.parentStart[v + 1]!; e++) root[find(v)] = find(dag.parentList[e]!);
  }
  const work = new Map<number, number>();
  dag.ids.forEach((_, v) => work.set(find(v), (work.get(find(v)) ?? 0) + dag.cost[v]!));
  return Math.max(...work.values());
}

/** The dynamic schedule with the most workers the settings allow. */
export function dynamicReference(dag: WorkDag, s: Setting): number {
  const workers = Math.max(...threadOptions(s).map((t) => parallel(s, t) * t));
  return dynamicMakespan(dag, workers, s.overhead);
}

export const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
