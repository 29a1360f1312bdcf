import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectPlanInvariants } from '../helpers/plan-invariants.js';
import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { partition, type PartitionInput } from '../../src/core/partition/partition.js';

const TYPES = [
  'model',
  'model',
  'model',
  'ephemeral',
  'seed',
  'snapshot',
  'test',
  'test',
  'test',
  'unit_test',
  'source',
] as const;

function node(i: number, kind: (typeof TYPES)[number], deps: number[]): ManifestNode {
  const resourceType = kind === 'ephemeral' ? 'model' : kind;
  return {
    uniqueId: `${resourceType}.p.n${String(i).padStart(3, '0')}`,
    resourceType,
    name: `n${i}`,
    packageName: 'p',
    fqn: [],
    path: '',
    originalFilePath: '',
    tags: [],
    config: kind === 'ephemeral' ? { materialized: 'ephemeral' } : {},
    dependsOn: deps.map(String),
    checksum: null,
    testMetadata: null,
    sourceName: null,
    relationName: null,
  };
}

/** A random DAG: node i depends only on earlier nodes; tests are never parents, seeds and sources have none. */
const scenario = fc
  .record({
    kinds: fc.array(fc.constantFrom(...TYPES), { minLength: 0, maxLength: 45, size: 'max' }),
    edgeSeeds: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 45, maxLength: 45 }),
    costs: fc.array(
      fc.nat(1000).map((x) => x / 10),
      { minLength: 45, maxLength: 45 },
    ),
    selectedMask: fc.array(fc.boolean(), { minLength: 45, maxLength: 45 }),
    selectAll: fc.boolean(), // or a random subset: ephemeral-like pass-through of unselected nodes
    budget: fc.integer({ min: 2, max: 40 }),
    // few threads per shard, so that plans have many shards and tests can span them
    threads: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 4 }),
    maxThreads: fc.integer({ min: 1, max: 4 }),
    maxStages: fc.integer({ min: 1, max: 4 }),
    maxShards: fc.integer({ min: 1, max: 12 }),
    overhead: fc.constantFrom(0, 1, 30),
    // a runner per shard (GitHub, the default), or shards sharing two cores (local)
    machine: fc.constantFrom(undefined, { dbtCpuPerNode: 0.5, startupCpuSeconds: 2, sharedCores: 2 }),
  })
  .map((s) => {
    const ids: string[] = [];
    const nodes = s.kinds.map((kind, i) => {
      // seeds and sources have no parents; others pick among earlier non-test nodes
      const candidates = ids.filter((id) => !id.startsWith('test.') && !id.startsWith('unit_test.'));
      // many roots and few edges per model: several components, so tests can span shards
      const seeds = s.edgeSeeds[i]!;
      const isRoot =
        kind === 'seed' ||
        kind === 'source' ||
        candidates.length === 0 ||
        (kind !== 'test' && (seeds[0] ?? 0) % 3 === 0);
      const deps = isRoot
        ? []
        : [...new Set(seeds.slice(0, kind === 'test' ? 3 : 1).map((k) => candidates[k % candidates.length]!))];
      const n = node(i, kind, []);
      n.dependsOn = deps;
      ids.push(n.uniqueId);
      return n;
    });
    const graph = new DbtGraph(nodes);
    const selected = new Set(ids.filter((_, i) => s.selectAll || s.selectedMask[i]));
    const seconds = new Map(ids.map((id, i) => [id, s.costs[i]!]));
    const threads = s.threads !== undefined && s.threads + 1 <= s.budget ? s.threads : undefined;
    const input: PartitionInput = {
      graph,
      selected,
      costs: { seconds, withHistory: 0, estimated: 0, assumption: '', warnings: [] },
      connectionBudget: s.budget,
      threads,
      maxThreads: s.maxThreads,
      maxShards: s.maxShards,
      maxStages: s.maxStages,
      shardOverheadSeconds: s.overhead,
      ...(s.machine ? { machine: s.machine } : {}),
    };
    return { input, nodes };
  });

describe('partition (property)', () => {
  it('keeps every plan invariant on random DAGs, budgets and selections', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        expectPlanInvariants(input, partition(input));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same plan for the same input, whatever the node order', () => {
    fc.assert(
      fc.property(scenario, ({ input, nodes }) => {
        const reordered = {
          ...input,
          graph: new DbtGraph([...nodes].reverse()),
          selected: new Set([...input.selected].reverse()),
        };
        expect(partition(reordered)).toEqual(partition(input));
      }),
      { numRuns: 100 },
    );
  });
});
