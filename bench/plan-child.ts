/**
 * One measurement in a fresh process, so peak memory (maxRSS) belongs to that measurement alone.
 * Runs as an ncc bundle (bench/bundle.ts) with the manifest worker beside it, as dist/ does, so
 * the plan is timed as users run it.
 * argv: <mode: json-parse | plan> <manifest> [timings.json] [budget]
 * prints one JSON line: { ms, maxRssMB, nodes, shards, stages, makespan, lowerBound }
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePlanInputs } from '../src/plan/inputs.js';
import { runPlan } from '../src/plan/main.js';
import { memoryLogger } from '../src/shared/log.js';

const [mode, file, timingsFile, budgetText] = process.argv.slice(2);
let extra: Record<string, number>;
let ms: number;
if (mode === 'json-parse') {
  const t0 = performance.now();
  const j = JSON.parse(readFileSync(file!, 'utf8')) as { nodes: object };
  ms = performance.now() - t0;
  extra = { nodes: Object.keys(j.nodes).length };
} else {
  const out = mkdtempSync(path.join(tmpdir(), 'bench-plan-'));
  const t0 = performance.now();
  // the whole `dbt-matrix plan`: read, select, price, partition, write plan.json and the manifest copy
  const inputs = parsePlanInputs({
    manifest: file!,
    'connection-budget': budgetText ?? '40',
    'shard-overhead-seconds': '30',
    timings: timingsFile ? [timingsFile] : [],
    out,
  });
  const { plan } = await runPlan(inputs, {
    log: memoryLogger(),
    now: () => new Date(),
    parseProject: () => Promise.reject(new Error('--manifest is given')),
  });
  ms = performance.now() - t0;
  rmSync(out, { recursive: true, force: true });
  extra = {
    nodes: plan.shards.reduce((n, s) => n + s.nodes.length, plan.finalTests.length),
    shards: plan.shards.length,
    stages: plan.stages,
    threads: plan.threads,
    maxParallel: plan.maxParallel,
    makespan: plan.estimates.makespanSeconds,
    lowerBound: plan.estimates.lowerBoundSeconds,
  };
}
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra })}\n`);
