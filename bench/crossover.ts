/**
 * `npm run bench -- crossover`: where sharding across GitHub runners starts to beat one job,
 * simulated with the planner's cost model: every node costs its warehouse time plus dbt's own
 * measured time; dbt's own CPU runs on one core per process (src/core/partition/machine.ts);
 * every job pays the action's default 60 s of runner start, set-up and dbt start-up (GitHub's
 * share cannot be measured from here; dbt's 7 s of it was). Budget 40 connections, threads picked
 * by the planner, up to 3 stages.
 */
import { DbtGraph } from '../src/core/graph/graph.js';
import {
  DBT_SECONDS_PER_NODE,
  GITHUB_MACHINE,
  isSchedulable,
  partition,
  type PartitionResult,
} from '../src/core/partition/index.js';
import { selectNodes } from '../src/core/select/index.js';
import { readManifest } from '../src/io/manifest-reader.js';
import { generateManifest } from './generate-manifest.js';
import { syntheticCase } from './quality-cases.js';

const OVERHEAD = 60;
const SIZES = [50, 200, 1000, 5000];
const WAREHOUSE = [0, 0.5, 2, 10, 60];

function plan(
  graph: DbtGraph,
  warehouse: (id: string) => number,
  budget: number,
  extra: { threads?: number; maxShards?: number } = {},
): PartitionResult {
  const seconds = new Map<string, number>();
  for (const [id, n] of graph.nodes) if (isSchedulable(n)) seconds.set(id, DBT_SECONDS_PER_NODE + warehouse(id));
  return partition({
    graph,
    selected: selectNodes(graph, { select: [], exclude: [] }),
    costs: { seconds, withHistory: seconds.size, estimated: 0, assumption: '', warnings: [] },
    connectionBudget: budget,
    maxShards: extra.maxShards ?? 256,
    maxStages: 3,
    shardOverheadSeconds: OVERHEAD,
    machine: GITHUB_MACHINE,
    ...(extra.threads !== undefined ? { threads: extra.threads } : {}),
  });
}

const m = (s: number): string => (s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

export async function benchCrossover(tmp: string): Promise<void> {
  console.log(
    '\n## crossover: one job vs the plan on GitHub runners (simulated; budget 40, 60 s per job, dbt CPU 0.09 s/node on one core per process)',
  );
  console.log(
    'cell: one job → plan (shards/stages), and which wins; models carry the warehouse time, tests a fifth of it\n',
  );
  console.log(`| models \\ warehouse s per model | ${WAREHOUSE.join(' | ')} |`);
  console.log(`|---|${WAREHOUSE.map(() => '---').join('|')}|`);
  for (const size of SIZES) {
    const { graph } = syntheticCase(`${size}`, size, Math.min(12, Math.max(4, Math.round(Math.log2(size)))), 21);
    const cells = WAREHOUSE.map((w) => {
      const r = plan(graph, (id) => (id.startsWith('test.') ? w / 5 : w), 40);
      const one = r.estimates.oneJobSeconds;
      const verdict = r.shards.length === 1 ? 'one job' : `plan ${(one / r.estimates.makespanSeconds).toFixed(1)}×`;
      return `${m(one)} → ${m(r.estimates.makespanSeconds)} (${r.shards.length}/${r.stages}): ${verdict}`;
    });
    console.log(`| ${size} | ${cells.join(' | ')} |`);
  }

  // the generated 10k-model manifest on 8 runners (8 threads each), dbt's own time per node only
  const file = `${tmp}/crossover-10k.json`;
  await generateManifest(file, { models: 10_000 });
  const graph = DbtGraph.fromManifest(await readManifest(file));
  for (const w of [0, 1]) {
    const r = plan(graph, (id) => (id.startsWith('test.') ? w / 5 : w), 8 * 9, { threads: 8, maxShards: 8 });
    const nodes = r.shards.reduce((n, s) => n + s.nodes.length, r.finalTests.length);
    console.log(
      `\ngenerated 10k models (${nodes} nodes), warehouse ${w} s per model, 8 runners × 8 threads: one job ${m(r.estimates.oneJobSeconds)}, ` +
        `plan ${m(r.estimates.makespanSeconds)} (${r.shards.length} shards in ${r.stages} stages${r.finalTests.length > 0 ? ' + final tests' : ''}): ` +
        `${(r.estimates.oneJobSeconds / r.estimates.makespanSeconds).toFixed(2)}× (target ≥ 4×); lower bound ${m(r.estimates.lowerBoundSeconds)}`,
    );
  }
}
