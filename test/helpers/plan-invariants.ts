import { expect } from 'vitest';
import type { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { GITHUB_MACHINE, type PartitionInput, type PartitionResult } from '../../src/core/partition/index.js';

/** The plan invariants (every node once, no dependency on a later or same-stage shard, the budget per stage), checked by brute force against the graph. */
const schedulable = (n: ManifestNode | undefined, selected: Set<string>): boolean =>
  n !== undefined &&
  selected.has(n.uniqueId) &&
  ['model', 'seed', 'snapshot', 'test', 'unit_test'].includes(n.resourceType) &&
  n.config['materialized'] !== 'ephemeral';

/** Brute force: nearest schedulable ancestors, through anything else. */
function effectiveParents(graph: DbtGraph, id: string, selected: Set<string>): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (x: string): void => {
    for (const p of graph.parents(x)) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (schedulable(graph.get(p), selected)) out.add(p);
      else walk(p);
    }
  };
  walk(id);
  return out;
}

export function expectPlanInvariants(input: PartitionInput, r: PartitionResult): void {
  const { graph, selected } = input;
  const expected = [...selected].filter((id) => schedulable(graph.get(id), selected)).sort();

  // every schedulable selected node exactly once, nothing else
  const placed = [...r.shards.flatMap((s) => s.nodes), ...r.finalTests];
  expect([...placed].sort()).toEqual(expected);

  // shards: global index order, stage order, ids, sorted nodes, limits
  const stageOf = new Map<string, number>();
  const shardOf = new Map<string, number>();
  r.shards.forEach((s, i) => {
    expect(s.index).toBe(i);
    expect(s.id).toMatch(new RegExp(`^s${s.stage}-\\d{2,}$`));
    expect(s.nodes).toEqual([...s.nodes].sort());
    expect(s.nodes.length).toBeGreaterThan(0);
    if (i > 0) expect(s.stage).toBeGreaterThanOrEqual(r.shards[i - 1]!.stage);
    for (const id of s.nodes) {
      stageOf.set(id, s.stage);
      shardOf.set(id, i);
    }
  });
  expect(r.stages).toBe(new Set(r.shards.map((s) => s.stage)).size);
  expect(r.stages).toBeLessThanOrEqual(input.maxStages);
  if (input.threads !== undefined) expect(r.threads).toBe(input.threads);
  for (let stage = 1; stage <= r.stages; stage++) {
    const count = r.shards.filter((s) => s.stage === stage).length;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(input.maxShards);
    expect(Math.min(count, r.maxParallel) * (r.threads + 1)).toBeLessThanOrEqual(input.connectionBudget);
  }

  // DAG safety: a parent sits in the same shard or in an earlier stage
  for (const [id, shard] of shardOf) {
    for (const p of effectiveParents(graph, id, selected)) {
      const sameShard = shardOf.get(p) === shard;
      const earlier = stageOf.has(p) && stageOf.get(p)! < stageOf.get(id)!;
      expect(sameShard || earlier, `${id} in shard ${shard} depends on ${p}`).toBe(true);
    }
  }
  // finalTests are tests, and only there because their parents span shards
  for (const t of r.finalTests) {
    expect(['test', 'unit_test']).toContain(graph.get(t)!.resourceType);
    const parentShards = new Set([...effectiveParents(graph, t, selected)].map((p) => shardOf.get(p)));
    expect(parentShards.size).toBeGreaterThan(1);
  }

  const e = r.estimates;
  expect(e.makespanSeconds).toBeGreaterThanOrEqual(
    e.lowerBoundSeconds - 1e-6 * Math.max(1, e.lowerBoundSeconds) - 0.002,
  );
  // no worse than everything one after another, plus each job's start and dbt's own CPU for every node
  const machine = input.machine ?? GITHUB_MACHINE;
  const dbtOwn = expected.length * machine.dbtCpuPerNode + (r.shards.length + 1) * machine.startupCpuSeconds;
  expect(e.makespanSeconds).toBeLessThanOrEqual(
    e.sequentialSeconds + dbtOwn + (2 * input.maxStages + 1) * input.shardOverheadSeconds + 0.002,
  );
}
