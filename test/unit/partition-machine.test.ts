import { describe, expect, it } from 'vitest';
import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { DEFAULT_MAX_THREADS, partition, type Machine, type PartitionInput } from '../../src/core/partition/index.js';
import { layoutClustered } from '../../src/core/partition/clustered.js';
import { startupWall, usefulThreads } from '../../src/core/partition/machine.js';
import { buildWorkDag } from '../../src/core/partition/dag.js';
import type { Plan } from '../../src/core/plan/schema.js';
import { oneShardReason } from '../../src/core/plan/summary.js';
import { expectPlanInvariants } from '../helpers/plan-invariants.js';

function model(i: number, deps: number[] = []): ManifestNode {
  return {
    uniqueId: `model.p.m${String(i).padStart(3, '0')}`,
    resourceType: 'model',
    name: `m${i}`,
    packageName: 'p',
    fqn: ['p', `m${i}`],
    path: '',
    originalFilePath: '',
    tags: [],
    config: {},
    dependsOn: deps.map((d) => `model.p.m${String(d).padStart(3, '0')}`),
    checksum: null,
    testMetadata: null,
    sourceName: null,
    relationName: null,
  };
}

/** `count` independent models of `seconds` each. */
function flat(count: number, seconds: number, rest: Partial<PartitionInput> = {}): PartitionInput {
  const nodes = Array.from({ length: count }, (_, i) => model(i));
  const graph = new DbtGraph(nodes);
  const map = new Map(nodes.map((n) => [n.uniqueId, seconds]));
  return {
    graph,
    selected: new Set(graph.nodes.keys()),
    costs: { seconds: map, withHistory: count, estimated: 0, assumption: '', warnings: [] },
    connectionBudget: 40,
    maxShards: 256,
    maxStages: 3,
    shardOverheadSeconds: 0,
    ...rest,
  };
}

const cpuBound = (cpu: number, sharedCores?: number): Machine => ({
  dbtCpuPerNode: cpu,
  startupCpuSeconds: 0,
  ...(sharedCores ? { sharedCores } : {}),
});

