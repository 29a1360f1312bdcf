import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import type { CostTable } from '../../src/core/partition/costs.js';
import { partition, type PartitionInput, type PartitionResult } from '../../src/core/partition/partition.js';
import { node } from '../helpers/manifest-node.js';

function costs(seconds: Record<string, number>, fallback = 1): CostTable {
  const map = new Map(Object.entries(seconds));
  return {
    seconds: new Proxy(map, {
      get: (m, k) => (k === 'get' ? (id: string) => m.get(id) ?? fallback : Reflect.get(m, k, m)),
    }),
    withHistory: 0,
    estimated: 0,
    assumption: '',
    warnings: [],
  };
}
function plan(
  nodes: ManifestNode[],
  opts: Partial<PartitionInput> & { seconds?: Record<string, number> } = {},
): PartitionResult {
  const graph = new DbtGraph(nodes);
  return partition({
    graph,
    selected: opts.selected ?? new Set(graph.nodes.keys()),
    costs: opts.costs ?? costs(opts.seconds ?? {}),
    connectionBudget: opts.connectionBudget ?? 10,
    threads: opts.threads,
    maxShards: opts.maxShards ?? 256,
    maxStages: opts.maxStages ?? 3,
    shardOverheadSeconds: opts.shardOverheadSeconds ?? 0,
  });
}
const shardOf = (r: PartitionResult, id: string) => r.shards.find((s) => s.nodes.includes(id));

