/**
 * `npm run bench -- quality`: how close plans come to the best possible makespan on DAGs and
 * timings the planner was not tuned on. Every real manifest in test/fixtures/real-manifests and
 * seeded synthetic deep DAGs × heavy-tailed timing draws (log-normal and Pareto, fixed seeds; the
 * project's own run_results too when it has one) × budgets and thread settings. Each plan is
 * re-simulated by bench/quality-sim.ts (not the planner's simulator) and compared with
 * - the lower bound: one job's overhead + max(critical path, work / (parallel shards × threads)),
 *   the best thread count the settings allow;
 * - the dynamic reference: the same workers taking any ready node of the whole DAG, no stages;
 * - the staged bound, also valid for every plan and tighter where jobs cost a start-up: a plan of
 *   one job per shard and no final-tests job is one stage, where a connected group of nodes (tests
 *   join their parents' groups) runs in one shard on its threads; any other plan runs at least two
 *   jobs one after the other (stages, or a stage and the final tests), each paying the overhead.
 *   So min(overhead + max(critical path, work / workers, largest group's work / threads),
 *   2 × overhead + max(critical path, work / workers)), the best thread count the settings allow.
 */
import { buildWorkDag, type WorkDag } from '../src/core/partition/dag.js';
import { DEFAULT_MAX_THREADS, partition, type PartitionInput } from '../src/core/partition/index.js';
import { selectNodes } from '../src/core/select/index.js';
import { logNormal, pareto, realCases, syntheticCase, type Draw, type QualityCase } from './quality-cases.js';
import { dynamicMakespan, planMakespan } from './quality-sim.js';

interface Setting {
  name: string;
  budget: number;
  threads?: number;
  maxShards: number;
  maxStages: number;
  overhead: number;
}

const SETTINGS: Setting[] = [
  { name: 'b20 t4 ≤16 shards, 30 s', budget: 20, threads: 4, maxShards: 16, maxStages: 3, overhead: 30 },
  { name: 'b40 picked, 30 s', budget: 40, maxShards: 256, maxStages: 3, overhead: 30 },
  { name: 'b10 t2, 60 s', budget: 10, threads: 2, maxShards: 256, maxStages: 3, overhead: 60 },
  { name: 'b64 t2, 0 s', budget: 64, threads: 2, maxShards: 256, maxStages: 3, overhead: 0 },
  { name: 'b12 picked ≤2 stages, 15 s', budget: 12, maxShards: 256, maxStages: 2, overhead: 15 },
];
const DRAWS: Draw[] = [logNormal(1), logNormal(2), logNormal(3), pareto(1), pareto(2), pareto(3)];
const TARGET = { worst: 1.15, median: 1.05 };

interface Sample {
  caseName: string;
  draw: string;
  setting: string;
  vsBound: number;
  vsDynamic: number;
  vsStaged: number;
  planMs: number;
  drift: number;
}

function threadOptions(s: Setting): number[] {
  if (s.threads !== undefined) return [s.threads];
  return Array.from({ length: Math.min(DEFAULT_MAX_THREADS, s.budget - 1) }, (_, i) => i + 1);
}
const parallel = (s: Setting, t: number): number => Math.min(Math.floor(s.budget / (t + 1)), s.maxShards);

function lowerBound(dag: WorkDag, s: Setting): number {
  return Math.min(
    ...threadOptions(s).map((t) => s.overhead + Math.max(dag.criticalPath, dag.totalWork / (parallel(s, t) * t))),
  );
}

function stagedBound(dag: WorkDag, s: Setting): number {
  const group = largestGroupWork(dag);
  return Math.min(
    ...threadOptions(s).map((t) => {
      const spread = Math.max(dag.criticalPath, dag.totalWork / (parallel(s, t) * t));
      return Math.min(s.overhead + Math.max(spread, group / t), 2 * s.overhead + spread);
    }),
  );
}

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
function dynamicReference(dag: WorkDag, s: Setting): number {
  const workers = Math.max(...threadOptions(s).map((t) => parallel(s, t) * t));
  return dynamicMakespan(dag, workers, s.overhead);
}

