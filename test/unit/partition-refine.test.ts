import { describe, expect, it } from 'vitest';
import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { buildWorkDag } from '../../src/core/partition/dag.js';
import { stageSeconds, type LayoutPlan, type Limits } from '../../src/core/partition/evaluate.js';
import { refinePlan } from '../../src/core/partition/refine.js';
import { ShardSimulator } from '../../src/core/partition/simulate.js';

function model(name: string, deps: string[] = []): ManifestNode {
  return {
    uniqueId: `model.p.${name}`,
    resourceType: 'model',
    name,
    packageName: 'p',
    fqn: [name],
    path: '',
    originalFilePath: '',
    tags: [],
    config: {},
    dependsOn: deps.map((d) => `model.p.${d}`),
    checksum: null,
    testMetadata: null,
    sourceName: null,
    relationName: null,
  };
}

describe('refinePlan', () => {
  // a → b and c → d, b → e; stage 1 waits on the chain a, b while stage 2 has room beside d
  const graph = new DbtGraph([model('a'), model('b', ['a']), model('c'), model('d', ['c']), model('e', ['b'])]);
  const seconds = new Map([
    ['model.p.a', 10],
    ['model.p.b', 10],
    ['model.p.c', 1],
    ['model.p.d', 12],
    ['model.p.e', 1],
  ]);
  const dag = buildWorkDag(graph, new Set(graph.nodes.keys()), {
    seconds,
    withHistory: 5,
    estimated: 0,
    assumption: '',
    warnings: [],
  });
  const limits: Limits = {
    threads: 1,
    slots: 2,
    maxShardsPerStage: 256,
    overhead: 0,
    machine: { dbtCpuPerNode: 0, startupCpuSeconds: 0 },
  };
  const sim = new ShardSimulator(dag);
  const v = (name: string): number => dag.ids.indexOf(`model.p.${name}`);
  const stage = (shards: number[][]) => {
    const durations = shards.map((nodes) => sim.duration(nodes, 1));
    return {
      shards,
      finalTests: [],
      estimates: durations,
      durations,
      seconds: stageSeconds(
        durations,
        limits,
        shards.map((s) => s.length),
      ),
    };
  };
  const plan: LayoutPlan = {
    stages: [stage([[v('a'), v('b')], [v('c')]]), stage([[v('d')], [v('e')]])],
    finalTests: [],
    makespan: 32,
    shardCount: 4,
  };

  it("moves the end of a stage's longest shard to the next stage, next to its child", () => {
    const refined = refinePlan(dag, plan, limits, sim, 1000);
    expect(refined.makespan).toBe(22);
    expect(refined.stages.map((s) => s.shards.map((nodes) => nodes.map((x) => dag.ids[x]!.slice(8)).sort()))).toEqual([
      [['a'], ['c']],
      [['d'], ['b', 'e']],
    ]);
  });

  it('changes nothing without a budget', () => {
    expect(refinePlan(dag, plan, limits, sim, 0).makespan).toBe(32);
  });
});