describe('partition', () => {
  it('shards only when that saves at least MIN_SHARDING_GAIN of one job', () => {
    const twoModels = [node('model.p.a'), node('model.p.b')];
    const seconds = { 'model.p.a': 4, 'model.p.b': 4 };
    // one job 100 + 8 s, two shards 100 + 4 s: 3.7 % sooner, not worth a second runner
    const slight = plan(twoModels, { seconds, threads: 1, connectionBudget: 4, shardOverheadSeconds: 100 });
    expect(slight.shards).toHaveLength(1);
    expect(slight.estimates.shardedSeconds).toBeLessThan(slight.estimates.oneJobSeconds);
    expect(slight.estimates.makespanSeconds).toBe(slight.estimates.oneJobSeconds);
    // one job 10 + 8 s, two shards 10 + 4 s: 22 % sooner
    const worth = plan(twoModels, { seconds, threads: 1, connectionBudget: 4, shardOverheadSeconds: 10 });
    expect(worth.shards).toHaveLength(2);
  });

  it('keeps a chain with its tests in one shard', () => {
    const r = plan([
      node('model.p.a'),
      node('model.p.b', ['model.p.a']),
      node('model.p.c', ['model.p.b']),
      node('test.p.nn_c', ['model.p.c']),
    ]);
    expect(r.shards).toEqual([
      {
        index: 0,
        id: 's1-01',
        stage: 1,
        nodes: ['model.p.a', 'model.p.b', 'model.p.c', 'test.p.nn_c'],
        estimatedSeconds: 4,
      },
    ]);
    expect(r.finalTests).toEqual([]);
    expect(r.estimates).toEqual({
      sequentialSeconds: 4,
      makespanSeconds: 4,
      lowerBoundSeconds: 4,
      oneJobSeconds: 4,
      shardedSeconds: 4,
    });
  });

  it('spreads independent components over parallel shards', () => {
    const nodes = ['a', 'b', 'c', 'd'].flatMap((x) => [node(`model.p.${x}`), node(`test.p.t_${x}`, [`model.p.${x}`])]);
    const r = plan(nodes, {
      threads: 1,
      connectionBudget: 10,
      seconds: { 'model.p.a': 10, 'model.p.b': 10, 'model.p.c': 10, 'model.p.d': 10 },
      shardOverheadSeconds: 5,
    });
    expect(r.shards.map((s) => s.id)).toEqual(['s1-01', 's1-02', 's1-03', 's1-04']);
    for (const x of ['a', 'b', 'c', 'd']) expect(shardOf(r, `model.p.${x}`)).toBe(shardOf(r, `test.p.t_${x}`));
    expect(r.maxParallel).toBe(4);
    expect(r.estimates.makespanSeconds).toBe(16);
    expect(r.estimates.lowerBoundSeconds).toBe(16);
  });

  it('keeps a diamond together', () => {
    const r = plan(
      [
        node('model.p.a'),
        node('model.p.b', ['model.p.a']),
        node('model.p.c', ['model.p.a']),
        node('model.p.d', ['model.p.b', 'model.p.c']),
      ],
      { maxStages: 1 },
    );
    expect(r.shards).toHaveLength(1);
    expect(r.shards[0]!.estimatedSeconds).toBe(3);
  });

  it('sends a test whose parents end in different shards of one stage to finalTests', () => {
    const r = plan([node('model.p.x'), node('model.p.y'), node('test.p.rel', ['model.p.x', 'model.p.y'])], {
      threads: 1,
      connectionBudget: 4,
      seconds: { 'model.p.x': 100, 'model.p.y': 100 },
    });
    expect(r.shards).toHaveLength(2);
    expect(r.finalTests).toEqual(['test.p.rel']);
    expect(r.estimates.makespanSeconds).toBe(101);
  });

  it('places a test spanning stages in the one shard of its latest stage', () => {
    // a root feeding eight heavy children: stage 1 = root, stage 2 = one child per shard
    const kids = Array.from({ length: 8 }, (_, i) => `model.p.c${i}`);
    const nodes = [
      node('model.p.root'),
      ...kids.map((k) => node(k, ['model.p.root'])),
      node('test.p.root_c0', ['model.p.root', 'model.p.c0']),
      node('test.p.c0_c1', ['model.p.c0', 'model.p.c1']),
    ];
    const r = plan(nodes, {
      threads: 1,
      connectionBudget: 16,
      maxStages: 2,
      seconds: Object.fromEntries([['model.p.root', 100], ...kids.map((k) => [k, 100])]),
    });
    expect(r.stages).toBe(2);
    expect(shardOf(r, 'model.p.root')!.stage).toBe(1);
    expect(shardOf(r, 'test.p.root_c0')).toBe(shardOf(r, 'model.p.c0'));
    expect(r.finalTests).toEqual(['test.p.c0_c1']);
    expect(r.shards.filter((s) => s.stage === 2)).toHaveLength(8);
  });

  it('runs a test whose parents span shards of an earlier stage in the next stage, not in a final job', () => {
    // two heavy roots in separate stage-1 shards, each feeding four heavy children (stage 2)
    const kids = ['r1', 'r2'].flatMap((r) =>
      Array.from({ length: 4 }, (_, i) => ({ id: `model.p.${r}k${i}`, parent: `model.p.${r}` })),
    );
    const nodes = [
      node('model.p.r1'),
      node('model.p.r2'),
      ...kids.map((k) => node(k.id, [k.parent])),
      node('test.p.r1_r2', ['model.p.r1', 'model.p.r2']),
    ];
    const r = plan(nodes, {
      threads: 1,
      connectionBudget: 16,
      maxStages: 2,
      seconds: Object.fromEntries([['model.p.r1', 100], ['model.p.r2', 100], ...kids.map((k) => [k.id, 100])]),
    });
    expect(r.stages).toBe(2);
    expect(shardOf(r, 'model.p.r1')).not.toBe(shardOf(r, 'model.p.r2'));
    expect(shardOf(r, 'test.p.r1_r2')!.stage).toBe(2);
    expect(r.finalTests).toEqual([]);
  });

  it('traverses ephemeral models but never schedules them', () => {
    const nodes = [
      node('model.p.a'),
      node('model.p.eph', ['model.p.a'], { materialized: 'ephemeral' }),
      node('model.p.b', ['model.p.eph']),
      node('model.p.x'),
      node('model.p.y', ['model.p.x']),
    ];
    const r = plan(nodes, { threads: 1, maxStages: 1 });
    expect(r.shards.flatMap((s) => s.nodes)).not.toContain('model.p.eph');
    expect(shardOf(r, 'model.p.a')).toBe(shardOf(r, 'model.p.b'));
    expect(shardOf(r, 'model.p.x')).not.toBe(shardOf(r, 'model.p.a'));
  });

  it('traverses unselected nodes: a → (b unselected) → c still orders a before c', () => {
    const nodes = [
      node('model.p.a'),
      node('model.p.b', ['model.p.a']),
      node('model.p.c', ['model.p.b']),
      node('model.p.z'),
    ];
    const r = plan(nodes, { selected: new Set(['model.p.a', 'model.p.c', 'model.p.z']), threads: 1, maxStages: 1 });
    expect(r.shards.flatMap((s) => s.nodes).sort()).toEqual(['model.p.a', 'model.p.c', 'model.p.z']);
    expect(shardOf(r, 'model.p.a')).toBe(shardOf(r, 'model.p.c'));
  });

  it('never schedules sources, exposures, analyses or operations, even when selected', () => {
    const nodes = [
      node('source.p.s'),
      node('model.p.a', ['source.p.s']),
      node('exposure.p.e', ['model.p.a']),
      node('analysis.p.an', ['model.p.a']),
      node('operation.p.hook'),
      node('test.p.src_test', ['source.p.s']),
    ];
    const r = plan(nodes);
    expect(r.shards.flatMap((s) => s.nodes).sort()).toEqual(['model.p.a', 'test.p.src_test']);
    expect(r.shards.every((s) => s.stage === 1)).toBe(true);
  });

  it('returns an empty plan for an empty selection', () => {
    const r = plan([node('model.p.a')], { selected: new Set() });
    expect(r).toMatchObject({ stages: 0, shards: [], finalTests: [], estimates: { makespanSeconds: 0 } });
  });

  it('rejects a budget too small to run anything, naming --connection-budget', () => {
    expect(() => plan([node('model.p.a')], { connectionBudget: 1 })).toThrow(UserError);
    expect(() => plan([node('model.p.a')], { connectionBudget: 1 })).toThrow(
      /^--connection-budget: got 1, expected a whole number ≥ 2/,
    );
    expect(() => plan([node('model.p.a')], { connectionBudget: 5, threads: 8 })).toThrow(
      /^--connection-budget: got 5, expected at least 9 for --threads 8/,
    );
    expect(() => plan([], { connectionBudget: 0 })).toThrow(UserError);
    expect(() => plan([node('model.p.a')], { maxStages: 0 })).toThrow(/^--max-stages/);
  });

  it('keeps fixed threads and picks threads within the budget otherwise', () => {
    const nodes = Array.from({ length: 40 }, (_, i) => node(`model.p.m${String(i).padStart(2, '0')}`));
    const fixed = plan(nodes, { threads: 3, connectionBudget: 20, shardOverheadSeconds: 1 });
    expect(fixed.threads).toBe(3);
    expect(fixed.maxParallel).toBe(5);
    const picked = plan(nodes, { connectionBudget: 20, shardOverheadSeconds: 1 });
    expect(picked.threads).toBeGreaterThanOrEqual(1);
    expect(picked.threads).toBeLessThanOrEqual(19);
    expect(picked.maxParallel * (picked.threads + 1)).toBeLessThanOrEqual(20);
    expect(picked.estimates.makespanSeconds).toBeLessThanOrEqual(fixed.estimates.makespanSeconds);
  });

  it('caps shards per stage at --max-shards', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(`model.p.m${String(i).padStart(2, '0')}`));
    const r = plan(nodes, { threads: 1, connectionBudget: 100, maxShards: 4 });
    expect(r.shards).toHaveLength(4);
    expect(r.shards.flatMap((s) => s.nodes)).toHaveLength(30);
  });

  it('is deterministic whatever the order nodes arrive in', () => {
    const nodes = [
      node('model.p.a'),
      node('model.p.b', ['model.p.a']),
      node('model.p.c'),
      node('model.p.d', ['model.p.c', 'model.p.a']),
      node('test.p.t1', ['model.p.b', 'model.p.d']),
      node('seed.p.s'),
      node('model.p.e', ['seed.p.s']),
    ];
    const seconds = { 'model.p.a': 3, 'model.p.b': 7, 'model.p.c': 2, 'model.p.d': 5, 'model.p.e': 9 };
    const once = plan(nodes, { seconds, threads: 1, connectionBudget: 6 });
    expect(plan([...nodes].reverse(), { seconds, threads: 1, connectionBudget: 6 })).toEqual(once);
  });

  it('splits off a component when the estimate ties but the threads would be contended', () => {
    // on 3 threads the glued group needs max(longest path 14, work 38 / 3) = 14 alone and with m6
    // beside it, so the estimate cannot choose; simulated, m6 takes a thread the group needs
    const spec: Array<[string, string[], number]> = [
      ['m0', [], 3],
      ['m1', ['m0'], 4],
      ['m2', ['m0', 'm1'], 2],
      ['m3', [], 3],
      ['m4', ['m1'], 10],
      ['m5', [], 10],
      ['m6', [], 10],
      ['m7', ['m1', 'm3'], 2],
      ['m8', ['m5', 'm7'], 4],
    ];
    const r = plan(
      spec.map(([id, deps]) =>
        node(
          `model.p.${id}`,
          deps.map((d) => `model.p.${d}`),
        ),
      ),
      {
        seconds: Object.fromEntries(spec.map(([id, , s]) => [`model.p.${id}`, s])),
        threads: 3,
        connectionBudget: 12,
        maxStages: 2,
        shardOverheadSeconds: 2,
      },
    );
    expect(r.estimates.oneJobSeconds).toBe(21);
    expect(r.estimates.makespanSeconds).toBe(19);
    expect(r.shards.map((s) => s.nodes.length)).toEqual([8, 1]);
    expect(shardOf(r, 'model.p.m6')?.nodes).toEqual(['model.p.m6']);
  });
});