describe('the cost model', () => {
  it('never lets one dbt process do its own work faster than one core', () => {
    // 200 nodes of 0.2 s that are all dbt's own CPU: 8 threads cannot make one shard faster than 40 s
    const input = flat(200, 0.2, { connectionBudget: 9, threads: 8, machine: cpuBound(0.2) });
    const r = partition(input);
    expect(r.shards).toHaveLength(1);
    expect(r.estimates.makespanSeconds).toBeCloseTo(40, 6);
    expectPlanInvariants(input, r);
  });

  it('gives one process more than 8 threads where the warehouse does the work, up to the measured ceiling', () => {
    // 64 independent models of 4 s, 0.09 s of dbt CPU each, one shard's start-up 60 s: splitting
    // never pays, and one process with every thread the budget allows is the plan
    const warehouse = { machine: cpuBound(0.09), shardOverheadSeconds: 60 };
    const r = partition(flat(64, 4, { ...warehouse, connectionBudget: 33 }));
    expect(r.threads).toBe(DEFAULT_MAX_THREADS);
    expect(r.shards).toHaveLength(1);
    expect(r.estimates.makespanSeconds).toBeCloseTo(60 + 2 * 4, 6);
    // past the ceiling the budget's connections are not all given to one process
    expect(partition(flat(64, 4, { ...warehouse, connectionBudget: 60 })).threads).toBeLessThanOrEqual(
      DEFAULT_MAX_THREADS,
    );
    // a caller's maxThreads still lowers it
    const capped = partition(flat(64, 4, { ...warehouse, connectionBudget: 33, maxThreads: 8 }));
    expect(capped.threads).toBeLessThanOrEqual(8);
  });

  it("picks no more threads than dbt's CPU on one core leaves useful", () => {
    // 0.1 s per node of which 0.09 s is dbt's own CPU: past 2 threads the process is CPU-bound,
    // so the budget goes to shards (runners) rather than threads
    const r = partition(flat(400, 0.1, { machine: cpuBound(0.09), shardOverheadSeconds: 1 }));
    expect(r.threads).toBeLessThanOrEqual(2);
    expect(r.shards.length).toBeGreaterThan(1);
    expect(usefulThreads(40, 400, cpuBound(0.09), DEFAULT_MAX_THREADS)).toBe(2);
    expect(usefulThreads(400 * 60, 400, cpuBound(0.09), DEFAULT_MAX_THREADS)).toBe(DEFAULT_MAX_THREADS);
    expect(usefulThreads(40, 400, cpuBound(0), DEFAULT_MAX_THREADS)).toBe(DEFAULT_MAX_THREADS);
  });

  it('stretches start-ups that share a machine: three at once on two cores take 1.5 × one start-up CPU each', () => {
    const shared = { ...cpuBound(0.09, 2), startupCpuSeconds: 7 };
    expect(startupWall(shared, 5, 1)).toBe(5);
    expect(startupWall(shared, 5, 3)).toBeCloseTo(10.5, 9);
    expect(startupWall(cpuBound(0.09), 5, 3)).toBe(5); // GitHub: a runner each
  });

  it('gives one job every thread of the budget, as a plain `dbt build --threads N` holding it would have', () => {
    // 30 nodes of 0.1 s (useful threads: 2 on average) and a 60-s start-up: one job is the plan,
    // and it must not be a slower build than the one the user would otherwise run
    const input = flat(30, 0.1, { machine: cpuBound(0.09), shardOverheadSeconds: 60, connectionBudget: 4 });
    const r = partition(input);
    expect(r.shards).toHaveLength(1);
    expect(r.threads).toBe(3);
    expect(partition({ ...input, connectionBudget: 60 }).threads).toBe(DEFAULT_MAX_THREADS);
    expect(partition({ ...input, maxThreads: 2 }).threads).toBe(2);
    expectPlanInvariants(input, r);
  });

  it('splits CPU-bound work across runners on GitHub, but not past the cores of one shared machine', () => {
    const github = partition(flat(400, 1, { threads: 4, machine: cpuBound(0.5) }));
    const local = partition(flat(400, 1, { threads: 4, machine: cpuBound(0.5, 2) }));
    // GitHub: 8 shards of 4 threads, a runner each: dbt's 400 × 0.5 s of CPU / 8 cores = 25 s, more than the threads' 400 / 32
    expect(github.shards).toHaveLength(8);
    expect(github.estimates.makespanSeconds).toBeCloseTo(25, 6);
    // local: 200 s of dbt CPU over 2 cores, whatever the shards
    expect(local.estimates.makespanSeconds).toBeGreaterThanOrEqual(100);
    expect(local.estimates.lowerBoundSeconds).toBeGreaterThanOrEqual(100);
  });

  it('answers one shard when one dbt build beats every split, and says why in one line', () => {
    // 120 short models all reading one root: a split needs a second stage, whose job start-up
    // costs more than the parallel shards save
    const nodes = [model(0), ...Array.from({ length: 120 }, (_, i) => model(i + 1, [0]))];
    const graph = new DbtGraph(nodes);
    const seconds = new Map(nodes.map((n) => [n.uniqueId, 0.3]));
    const r = partition({
      ...flat(1, 1, { connectionBudget: 20, shardOverheadSeconds: 30 }),
      graph,
      selected: new Set(graph.nodes.keys()),
      costs: { seconds, withHistory: 121, estimated: 0, assumption: '', warnings: [] },
    });
    expect(r.shards).toHaveLength(1);
    expect(r.estimates.oneJobSeconds).toBe(r.estimates.makespanSeconds);
    const plan = {
      threads: r.threads,
      connectionBudget: 20,
      shards: r.shards,
      finalTests: r.finalTests,
      estimates: { ...r.estimates, shardOverheadSeconds: 30 },
    } as unknown as Plan;
    const why = oneShardReason(plan);
    expect(why).toMatch(/^one shard because one dbt build with \d+ threads \(\d+s\) is faster than splitting/);
    expect(why).not.toContain('\n');
  });

  it('says how little splitting would save when a sharded plan was faster by less than the minimum gain', () => {
    const plan = {
      threads: 3,
      connectionBudget: 8,
      shards: [{ index: 0, id: 's1-01', stage: 1, nodes: ['model.p.a'], estimatedSeconds: 64 }],
      finalTests: [],
      estimates: { oneJobSeconds: 64, shardedSeconds: 61, shardOverheadSeconds: 30 },
    } as unknown as Plan;
    expect(oneShardReason(plan)).toBe(
      'one shard: the best sharded plan (61s) would finish only 3s (4.7 %) sooner than one dbt build with 3 threads (64s); more jobs must save at least 5 %',
    );
  });

  it('shards when the work is long enough to repay the start-ups, and then gives no one-shard reason', () => {
    // a budget of more connections than one process's thread ceiling: only shards can use them all
    const r = partition(flat(120, 60, { connectionBudget: 4 * DEFAULT_MAX_THREADS, shardOverheadSeconds: 30 }));
    expect(r.shards.length).toBeGreaterThan(1);
    expect(r.estimates.makespanSeconds).toBeLessThan(r.estimates.oneJobSeconds);
  });
});

describe('the clustered cut', () => {
  it('keeps a chain in one shard and defers a node whose parents ran in two shards of the stage', () => {
    // two long chains a (0→1→2) and b (3→4→5), and 6 reading the ends of both
    const nodes = [model(0), model(1, [0]), model(2, [1]), model(3), model(4, [3]), model(5, [4]), model(6, [2, 5])];
    const graph = new DbtGraph(nodes);
    const dag = buildWorkDag(graph, new Set(graph.nodes.keys()), {
      seconds: new Map(nodes.map((n) => [n.uniqueId, 10])),
      withHistory: 7,
      estimated: 0,
      assumption: '',
      warnings: [],
    });
    const layout = layoutClustered(dag, 2, 1, 2, Infinity);
    const stageOf = (i: number): number => layout.stageOf[dag.ids.indexOf(nodes[i]!.uniqueId)]!;
    expect([0, 1, 2, 3, 4, 5].map(stageOf)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(stageOf(6)).toBe(2);
    expect(layout.stages[0]!.size).toBe(2); // the two chains, one component each
  });
});
