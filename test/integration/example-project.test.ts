/**
 * The example project (examples/shop) builds with real dbt on DuckDB and on a real PostgreSQL
 * server, its incremental models build exactly the rows of the [start_dttm, end_dttm) interval,
 * and the fail switch makes exactly one test fail. Expected counts come from the seed CSVs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { copyExampleProject, EXAMPLE_PROJECT, queryDuckDb, removeDir, runDbt, type DbtResult } from '../helpers/dbt.js';
import { startPostgres, type PgServer } from '../helpers/postgres.js';

const RunResults = z.object({
  results: z.array(z.object({ unique_id: z.string(), status: z.string() })),
});
type Statuses = Map<string, string>;

const PASSING = new Set(['success', 'pass', 'no-op']);
const FAIL_SWITCH_TEST = 'test.shop.assert_fail_when_requested';
const UNIT_TEST = 'unit_test.shop.mkt_customer_segments.mkt_customer_segments_assigns_lifecycle_stages';

const JANUARY = { start_dttm: '2024-01-01T00:00:00+00:00', end_dttm: '2024-02-01T00:00:00+00:00' };
const THREE_DAYS = { start_dttm: '2024-01-10T00:00:00+00:00', end_dttm: '2024-01-13T00:00:00+00:00' };
type Interval = typeof JANUARY;

async function readStatuses(projectDir: string): Promise<Statuses> {
  const raw: unknown = JSON.parse(await readFile(path.join(projectDir, 'target', 'run_results.json'), 'utf8'));
  return new Map(RunResults.parse(raw).results.map((r) => [r.unique_id, r.status]));
}

const notPassing = (statuses: Statuses): [string, string][] => [...statuses].filter(([, s]) => !PASSING.has(s));

/** Rows of a seed whose timestamp column lies in the half-open interval, counted from the CSV. */
async function seedRowsInInterval(seed: string, column: string, interval: Interval): Promise<number> {
  const csv = await readFile(path.join(EXAMPLE_PROJECT, 'seeds', `${seed}.csv`), 'utf8');
  const [header, ...lines] = csv.trim().split('\n');
  const index = header?.split(',').indexOf(column) ?? -1;
  expect(index, `${seed}.csv has a ${column} column`).toBeGreaterThanOrEqual(0);
  const start = Date.parse(interval.start_dttm);
  const end = Date.parse(interval.end_dttm);
  return lines.filter((line) => {
    const at = Date.parse(line.split(',')[index] ?? '');
    return at >= start && at < end;
  }).length;
}

const output = (r: DbtResult): string => `${r.stdout}\n${r.stderr}`.slice(-6000);

const dbtArgs = (command: string[], projectDir: string, vars?: object): string[] => [
  ...command,
  ...['--project-dir', projectDir, '--profiles-dir', projectDir],
  ...(vars ? ['--vars', JSON.stringify(vars)] : []),
];

const duckdbFile = (projectDir: string): string => path.join(projectDir, 'target', 'shop.duckdb');

/** dbt on DuckDB in a copied project, with its own database file whatever the caller's env says. */
const duck = (projectDir: string, command: string[], vars?: object): Promise<DbtResult> =>
  runDbt(dbtArgs(command, projectDir, vars), {
    cwd: projectDir,
    env: { ...process.env, DBT_DUCKDB_PATH: duckdbFile(projectDir) },
  });

async function countDuckDbRows(projectDir: string, table: string): Promise<number> {
  const rows = await queryDuckDb(duckdbFile(projectDir), `select count(*) as n from main.${table}`);
  return Number(rows[0]?.['n']);
}

