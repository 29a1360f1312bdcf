/**
 * `dbt-matrix local` on the example project (DuckDB): wall time of the whole pipeline versus the
 * sum of the shards' own durations (shard.json startedAt → endedAt: what the shards cost one
 * after another) versus one plain sequential `dbt build` with the same total threads.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseLocalInputs } from '../src/local/inputs.js';
import { runLocal } from '../src/local/main.js';
import { copyExampleProject, DBT_BIN, removeDir } from '../test/helpers/dbt.js';
import { benchLocalDeps, EXAMPLE_INTERVAL, exampleEnv, plainExampleBuild } from './example-run.js';

const CONFIGS: Array<{ name: string; raw: Record<string, string> }> = [
  {
    name: 'budget 6, 2 threads, ≤3 stages',
    raw: { 'connection-budget': '6', threads: '2', 'max-stages': '3', 'shard-overhead-seconds': '0' },
  },
  {
    name: 'budget 9, 2 threads, ≤3 stages',
    raw: { 'connection-budget': '9', threads: '2', 'max-stages': '3', 'shard-overhead-seconds': '0' },
  },
  { name: 'budget 3, 2 threads (one shard)', raw: { 'connection-budget': '3', threads: '2', 'max-stages': '1' } },
];

const s = (seconds: number): string => `${seconds.toFixed(1)} s`;

export async function benchLocal(tmp: string): Promise<void> {
  console.log('\n## local: wall time vs the sum of shard times vs a sequential dbt build (examples/shop, DuckDB)');
  console.log(
    'sum of shards = each shard.json startedAt → endedAt added up; sequential = one `dbt build` with threads × max-parallel threads\n',
  );
  console.log(
    '| config | shards / stages / at once | local wall | sum of shards | sequential dbt build | sum ÷ wall | sequential ÷ wall |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const config of CONFIGS) {
    const project = await copyExampleProject();
    try {
      const inputs = parseLocalInputs({
        'project-dir': project,
        'profiles-dir': project,
        'dbt-command': DBT_BIN,
        out: path.join(tmp, 'local', config.name.replace(/\W+/g, '-')),
        ...EXAMPLE_INTERVAL,
        ...config.raw,
      });
      const e = exampleEnv(project);
      const t0 = performance.now();
      const outcome = await runLocal(inputs, benchLocalDeps(e));
      const wall = (performance.now() - t0) / 1000;
      if (outcome.exitCode !== 0) throw new Error(`local failed in ${config.name}: see ${outcome.summaryFile}`);
      const sum = outcome.shards.reduce(
        (acc, o) => acc + (Date.parse(o.artifact.endedAt) - Date.parse(o.artifact.startedAt)) / 1000,
        0,
      );

      const seqDb = path.join(project, 'seq', 'shop.duckdb');
      await mkdir(path.dirname(seqDb), { recursive: true });
      const threads = outcome.plan.threads * outcome.plan.maxParallel;
      const t1 = performance.now();
      const seq = await plainExampleBuild({
        project,
        threads,
        vars: outcome.shards[0]!.artifact.vars,
        db: seqDb,
        env: e,
      });
      const seqWall = (performance.now() - t1) / 1000;
      if (seq.code !== 0) throw new Error(`sequential dbt build failed:\n${seq.stdout}`);
      const p = outcome.plan;
      console.log(
        `| ${config.name} | ${p.shards.length}${p.finalTests.length > 0 ? ' + final' : ''} / ${p.stages} / ${p.maxParallel} | ${s(wall)} | ${s(sum)} | ${s(seqWall)} (${threads} threads) | ${(sum / wall).toFixed(2)}× | ${(seqWall / wall).toFixed(2)}× |`,
      );
    } finally {
      await removeDir(project);
    }
  }
}
