/**
 * One measurement in a fresh process, so peak memory (maxRSS) belongs to that measurement alone.
 * argv: <mode: json-parse | plan> <manifest> [timings.json] [budget]
 * prints one JSON line: { ms, maxRssMB, nodes, shards, stages, makespan, lowerBound }
 */
import { readFileSync } from 'node:fs';
import { DbtGraph } from '../src/core/graph/graph.js';
import { costsFromRunResults, partition, RunResultsSchema } from '../src/core/partition/index.js';
import { selectNodes } from '../src/core/select/index.js';
import { readManifest } from '../src/io/manifest-reader.js';

const [mode, file, timingsFile, budgetText] = process.argv.slice(2);
const t0 = performance.now();
let extra: Record<string, number> = {};
if (mode === 'json-parse') {
  const j = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: object };
  extra = { nodes: Object.keys(j.nodes).length };
} else {
  const manifest = await readManifest(file!);
  const graph = DbtGraph.fromManifest(manifest);
  const selected = selectNodes(graph, { select: [], exclude: [] });
  const timings = timingsFile ? [{ file: timingsFile, data: RunResultsSchema.parse(JSON.parse(readFileSync(timingsFile, 'utf8'))) }] : [];
  const costs = costsFromRunResults(timings, graph);
  const p = partition({
    graph, selected, costs, connectionBudget: Number(budgetText ?? 40), maxShards: 256, maxStages: 3, shardOverheadSeconds: 30,
  });
  extra = {
    nodes: selected.size, shards: p.shards.length, stages: p.stages, threads: p.threads, maxParallel: p.maxParallel,
    makespan: p.estimates.makespanSeconds, lowerBound: p.estimates.lowerBoundSeconds, sequential: p.estimates.sequentialSeconds,
  };
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
