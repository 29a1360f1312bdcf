/**
 * Row 4 of `npm run bench -- startup`: `dbt-matrix local` against a plain `dbt build` when the plan
 * is one shard, on PostgreSQL, in alternating pairs on fresh copies of the generated project.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseProject } from '../src/io/dbt-parse.js';
import { parseLocalInputs } from '../src/local/inputs.js';
import { runLocal } from '../src/local/main.js';
import { Progress } from '../src/local/progress.js';
import { memoryLogger } from '../src/shared/log.js';
import { startPostgres, type PgServer } from '../test/helpers/postgres.js';
import { one, run, trigger, type TimedDbt, type Timing } from './startup-timing.js';

/** the one-shard local comparison builds these folders (200 models, 600 nodes); the parse is the whole project's */
const LOCAL_SELECT = ['path:models/f00', 'path:models/f01', 'path:models/f02', 'path:models/f03'];
/** LOCAL_REPEATS alternating pairs (local, then plain build); the median ratio is the figure. */
const LOCAL_REPEATS = Number(process.env['BENCH_STARTUP_REPEATS'] ?? 3);

/**
 * `dbt-matrix local` against one plain `dbt build` of the same selection, threads and vars, each
 * on a fresh copy (no saved parse) and its own PostgreSQL schema, alternating. Where local's time
 * goes: its dbt parse, its shard's dbt, and the rest (ours: planning, files, the merge).
 */
export async function localVsBuild(root: string, source: string, dbt: TimedDbt): Promise<string[]> {
  const pg = await startPostgres();
  try {
    const pairs: Array<{
      local: Timing;
      parse: Timing;
      shard: Timing;
      ours: number;
      build: Timing;
      reparsed: number;
      nodes: number;
    }> = [];
    for (let i = 0; i < LOCAL_REPEATS; i++) pairs.push(await localAndBuild(root, source, dbt, pg, i));
    const ratios = pairs.map((p) => ({ cpu: p.local.cpu / p.build.cpu, wall: p.local.wall / p.build.wall }));
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const m = (f: (p: (typeof pairs)[number]) => number): string => median(pairs.map(f)).toFixed(1);
    return [
      `\`dbt-matrix local\` (one shard of ${pairs[0]!.nodes} nodes) vs a plain \`dbt build\`, PostgreSQL, median of ${pairs.length} alternating pairs`,
      `local ${m((p) => p.local.cpu)} s dbt CPU, ${m((p) => p.local.wall)} s wall (its parse ${m((p) => p.parse.cpu)} s CPU, its shard's dbt ${m((p) => p.shard.cpu)} s CPU, ours ${m((p) => p.ours)} s wall) vs build ${m((p) => p.build.cpu)} s CPU, ${m((p) => p.build.wall)} s wall`,
      `≤ 1.05×: **${median(ratios.map((r) => r.cpu)).toFixed(2)}×** CPU, ${median(ratios.map((r) => r.wall)).toFixed(2)}× wall (pairs: ${ratios.map((r) => `${r.cpu.toFixed(2)}/${r.wall.toFixed(2)}`).join(', ')} CPU/wall); shards that parsed again: ${pairs.reduce((a, p) => a + p.reparsed, 0)}`,
    ];
  } finally {
    await pg.stop();
  }
}

const PG_PROFILE = [
  'startup_bench:',
  '  target: postgres',
  '  outputs:',
  '    postgres:',
  '      type: postgres',
  '      host: "{{ env_var(\'PGHOST\') }}"',
  '      port: "{{ env_var(\'PGPORT\') | as_number }}"',
  '      user: "{{ env_var(\'PGUSER\') }}"',
  '      password: "{{ env_var(\'DBT_PG_PASSWORD\') }}"',
  '      dbname: "{{ env_var(\'PGDATABASE\') }}"',
  '      schema: "{{ env_var(\'DBT_SCHEMA\') }}"',
  '      threads: 4',
  '',
].join('\n');

async function localAndBuild(root: string, source: string, dbt: TimedDbt, pg: PgServer, i: number) {
  const fresh = async (name: string): Promise<string> => {
    const dir = path.join(root, `${name}-${i}`);
    await cp(source, dir, { recursive: true });
    await writeFile(path.join(dir, 'profiles.yml'), PG_PROFILE);
    // tables, not 50-deep stacks of views: on PostgreSQL a test on such a view runs for minutes, and
    // the comparison is about dbt's and our own costs, not the warehouse's
    const project = path.join(dir, 'dbt_project.yml');
    await writeFile(project, (await readFile(project, 'utf8')).replace('+materialized: view', '+materialized: table'));
    return dir;
  };
  const localProject = await fresh('local-project');
  const buildProject = await fresh('build-project');
  const localEnv = pg.env({ DBT_SCHEMA: `local_run_${i}`, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' });
  const t0 = performance.now();
  const outcome = await runLocal(
    parseLocalInputs({
      'project-dir': localProject,
      'profiles-dir': localProject,
      'dbt-command': dbt.command,
      out: path.join(root, `local-${i}`),
      'connection-budget': '5',
      threads: '4',
      'max-shards': '1',
      'max-stages': '1',
      select: LOCAL_SELECT,
      start: '2024-01-01',
      end: '2024-01-02',
    }),
    {
      env: localEnv,
      trigger,
      now: () => new Date(),
      log: memoryLogger(),
      progress: new Progress({ write: () => true }),
      parseProject: (req, e) => parseProject(req, e),
    },
  );
  const localWall = (performance.now() - t0) / 1000;
  if (outcome.exitCode !== 0 || outcome.plan.shards.length !== 1) {
    const logs = await Promise.all(
      outcome.shards.map(async (o) =>
        (await readFile(path.join(o.shardDir, 'dbt.log'), 'utf8')).split('\n').slice(-30).join('\n'),
      ),
    );
    throw new Error(
      `local: exit ${outcome.exitCode}, ${outcome.plan.shards.length} shard(s):\n${logs.join('\n---\n')}`,
    );
  }
  const localDbt = await dbt.take();
  if (localDbt.length !== 2)
    throw new Error(`local: expected its parse and one shard's dbt, got ${localDbt.length} dbt invocations`);
  const [parse, shard] = localDbt as [Timing, Timing];

  const t1 = performance.now();
  await run(
    dbt.command,
    [
      'build',
      '--project-dir',
      buildProject,
      '--profiles-dir',
      buildProject,
      '--threads',
      '4',
      '--select',
      ...LOCAL_SELECT,
      '--vars',
      JSON.stringify(outcome.shards[0]!.artifact.vars),
    ],
    pg.env({ DBT_SCHEMA: `plain_build_${i}`, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' }),
  );
  const buildWall = (performance.now() - t1) / 1000;
  const build = one(await dbt.take(), 'plain build');
  await Promise.all([
    rm(localProject, { recursive: true, force: true }),
    rm(buildProject, { recursive: true, force: true }),
  ]);
  return {
    local: { args: [], cpu: parse.cpu + shard.cpu, wall: localWall },
    parse,
    shard,
    ours: localWall - parse.wall - shard.wall,
    build: { ...build, wall: buildWall },
    reparsed: outcome.shards.filter((o) => o.artifact.reparsed).length,
    nodes: outcome.plan.shards[0]!.nodes.length,
  };
}
