/**
 * `npm run bench -- quality-search`: how far the planner's plans are from the best plan of the same
 * shape a long offline search finds (bench/quality-anneal.ts: annealing from the planner's plan and
 * from the planner's plans at each other thread count the settings allow, then restarts from the
 * best). Both are judged by bench/quality-sim.ts. Slow (minutes): run it under `nice -n 19`.
 * BENCH_SEARCH_CASE narrows to the cases whose name contains it; BENCH_SEARCH_ITERATIONS sets the
 * moves per start (default 4000).
 */
import { DBT_CPU_SECONDS_PER_NODE } from '../src/core/partition/machine.js';
import type { WorkDag } from '../src/core/partition/dag.js';
import { partition, type PartitionResult } from '../src/core/partition/index.js';
import { Annealer, FINAL, type Assignment, type SearchLimits } from './quality-anneal.js';
import { mulberry32 } from './quality-cases.js';
import { listSchedule, planMakespan } from './quality-sim.js';
import {
  bestBound,
  lowerBound,
  parallel,
  planSamples,
  quantile,
  threadOptions,
  type PlanSample,
} from './quality-samples.js';

const ITERATIONS = Number(process.env['BENCH_SEARCH_ITERATIONS'] ?? 4000);

function assignmentOf(dag: WorkDag, plan: PartitionResult): Assignment {
  const index = new Map(dag.ids.map((id, v) => [id, v]));
  const stageOf = new Int32Array(dag.ids.length);
  const shardOf = new Int32Array(dag.ids.length).fill(-1);
  for (const s of plan.shards)
    for (const id of s.nodes) {
      stageOf[index.get(id)!] = s.stage;
      shardOf[index.get(id)!] = s.index;
    }
  for (const id of plan.finalTests) stageOf[index.get(id)!] = FINAL;
  return { stageOf, shardOf };
}

