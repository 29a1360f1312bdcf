/**
 * `npm run bench -- pg-sleep` (also part of `local`): does `local` keep the plan's promise where
 * the warehouse does the work? A generated project of 60 models in 6 layers on a real PostgreSQL
 * server (test/helpers/postgres.ts), each model `pg_sleep`ing a known heavy-tailed time
 * (Pareto, 0.5–8 s, seeded). `local` gets those times as --timings (plus dbt's measured time per
 * node); its shards' span (first start → last end, from shard.json) is compared with the plan's
 * simulated makespan (target: within 15 %), and the whole pipeline with one plain `dbt build` at
 * the same connection budget; so is a forced sharded run (--threads 3: three shards at once) at
 * that budget, so that a plan of several shards is compared with one build too.
 */
import { writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { DBT_SECONDS_PER_NODE } from '../src/core/partition/index.js';
import type { Plan } from '../src/core/plan/schema.js';
import { parseLocalInputs } from '../src/local/inputs.js';
import { runLocal } from '../src/local/main.js';
import { DBT_BIN, runDbt } from '../test/helpers/dbt.js';
import { benchLocalDeps } from './example-run.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { describeCpu, startCpu, type CpuUsage } from './cpu-usage.js';
import { modelName, writeProject } from './gen-project.js';
import { mulberry32 } from './quality-cases.js';

const MODELS = 60;
const DEPTH = 6;
const BUDGET = 12;
/** threads of the forced sharded run: 3 shards of 3 threads + 1 hold the budget's 12 connections */
const FORCED_THREADS = 3;

/** Pareto (α = 1.1, from 0.5 s) capped at 8 s: most models sleep about a second, a few the whole 8. */
function sleeps(seed: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: MODELS }, () => Number(Math.min(8, 0.5 / Math.pow(1 - rand(), 1 / 1.1)).toFixed(2)));
}

export async function benchPgSleep(tmp: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmp, 'pg-sleep-'));
  const seconds = sleeps(3);
  await writeProject({
    dir,
    models: MODELS,
    depth: DEPTH,
    adapter: 'postgres',
    body: (i) => `select ${i} as id from (select pg_sleep(${seconds[i]})) as s`,
  });
  const timings = path.join(dir, 'timings.json');
  await writeFile(
    timings,
    JSON.stringify({
      metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
      results: seconds.map((s, i) => ({
        unique_id: `model.gen.${modelName(i)}`,
        status: 'success',
        execution_time: s + DBT_SECONDS_PER_NODE,
      })),
    }),
  );
  const pg = await startPostgres();
  try {
    const env = pg.env({ DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DBT_SCHEMA: 'local' });
    const chosen = await runLocalOnce(dir, timings, env, 'chosen');
    // the comparison: a plan of several shards at the same budget, beside the planner's choice
    const forced = await runLocalOnce(dir, timings, env, 'sharded', FORCED_THREADS);

    const threads = BUDGET - 1;
    const t1 = performance.now();
    const buildCpu = startCpu();
    const r = await runDbt(['build', '--project-dir', dir, '--profiles-dir', dir, '--threads', String(threads)], {
      cwd: dir,
      env: pg.env({ DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DBT_SCHEMA: 'plain' }),
    });
    const build = (performance.now() - t1) / 1000;
    const buildUsage = buildCpu();
    if (r.code !== 0) throw new Error(`dbt build failed:\n${r.stdout}`);

    const sum = seconds.reduce((a, b) => a + b, 0);
    console.log(
      `\n## pg-sleep: plan vs actual on PostgreSQL (${MODELS} models, depth ${DEPTH}, pg_sleep 0.5–8 s Pareto: ${sum.toFixed(0)} s of sleep, longest ${Math.max(...seconds)} s; budget ${BUDGET})\n`,
    );
    console.log(
      "| run | plan | simulated makespan s | shards' span s (first start → last end) | span vs plan (target within 15 %) | whole pipeline s | ÷ one dbt build |",
    );
    console.log('|---|---|---:|---:|---:|---:|---:|');
    for (const [name, x] of [
      ["planner's choice", chosen],
      [`forced: --threads ${FORCED_THREADS}`, forced],
    ] as const) {
      const p = x.plan;
      console.log(
        `| local, ${name} | ${p.shards.length} shard(s) in ${p.stages} stage(s) × ${p.threads} threads, ${p.maxParallel} at once (${p.estimates.shardOverheadSeconds} s per shard) | ${p.estimates.makespanSeconds.toFixed(1)} | ${x.span.toFixed(1)} | ${((x.span / p.estimates.makespanSeconds - 1) * 100).toFixed(0)} % | ${x.wall.toFixed(1)} | ${(x.wall / build).toFixed(2)} |`,
      );
    }
    console.log(`| one plain \`dbt build --threads ${threads}\` (same budget) | | | | | ${build.toFixed(1)} | 1.00 |`);
    console.log(`\nlocal, planner's choice: ${describeCpu(chosen.usage, chosen.wall)}`);
    console.log(`local, forced sharding: ${describeCpu(forced.usage, forced.wall)}`);
    console.log(`build: ${describeCpu(buildUsage, build)}`);
    if (chosen.plan.shards.length === 1) console.log(`\nplan summary: ${chosen.plan.estimates.assumption}`);
    console.log(
      '\nA sharded run pays what one build pays once in every shard: a dbt start-up (CPU, on the same two cores) and a partial parse; ' +
        'its shards also end unevenly. Both are in its simulated makespan; a gap between span and plan is what the model misses.',
    );
  } finally {
    await pg.stop();
  }
}

interface LocalRun {
  plan: Plan;
  /** shards' span: first shard start → last shard end (shard.json) */
  span: number;
  /** the whole pipeline: plan, shards, merge */
  wall: number;
  usage: CpuUsage;
}

async function runLocalOnce(
  dir: string,
  timings: string,
  env: NodeJS.ProcessEnv,
  out: string,
  threads?: number,
): Promise<LocalRun> {
  const inputs = parseLocalInputs({
    'project-dir': dir,
    'profiles-dir': dir,
    'dbt-command': DBT_BIN,
    out: path.join(dir, out),
    'connection-budget': String(BUDGET),
    timings: [timings],
    ...(threads !== undefined ? { threads: String(threads) } : {}),
  });
  const t0 = performance.now();
  const cpu = startCpu();
  const outcome = await runLocal(inputs, benchLocalDeps(env));
  const wall = (performance.now() - t0) / 1000;
  const usage = cpu();
  if (outcome.exitCode !== 0) throw new Error(`local failed: see ${outcome.summaryFile}`);
  const starts = outcome.shards.map((o) => Date.parse(o.artifact.startedAt));
  const ends = outcome.shards.map((o) => Date.parse(o.artifact.endedAt));
  return { plan: outcome.plan, span: (Math.max(...ends) - Math.min(...starts)) / 1000, wall, usage };
}