function measure(c: QualityCase, drawName: string, seconds: Map<string, number>, out: Sample[]): void {
  const selected = selectNodes(c.graph, { select: [], exclude: [] });
  const costs = { seconds, withHistory: seconds.size, estimated: 0, assumption: drawName, warnings: [] };
  const dag = buildWorkDag(c.graph, selected, costs);
  for (const s of SETTINGS) {
    const input: PartitionInput = {
      graph: c.graph,
      selected,
      costs,
      connectionBudget: s.budget,
      maxShards: s.maxShards,
      maxStages: s.maxStages,
      shardOverheadSeconds: s.overhead,
      ...(s.threads !== undefined ? { threads: s.threads } : {}),
      // the draws are each node's whole time: partitioning alone is judged here (the CPU ceiling: bench crossover)
      machine: { dbtCpuPerNode: 0, startupCpuSeconds: 0 },
    };
    const t0 = performance.now();
    const plan = partition(input);
    const planMs = performance.now() - t0;
    const makespan = planMakespan(dag, plan, s.overhead);
    out.push({
      caseName: c.name,
      draw: drawName,
      setting: s.name,
      planMs,
      vsBound: makespan / lowerBound(dag, s),
      vsDynamic: makespan / dynamicReference(dag, s),
      vsStaged: makespan / stagedBound(dag, s),
      drift: Math.abs(makespan - plan.estimates.makespanSeconds) / makespan,
    });
  }
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

function row(label: string, samples: Sample[]): string {
  const b = samples.map((x) => x.vsBound);
  const d = samples.map((x) => x.vsDynamic);
  const g = samples.map((x) => x.vsStaged);
  const worst = samples.reduce((w, x) => (x.vsBound > w.vsBound ? x : w));
  const ms = samples.reduce((a, x) => a + x.planMs, 0) / samples.length;
  return (
    `| ${label} | ${samples.length} | ${quantile(b, 0.5).toFixed(3)} | ${quantile(b, 0.9).toFixed(3)} | ${Math.max(...b).toFixed(3)} | ` +
    `${quantile(d, 0.5).toFixed(3)} | ${quantile(d, 0.9).toFixed(3)} | ${Math.max(...d).toFixed(3)} | ` +
    `${quantile(g, 0.5).toFixed(3)} | ${quantile(g, 0.9).toFixed(3)} | ${Math.max(...g).toFixed(3)} | ${worst.draw}, ${worst.setting} | ${ms.toFixed(1)} |`
  );
}

export async function benchQuality(): Promise<void> {
  const cases: QualityCase[] = [
    ...(await realCases()),
    syntheticCase('synthetic 300 models, depth 29', 300, 29, 11),
    syntheticCase('synthetic 210 models, depth 23', 210, 23, 12),
    syntheticCase('synthetic 500 models, depth 12', 500, 12, 13),
  ];
  const samples: Sample[] = [];
  for (const c of cases) {
    for (const draw of DRAWS) measure(c, draw.name, draw.seconds(c.graph), samples);
    if (c.realSeconds)
      measure(c, 'real run_results', new Map([...c.realSeconds].filter(([id]) => c.graph.has(id))), samples);
  }
  console.log(
    '\n## quality: simulated makespan / lower bound, and / a dynamic schedule of the same workers without stages',
  );
  console.log(
    `draws: ${DRAWS.map((d) => d.name).join(', ')} (+ real run_results where the project has one); settings: ${SETTINGS.map((s) => s.name).join('; ')}`,
  );
  console.log(`targets: worst ≤ ${TARGET.worst}, median ≤ ${TARGET.median} (vs the lower bound)\n`);
  console.log(
    '| case | plans | median ÷ bound | p90 | worst | median ÷ dynamic | p90 | worst | median ÷ staged bound | p90 | worst | worst plan (÷ bound) at | plan ms (mean) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const name of [...new Set(samples.map((x) => x.caseName))])
    console.log(
      row(
        name,
        samples.filter((x) => x.caseName === name),
      ),
    );
  for (const s of SETTINGS)
    console.log(
      row(
        `all cases at ${s.name}`,
        samples.filter((x) => x.setting === s.name),
      ),
    );
  console.log(row('**all**', samples));
  const all = samples.map((x) => x.vsBound);
  const ok = (v: number, t: number): string =>
    `${v.toFixed(3)} ${v <= t ? '≤' : '>'} ${t} ${v <= t ? 'met' : 'NOT met'}`;
  console.log(
    `\ntargets: median ${ok(quantile(all, 0.5), TARGET.median)}; worst ${ok(Math.max(...all), TARGET.worst)}`,
  );
  const staged = samples.map((x) => x.vsStaged);
  console.log(
    `against the staged bound (not the targets' measure): median ${quantile(staged, 0.5).toFixed(3)}, worst ${Math.max(...staged).toFixed(3)}`,
  );
  console.log(
    `planner's own estimate vs this simulation: largest difference ${(100 * Math.max(...samples.map((x) => x.drift))).toFixed(2)} %`,
  );
}