/** The plan of an assignment, its shards longest first in each stage (the order jobs start in). */
export function planOf(dag: WorkDag, a: Assignment, threads: number, slots: number): PartitionResult {
  const groups = new Map<string, number[]>();
  const finalTests: string[] = [];
  dag.ids.forEach((id, v) => {
    if (a.stageOf[v] === FINAL) return void finalTests.push(id);
    const key = `${a.stageOf[v]}/${a.shardOf[v]}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  });
  const shards = [...groups.entries()]
    .map(([key, nodes]) => ({ stage: Number(key.split('/')[0]), nodes, seconds: listSchedule(dag, nodes, threads) }))
    .sort((x, y) => x.stage - y.stage || y.seconds - x.seconds)
    .map((s, index) => ({
      index,
      id: `s${s.stage}-${index}`,
      stage: s.stage,
      nodes: s.nodes.map((v) => dag.ids[v]!),
      estimatedSeconds: s.seconds,
    }));
  const stages = Math.max(0, ...shards.map((s) => s.stage));
  const estimates = {
    sequentialSeconds: 0,
    makespanSeconds: 0,
    lowerBoundSeconds: 0,
    oneJobSeconds: 0,
    shardedSeconds: null,
  };
  return { threads, maxParallel: slots, stages, shards, finalTests, estimates };
}

/** Throws unless every parent runs in an earlier stage or in the node's own shard. */
export function checkSafe(dag: WorkDag, a: Assignment, maxStages: number, maxShards: number): void {
  const perStage = new Map<number, Set<number>>();
  for (let v = 0; v < dag.ids.length; v++) {
    if (a.stageOf[v] === FINAL) {
      if (dag.childStart[v + 1]! > dag.childStart[v]!)
        throw new Error(`${dag.ids[v]} has children but is a final test`);
      continue;
    }
    if (a.stageOf[v]! < 1 || a.stageOf[v]! > maxStages) throw new Error(`${dag.ids[v]} in stage ${a.stageOf[v]}`);
    perStage.set(a.stageOf[v]!, (perStage.get(a.stageOf[v]!) ?? new Set()).add(a.shardOf[v]!));
    for (let e = dag.parentStart[v]!; e < dag.parentStart[v + 1]!; e++) {
      const p = dag.parentList[e]!;
      const ok = a.stageOf[p]! < a.stageOf[v]! || (a.stageOf[p] === a.stageOf[v] && a.shardOf[p] === a.shardOf[v]);
      if (!ok) throw new Error(`${dag.ids[p]} → ${dag.ids[v]} crosses shards of one stage or runs backwards`);
    }
  }
  for (const [s, shards] of perStage) if (shards.size > maxShards) throw new Error(`stage ${s}: ${shards.size} shards`);
}

interface Found {
  planner: number;
  found: number;
  lower: number;
  best: number;
  stages: [number, number];
  shards: [number, number];
  threads: [number, number];
}

function search(p: PlanSample, seed: number): Found {
  const { dag, setting: s } = p;
  const planner = planMakespan(dag, p.plan, s.overhead, DBT_CPU_SECONDS_PER_NODE);
  const bound = bestBound(dag, s);
  // a plan at the best bound cannot be beaten: nothing to search
  if (planner <= bound * (1 + 1e-3)) {
    const same = (x: number): [number, number] => [x, x];
    const { stages, shards, threads } = p.plan;
    return {
      planner,
      found: planner,
      lower: lowerBound(dag, s),
      best: bound,
      stages: same(stages),
      shards: same(shards.length),
      threads: same(threads),
    };
  }
  const starts: Array<{ plan: PartitionResult; threads: number }> = [{ plan: p.plan, threads: p.plan.threads }];
  // the planner's plans at the other thread counts: one per number of parallel shards
  if (s.threads === undefined)
    for (const t of threadOptions(s).filter(
      (t, i, all) => t !== p.plan.threads && parallel(s, t) !== parallel(s, all[i + 1] ?? 0),
    ))
      starts.push({ plan: partition({ ...p.input, threads: t }), threads: t });
  let best = { total: planner, a: assignmentOf(dag, p.plan), threads: p.plan.threads };
  starts.forEach((start, i) => {
    const limits = limitsFor(p, start.threads);
    const annealer = new Annealer(dag, limits, assignmentOf(dag, start.plan), seed * 101 + i);
    annealer.run(i === 0 ? ITERATIONS : ITERATIONS / 2);
    if (annealer.bestTotal < best.total) best = { total: annealer.bestTotal, a: annealer.best, threads: start.threads };
  });
  // two restarts from the best, cooler
  for (let r = 0; r < 2; r++) {
    const annealer = new Annealer(dag, limitsFor(p, best.threads), best.a, seed * 101 + 50 + r);
    annealer.run(ITERATIONS / 2, 0.005);
    if (annealer.bestTotal < best.total) best = { total: annealer.bestTotal, a: annealer.best, threads: best.threads };
  }
  checkSafe(dag, best.a, s.maxStages, s.maxShards);
  const plan = planOf(dag, best.a, best.threads, limitsFor(p, best.threads).slots);
  const found = planMakespan(dag, plan, s.overhead, DBT_CPU_SECONDS_PER_NODE);
  // the search scores with the planner's shard simulator: the bench's own must agree
  if (Math.abs(found - best.total) > 1e-6 * found) throw new Error(`search scored ${best.total}, simulated ${found}`);
  return {
    planner,
    found,
    lower: lowerBound(dag, s),
    best: bestBound(dag, s),
    stages: [p.plan.stages, plan.stages],
    shards: [p.plan.shards.length, plan.shards.length],
    threads: [p.plan.threads, plan.threads],
  };
}

function limitsFor(p: PlanSample, threads: number): SearchLimits {
  const s = p.setting;
  return {
    threads,
    slots: Math.floor(s.budget / (threads + 1)),
    maxShards: Math.min(s.maxShards, 256),
    maxStages: s.maxStages,
    overhead: s.overhead,
  };
}

/**
 * Every sample when BENCH_SEARCH_ALL is set; else the 40 worst plans (÷ lower bound) and 40 of the
 * others drawn with a fixed seed: the search takes seconds per sample.
 */
async function chosenSamples(): Promise<{ samples: PlanSample[]; which: string }> {
  const all: Array<PlanSample & { vs: number }> = [];
  for await (const p of planSamples(process.env['BENCH_SEARCH_CASE']))
    all.push({
      ...p,
      vs: planMakespan(p.dag, p.plan, p.setting.overhead, DBT_CPU_SECONDS_PER_NODE) / lowerBound(p.dag, p.setting),
    });
  if (process.env['BENCH_SEARCH_ALL'] || all.length <= 80) return { samples: all, which: `all ${all.length} samples` };
  const order = all.map((_, i) => i).sort((a, b) => all[b]!.vs - all[a]!.vs || a - b);
  const rest = order.slice(40);
  const rand = mulberry32(2026);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  const picked = [...order.slice(0, 40), ...rest.slice(0, 40)].sort((a, b) => a - b);
  return {
    samples: picked.map((i) => all[i]!),
    which: `the 40 worst plans (÷ lower bound) and 40 of the other ${all.length - 40} drawn with seed 2026`,
  };
}

export async function benchQualitySearch(): Promise<void> {
  const rows: Array<Found & { label: string }> = [];
  let seed = 1;
  const { samples, which } = await chosenSamples();
  for (const p of samples) {
    const t0 = performance.now();
    const f = search(p, seed++);
    rows.push({ ...f, label: `${p.caseName}, ${p.draw}, ${p.setting.name}` });
    console.error(
      `${rows.length} ${p.caseName} | ${p.draw} | ${p.setting.name}: planner ${(f.planner / f.lower).toFixed(3)}, found ${(f.found / f.lower).toFixed(3)}, best bound ${(f.best / f.lower).toFixed(3)} × lower bound; ` +
        `stages ${f.stages.join('→')}, shards ${f.shards.join('→')}, threads ${f.threads.join('→')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  const ratio = rows.map((r) => r.planner / r.found);
  const found = rows.map((r) => r.found / r.lower);
  console.log(`\n## quality-search: planner ÷ best plan found by annealing (${ITERATIONS} moves per start), ${which}`);
  console.log(
    `planner ÷ found: median ${quantile(ratio, 0.5).toFixed(3)}, p90 ${quantile(ratio, 0.9).toFixed(3)}, worst ${Math.max(...ratio).toFixed(3)}; found ÷ lower bound: median ${quantile(found, 0.5).toFixed(3)}, p90 ${quantile(found, 0.9).toFixed(3)}, worst ${Math.max(...found).toFixed(3)}`,
  );
}
