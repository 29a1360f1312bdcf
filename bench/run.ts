/**
 * The runner's own overhead: `dbt-matrix run` of a one-shard plan holding every node versus
 * direct `dbt build`s of the same nodes with the same threads, alternating, each on a fresh DuckDB
 * file (so all build everything from scratch). Two baselines: the whole project (no selection) and
 * the shard's own selection (`--select result:success --state` over the shard's selection folder,
 * the same selection dbt must evaluate): the difference between them is what selecting exactly a
 * shard's nodes costs dbt; the runner's own overhead is against the second. Target: ≤ 3 %.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { copyExampleProject, DBT_BIN, REPO_ROOT, removeDir, runDbt } from '../test/helpers/dbt.js';

const ROUNDS = 5;
const THREADS = '4';
const VARS = JSON.stringify({
  start_dttm: '2024-01-01T00:00:00+00:00',
  end_dttm: '2024-02-01T00:00:00+00:00',
  overlap: false,
});
const CLI = path.join(REPO_ROOT, 'bin', 'dbt-matrix.js');

export async function benchRun(tmp: string): Promise<void> {
  const project = await copyExampleProject();
  const env = {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_DUCKDB_PATH: path.join(tmp, 'plan.duckdb'),
  };
  try {
    const planDir = path.join(tmp, 'run-plan');
    await cli(
      [
        'plan',
        '--project-dir',
        project,
        '--profiles-dir',
        project,
        '--dbt-command',
        DBT_BIN,
        '--connection-budget',
        '5',
        '--threads',
        THREADS,
        '--max-shards',
        '1',
        '--max-stages',
        '1',
        '--out',
        planDir,
      ],
      env,
    );
    const direct: number[] = [];
    const selector: number[] = [];
    const runner: number[] = [];
    const build = async (label: string, projectDir: string, extra: string[]): Promise<void> => {
      const r = await runDbt(
        [
          'build',
          '--project-dir',
          projectDir,
          '--profiles-dir',
          project,
          '--threads',
          THREADS,
          '--target-path',
          path.join(tmp, label),
          '--vars',
          VARS,
          ...extra,
        ],
        { cwd: project, env: { ...env, DBT_DUCKDB_PATH: path.join(tmp, `${label}.duckdb`) } },
      );
      if (r.code !== 0) throw new Error(`dbt build (${label}) failed:\n${r.stdout.slice(-2000)}`);
    };
    for (let i = 0; i < ROUNDS; i++) {
      const out = path.join(tmp, `runner-${i}`);
      runner.push(
        await timed(() =>
          cli(
            [
              'run',
              '--plan',
              path.join(planDir, 'plan.json'),
              '--shard',
              '0',
              '--project-dir',
              project,
              '--profiles-dir',
              project,
              '--dbt-command',
              DBT_BIN,
              '--start',
              '2024-01-01',
              '--end',
              '2024-02-01',
              '--out',
              out,
            ],
            { ...env, DBT_DUCKDB_PATH: path.join(tmp, `runner-${i}.duckdb`) },
          ),
        ),
      );
      direct.push(await timed(() => build(`direct-${i}`, project, [])));
      // the runner's selection folder lists the shard's nodes in a run_results.json
      const selection = path.join(out, '.work', (await readdir(path.join(out, '.work')))[0]!, 'select-state');
      selector.push(
        await timed(() =>
          build(`selector-${i}`, project, [
            '--select',
            'result:success',
            '--state',
            selection,
            '--indirect-selection',
            'empty',
          ]),
        ),
      );
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const d = median(direct);
    const sel = median(selector);
    const r = median(runner);
    const all = (xs: number[]): string => xs.map((x) => x.toFixed(1)).join(', ');
    const pct = (a: number, b: number): string => `${(((a - b) / b) * 100).toFixed(1)} %`;
    console.log(
      `\n## run: runner overhead vs direct dbt builds of the same ${'nodes'} (examples/shop, DuckDB, ${THREADS} threads, median of ${ROUNDS}, alternating)\n`,
    );
    console.log(
      "| dbt build (whole project) | dbt build of the shard's selection | dbt-matrix run | runner vs the selection | runner vs whole project |",
    );
    console.log('|---:|---:|---:|---:|---:|');
    console.log(
      `| ${d.toFixed(2)} s (${all(direct)}) | ${sel.toFixed(2)} s (${all(selector)}) | ${r.toFixed(2)} s (${all(runner)}) | ${pct(r, sel)} | ${pct(r, d)} |`,
    );
  } finally {
    await removeDir(project);
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  await promisify(execFile)(process.execPath, [CLI, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
}