describe('example project on DuckDB', () => {
  const dirs: string[] = [];
  const freshCopy = async (): Promise<string> => {
    const dir = await copyExampleProject();
    dirs.push(dir);
    return dir;
  };
  // One default build shared by the tests that only need "a built project" (dbt is slow to start).
  let built: string;
  let defaultBuild: DbtResult;
  beforeAll(async () => {
    built = await freshCopy();
    defaultBuild = await duck(built, ['build']);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(dirs.map(removeDir));
  });

  it('dbt build passes with the default vars (January 2024)', async () => {
    expect(defaultBuild.code, output(defaultBuild)).toBe(0);
    const statuses = await readStatuses(built);
    expect(notPassing(statuses)).toEqual([]);
    expect(statuses.get('model.shop.fct_orders')).toBe('success');
    expect(statuses.get('snapshot.shop.snap_products')).toBe('success');
    expect(statuses.get(UNIT_TEST)).toBe('pass');
    expect(statuses.get(FAIL_SWITCH_TEST)).toBe('pass');
    // ephemeral models are compiled into their children, never run
    expect(statuses.has('model.shop.int_order_lines')).toBe(false);
    expect(await countDuckDbRows(built, 'fct_orders')).toBe(await seedRowsInInterval('orders', 'ordered_at', JANUARY));
  });

  it('re-running a sub-interval incrementally replaces its rows, never duplicates them', async () => {
    const rerun = await duck(built, ['run', '--select', 'fct_orders', 'fct_events'], THREE_DAYS);
    expect(rerun.code, output(rerun)).toBe(0);
    expect(await countDuckDbRows(built, 'fct_orders')).toBe(await seedRowsInInterval('orders', 'ordered_at', JANUARY));
    expect(await countDuckDbRows(built, 'fct_events')).toBe(await seedRowsInInterval('events', 'occurred_at', JANUARY));
  }, 180_000);

  it('the array var works in sql form; the compat form is read as an identifier', async () => {
    const run = (countries: string) => duck(built, ['run', '--select', 'sales_by_country'], { countries });
    const sqlForm = await run("('FR','JP')");
    expect(sqlForm.code, output(sqlForm)).toBe(0);
    const rows = await queryDuckDb(duckdbFile(built), 'select country_code from main.sales_by_country order by 1');
    expect(rows.map((r) => r['country_code'])).toEqual(['FR', 'JP']);
    const compat = await run('("FR","JP")');
    expect(compat.code).not.toBe(0);
    expect(output(compat)).toMatch(/"FR"/);
  }, 180_000);

  it('a fresh build of an interval holds exactly the rows of that interval', async () => {
    const dir = await freshCopy();
    const build = await duck(dir, ['build'], THREE_DAYS);
    expect(build.code, output(build)).toBe(0);
    const expectedOrders = await seedRowsInInterval('orders', 'ordered_at', THREE_DAYS);
    expect(expectedOrders).toBeGreaterThan(0);
    expect(await countDuckDbRows(dir, 'fct_orders')).toBe(expectedOrders);
    expect(await countDuckDbRows(dir, 'fct_events')).toBe(
      await seedRowsInInterval('events', 'occurred_at', THREE_DAYS),
    );
    expect(await countDuckDbRows(dir, 'fct_payments')).toBe(
      await seedRowsInInterval('payments', 'paid_at', THREE_DAYS),
    );
  }, 240_000);

  it('with fail_test exactly the fail-switch test fails', async () => {
    const dir = await freshCopy();
    const build = await duck(dir, ['build'], { fail_test: true });
    expect(build.code, output(build)).not.toBe(0);
    expect(notPassing(await readStatuses(dir))).toEqual([[FAIL_SWITCH_TEST, 'fail']]);
  }, 240_000);
});

describe('example project on PostgreSQL', () => {
  let pg: PgServer;
  let dir: string;
  const threads = 4;
  const role = { name: 'shop_runner', password: "runner's secret" };
  beforeAll(async () => {
    pg = await startPostgres();
    dir = await copyExampleProject();
    // a budgeted role: dbt must never hold more than threads + 1 connections
    await pg.createRole(role.name, { password: role.password, connectionLimit: threads + 1 });
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
    if (dir) await removeDir(dir);
  });

  const pgDbt = (command: string[], vars: object): Promise<DbtResult> =>
    runDbt(dbtArgs([...command, '--target', 'postgres'], dir, vars), {
      cwd: dir,
      env: pg.env({
        PGUSER: role.name,
        DBT_PG_PASSWORD: role.password,
        DBT_SCHEMA: 'shop_ci',
        DBT_THREADS: String(threads),
      }),
    });

  it('dbt build passes against a real server within the role connection limit', async () => {
    const build = await pgDbt(['build'], { ...JANUARY, sleep_seconds: 0.2 });
    expect(build.code, output(build)).toBe(0);
    const statuses = await readStatuses(dir);
    expect(notPassing(statuses)).toEqual([]);
    expect(statuses.get('model.shop.sleeper')).toBe('success');

    const count = await pg.psql('select count(*) from shop_ci.fct_orders');
    expect(Number(count)).toBe(await seedRowsInInterval('orders', 'ordered_at', JANUARY));
    // the sleeper really called pg_sleep on PostgreSQL
    expect(await pg.psql('select slept from shop_ci.sleeper')).toBe('t');
    // the tables belong to the budgeted role, not the superuser
    const owner = "select tableowner from pg_tables where schemaname = 'shop_ci' and tablename = 'fct_orders'";
    expect(await pg.psql(owner)).toBe(role.name);
  }, 300_000);

  it('the array var works in sql form on PostgreSQL; the compat form is an identifier there', async () => {
    const run = (countries: string) => pgDbt(['run', '--select', 'sales_by_country'], { ...JANUARY, countries });
    const sqlForm = await run("('FR','JP')");
    expect(sqlForm.code, output(sqlForm)).toBe(0);
    const codes = "select string_agg(country_code, ',' order by country_code) from shop_ci.sales_by_country";
    expect(await pg.psql(codes)).toBe('FR,JP');
    const compat = await run('("FR","JP")');
    expect(compat.code).not.toBe(0);
    expect(output(compat)).toMatch(/column "FR" does not exist/);
  }, 180_000);
});
