import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DbtGraph } from '../../src/core/graph/graph.js';
import {
  costsFromRunResults,
  partition,
  RunResultsSchema,
  type PartitionInput,
} from '../../src/core/partition/index.js';
import { selectNodes } from '../../src/core/select/index.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { expectPlanInvariants } from '../helpers/plan-invariants.js';

const REAL = path.resolve(__dirname, '../fixtures/real-manifests');
const manifests = readdirSync(REAL)
  .filter((f) => f.endsWith('manifest.json'))
  .sort();
const BUDGETS: Array<Pick<PartitionInput, 'connectionBudget' | 'threads' | 'maxStages' | 'shardOverheadSeconds'>> = [
  { connectionBudget: 2, threads: 1, maxStages: 1, shardOverheadSeconds: 0 },
  { connectionBudget: 12, maxStages: 3, shardOverheadSeconds: 30 },
  { connectionBudget: 64, threads: 2, maxStages: 3, shardOverheadSeconds: 0 },
];

describe.each(manifests)('planning the real manifest %s', (name) => {
  it.each(BUDGETS)('keeps every plan invariant at %o, the same plan twice', async (limits) => {
    const file = path.join(REAL, name);
    const graph = DbtGraph.fromManifest(await readManifest(file));
    const timingsFile = file.replace(/manifest\.json$/, 'run_results.json');
    const timings = existsSync(timingsFile)
      ? [{ file: timingsFile, data: RunResultsSchema.parse(JSON.parse(readFileSync(timingsFile, 'utf8'))) }]
      : [];
    const input: PartitionInput = {
      graph,
      selected: selectNodes(graph, { select: [], exclude: [] }),
      costs: costsFromRunResults(timings, graph),
      maxShards: 256,
      ...limits,
    };
    const plan = partition(input);
    expect(plan.shards.length).toBeGreaterThan(0);
    expectPlanInvariants(input, plan);
    expect(partition(input)).toEqual(plan);
  });
});
