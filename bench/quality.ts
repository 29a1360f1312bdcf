/**
 * `npm run bench -- quality`: how close plans come to the best possible makespan on DAGs and
 * timings the planner was not tuned on. Every real manifest in test/fixtures/real-manifests and
 * seeded synthetic deep DAGs (and every manifest in the folders of BENCH_EXTRA_MANIFESTS) × heavy-tailed timing draws (log-normal and Pareto, fixed seeds; the
 * project's own run_results too when it has one) × budgets and thread settings
 * (bench/quality-samples.ts). Each plan is re-simulated by bench/quality-sim.ts (not the planner's
 * simulator) and compared with
 * - the lower bound (the targets' measure): one job's overhead + max(critical path, work /
 *   (parallel shards × threads)), the best thread count the settings allow;
 * - the dynamic reference: the same workers taking any ready node of the whole DAG, no stages;
 * - the best bound: also valid for every plan, and tighter where jobs cost a start-up (the staged
 *   bound: a plan of one job per shard and no final-tests job is one stage, where a connected group
 *   of nodes runs in one shard on its threads; any other plan runs at least two jobs one after the
 *   other, each paying the overhead).
 * Where the best bound itself exceeds 1.05 or 1.15 × the lower bound, no plan can meet that target
 * on that sample: the table gives the share of such samples. How far the planner is from the best
 * plan a long offline search finds: `npm run bench -- quality-search`.
 */
import { DBT_CPU_SECONDS_PER_NODE } from '../src/core/partition/machine.js';
import { planMakespan } from './quality-sim.js';
import {
  bestBound,
  dynamicReference,
  lowerBound,
  planSamples,
  quantile,
  DRAWS,
  SETTINGS,
  type PlanSample,
} from './quality-samples.js';

const TARGET = { worst: 1.15, median: 1.05 };

interface Sample {
  caseName: string;
  draw: string;
  setting: string;
  vsBound: number;
  vsDynamic: number;
  vsBest: number;
  /** best bound ÷ lower bound: what no plan of this sample can beat, on the targets' measure */
  floor: number;
  planMs: number;
  drift: number;
}

function measure(p: PlanSample): Sample {
  const makespan = planMakespan(p.dag, p.plan, p.setting.overhead, DBT_CPU_SECONDS_PER_NODE);
  const lower = lowerBound(p.dag, p.setting);
  const best = bestBound(p.dag, p.setting);
  return {
    caseName: p.caseName,
    draw: p.draw,
    setting: p.setting.name,
    planMs: p.planMs,
    vsBound: makespan / lower,
    vsDynamic: makespan / dynamicReference(p.dag, p.setting),
    vsBest: makespan / best,
    floor: best / lower,
    drift: Math.abs(makespan - p.plan.estimates.makespanSeconds) / makespan,
  };
}

const f3 = (x: number): string => x.toFixed(3);
const dist = (xs: number[]): string => `${f3(quantile(xs, 0.5))} | ${f3(quantile(xs, 0.9))} | ${f3(Math.max(...xs))}`;
const share = (xs: number[], over: number): string =>
  `${((100 * xs.filter((x) => x > over).length) / xs.length).toFixed(0)} %`;

function row(label: string, samples: Sample[]): string {
  const floors = samples.map((x) => x.floor);
  const ms = samples.reduce((a, x) => a + x.planMs, 0) / samples.length;
  return (
    `| ${label} | ${samples.length} | ${dist(samples.map((x) => x.vsBound))} | ${dist(samples.map((x) => x.vsDynamic))} | ` +
    `${dist(samples.map((x) => x.vsBest))} | ${share(floors, TARGET.median)} | ${share(floors, TARGET.worst)} | ${ms.toFixed(1)} |`
  );
}

export async function benchQuality(): Promise<void> {
  const samples: Sample[] = [];
  for await (const p of planSamples()) samples.push(measure(p));
  console.log('\n## quality: simulated makespan / lower bound, / a dynamic schedule without stages, / the best bound');
  console.log(
    `draws: ${DRAWS.map((d) => d.name).join(', ')} (+ real run_results where the project has one); settings: ${SETTINGS.map((s) => s.name).join('; ')}`,
  );
  console.log(
    `targets: worst ≤ ${TARGET.worst}, median ≤ ${TARGET.median} (vs the lower bound). "no plan ≤ 1.05 / ≤ 1.15": share of samples whose best bound already exceeds that × the lower bound (no plan can meet the target there)\n`,
  );
  console.log(
    '| case | plans | median ÷ lower bound | p90 | worst | median ÷ dynamic | p90 | worst | median ÷ best bound | p90 | worst | no plan ≤ 1.05 | no plan ≤ 1.15 | plan ms (mean) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const groups = (key: (x: Sample) => string): string[] => [...new Set(samples.map(key))];
  for (const name of groups((x) => x.caseName))
    console.log(
      row(
        name,
        samples.filter((x) => x.caseName === name),
      ),
    );
  for (const s of groups((x) => x.setting))
    console.log(
      row(
        `all cases at ${s}`,
        samples.filter((x) => x.setting === s),
      ),
    );
  console.log(row('**all**', samples));
  summary(samples);
}

function summary(samples: Sample[]): void {
  const all = samples.map((x) => x.vsBound);
  const ok = (v: number, t: number): string => `${f3(v)} ${v <= t ? '≤' : '>'} ${t} ${v <= t ? 'met' : 'NOT met'}`;
  const worst = samples.reduce((w, x) => (x.vsBound > w.vsBound ? x : w));
  console.log(
    `\ntargets: median ${ok(quantile(all, 0.5), TARGET.median)}; worst ${ok(Math.max(...all), TARGET.worst)} (${worst.caseName}, ${worst.draw}, ${worst.setting})`,
  );
  const floors = samples.map((x) => x.floor);
  console.log(
    `best bound ÷ lower bound (what no plan can beat): median ${f3(quantile(floors, 0.5))}, p90 ${f3(quantile(floors, 0.9))}, worst ${f3(Math.max(...floors))}; ` +
      `> ${TARGET.median} on ${share(floors, TARGET.median)} of samples, > ${TARGET.worst} on ${share(floors, TARGET.worst)}: the worst target is out of any plan's reach there`,
  );
  const best = samples.map((x) => x.vsBest);
  console.log(
    `against the best bound (valid for every plan): median ${f3(quantile(best, 0.5))}, p90 ${f3(quantile(best, 0.9))}, worst ${f3(Math.max(...best))}`,
  );
  console.log(
    `planner's own estimate vs this simulation: largest difference ${(100 * Math.max(...samples.map((x) => x.drift))).toFixed(2)} %`,
  );
}
