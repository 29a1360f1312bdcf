/**
 * The runner with real dbt on a copy of examples/shop (DuckDB): interval rows, array vars,
 * schedule intervals, chunk order, failures + retries, exact selection, redaction.
 * One project copy and one `dbt parse` serve every test; each test has its own DuckDB file and
 * out folder, and seeds are part of each shard (a shard is closed over its upstream).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { microbatchModels, type TriggerContext } from '../../src/core/interval/index.js';
import { isEphemeral, isEnabled, EXECUTABLE_TYPES, type Manifest } from '../../src/core/manifest/types.js';
import { ShardArtifactSchema } from '../../src/core/report/shard-artifact.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { RunResultsSchema } from '../../src/io/run-results.js';
import { parseRunInputs, type RunInputs } from '../../src/run/inputs.js';
import { runShard, type RunOutcome } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN, dbtShow, queryDuckDb, removeDir, runDbt } from '../helpers/dbt.js';

let project: string;
let manifest: Manifest;
let testNo = 0;

beforeAll(async () => {
  project = await copyExampleProject();
  const parsed = await runDbt(['parse', '--project-dir', project, '--profiles-dir', project], {
    cwd: project,
    env: envFor('parse'),
  });
  expect(parsed.code, parsed.stdout).toBe(0);
  manifest = await readManifest(path.join(project, 'target', 'manifest.json'));
}, 600_000);

afterAll(async () => {
  if (project) await removeDir(project);
});

function envFor(name: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DBT_DUCKDB_PATH: path.join(project, `${name}.duckdb`),
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_THREADS: '2',
  };
}

/** The executable nodes a shard needs to build `targets` from scratch: their upstream closure plus tests on it. */
function closure(targets: string[], extraTests: string[] = []): string[] {
  const want = new Set<string>();
  const visit = (id: string): void => {
    const node = manifest.nodes.get(id);
    if (!node || want.has(id) || !isEnabled(node)) return;
    want.add(id);
    for (const p of node.dependsOn) visit(p);
  };
  for (const t of [...targets, ...extraTests]) visit(t);
  return [...want].filter((id) => {
    const n = manifest.nodes.get(id)!;
    return EXECUTABLE_TYPES.has(n.resourceType) && !isEphemeral(n);
  });
}

async function writePlan(
  nodes: string[],
  finalTests: string[] = [],
  createdAt = new Date().toISOString(),
): Promise<string> {
  const dir = path.join(project, 'plans', `p${++testNo}`);
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile(path.join(project, 'target', 'manifest.json'), path.join(dir, 'manifest.json'));
  const plan = {
    version: 1,
    createdAt,
    dbtVersion: '1.11',
    projectName: 'shop',
    selection: { select: [], exclude: [], selector: null, state: null },
    threads: 2,
    maxParallel: 1,
    connectionBudget: 3,
    stages: 1,
    shards: [{ index: 0, id: 's1-00', stage: 1, nodes, estimatedSeconds: 1 }],
    finalTests,
    // as the planner records them: run passes these models the interval as event-time flags
    microbatch: microbatchModels(nodes.flatMap((id) => manifest.nodes.get(id) ?? [])),
    estimates: {
      sequentialSeconds: 1,
      makespanSeconds: 1,
      lowerBoundSeconds: 1,
      shardOverheadSeconds: 1,
      nodesWithHistory: 0,
      nodesEstimated: 0,
      assumption: 'test',
    },
  };
  await fs.writeFile(path.join(dir, 'plan.json'), JSON.stringify(plan));
  return path.join(dir, 'plan.json');
}

const manual: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};

async function run(
  name: string,
  nodes: string[],
  raw: Record<string, string | boolean>,
  opts: {
    trigger?: TriggerContext;
    tweak?: (i: RunInputs) => void;
    env?: NodeJS.ProcessEnv;
    planCreatedAt?: string;
  } = {},
): Promise<RunOutcome & { lines: string[]; env: NodeJS.ProcessEnv }> {
  const plan = await writePlan(nodes, [], opts.planCreatedAt);
  const inputs = parseRunInputs({
    plan,
    shard: '0',
    'project-dir': project,
    'profiles-dir': project,
    'dbt-command': DBT_BIN,
    out: path.join(project, 'out', name),
    ...raw,
  });
  opts.tweak?.(inputs);
  const env = { ...envFor(name), ...opts.env };
  const log = memoryLogger();
  const outcome = await runShard(inputs, {
    trigger: opts.trigger ?? manual,
    env,
    attempt: 1,
    now: () => new Date(),
    log,
    handleProcessSignals: false,
  });
  return { ...outcome, lines: log.lines, env };
}

/** the results of the shard's nodes: the project's on-run-start/end hooks add results of their own */
function nodeResults(results: { results: Array<{ unique_id: string }> }): string[] {
  return results.results.map((x) => x.unique_id).filter((id) => !id.startsWith('operation.'));
}

async function readResults(dir: string) {
  return RunResultsSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'run_results.json'), 'utf8')));
}
async function readShard(dir: string) {
  return ShardArtifactSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'shard.json'), 'utf8')));
}
function show(name: string, env: NodeJS.ProcessEnv, sql: string) {
  return dbtShow(project, sql, {
    env,
    extraArgs: [
      '--vars',
      JSON.stringify({ start_dttm: '2000-01-01T00:00:00+00:00', end_dttm: '2100-01-01T00:00:00+00:00' }),
    ],
  });
}
const ordersBounds =
  "select count(*) as n, cast(min(ordered_at) at time zone 'UTC' as varchar) as lo, cast(max(ordered_at) at time zone 'UTC' as varchar) as hi from {{ ref('fct_orders') }}";
const expectedOrders = (lo: string, hi: string) =>
  `select count(*) as n from {{ ref('stg_orders') }} where ordered_at >= cast('${lo}' as timestamptz) and ordered_at < cast('${hi}' as timestamptz)`;

describe('runShard with real dbt (DuckDB)', () => {
  it("builds exactly the rows of the interval and exactly the shard's nodes", async () => {
    const nodes = closure(['model.shop.fct_orders']);
    const r = await run('interval', nodes, { start: '2024-01-10', end: '2024-01-12' });
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const results = await readResults(r.shardDir);
    expect(nodeResults(results).sort()).toEqual([...nodes].sort());
    const [built] = await show('interval', r.env, ordersBounds);
    const [expected] = await show(
      'interval',
      r.env,
      expectedOrders('2024-01-10T00:00:00+00:00', '2024-01-12T00:00:00+00:00'),
    );
    expect(Number(built!['n'])).toBeGreaterThan(0);
    expect(Number(built!['n'])).toBe(Number(expected!['n']));
    expect(String(built!['lo']) >= '2024-01-10').toBe(true);
    expect(String(built!['hi']) < '2024-01-12').toBe(true);
    const shard = await readShard(r.shardDir);
    expect(shard.vars).toMatchObject({
      start_dttm: '2024-01-10T00:00:00+00:00',
      end_dttm: '2024-01-12T00:00:00+00:00',
      overlap: false,
    });
    const varsArg = shard.command[shard.command.indexOf('--vars') + 1];
    expect(JSON.parse(varsArg!)).toEqual(shard.vars);
  }, 180_000);

  it('runs day chunks in time order, each with its own interval', async () => {
    const nodes = closure(['model.shop.fct_orders']);
    const r = await run('chunks', nodes, { start: '2024-01-10', end: '2024-01-13', chunk: 'day' });
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const shard = await readShard(r.shardDir);
    expect(shard.chunks.map((c) => [c.start, c.status])).toEqual([
      ['2024-01-10T00:00:00+00:00', 'success'],
      ['2024-01-11T00:00:00+00:00', 'success'],
      ['2024-01-12T00:00:00+00:00', 'success'],
    ]);
    for (let i = 1; i < shard.chunks.length; i++)
      expect(shard.chunks[i]!.startedAt! >= shard.chunks[i - 1]!.endedAt!).toBe(true);
    const results = await readResults(r.shardDir);
    const tags = results.results.map((x) => (x as unknown as { dbt_matrix: { chunk: number } }).dbt_matrix.chunk);
    expect(tags).toEqual([...tags].sort((a, b) => a - b));
    expect(nodeResults(results)).toHaveLength(nodes.length * 3);
    // fct_orders timing: each chunk's build finished before the next chunk's started
    const fct = results.results.filter((x) => x.unique_id === 'model.shop.fct_orders') as unknown as Array<{
      timing: Array<{ started_at: string; completed_at: string }>;
    }>;
    for (let i = 1; i < fct.length; i++)
      expect(fct[i]!.timing[0]!.started_at > fct[i - 1]!.timing.at(-1)!.completed_at).toBe(true);
    // the incremental model accumulated the three days
    const [built] = await show('chunks', r.env, ordersBounds);
    const [expected] = await show(
      'chunks',
      r.env,
      expectedOrders('2024-01-10T00:00:00+00:00', '2024-01-13T00:00:00+00:00'),
    );
    expect(Number(built!['n'])).toBe(Number(expected!['n']));
  }, 240_000);

  it('passes an array var to SQL as a tuple string', async () => {
    const nodes = closure(['model.shop.sales_by_country']);
    const r = await run('array', nodes, {
      start: '2024-01-01',
      end: '2024-02-01',
      vars: '{"countries": ["DE"]}',
      'array-format': 'sql',
    });
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const rows = await show('array', r.env, "select distinct country_code from {{ ref('sales_by_country') }}");
    expect(rows.map((x) => x['country_code'])).toEqual(['DE']);
    expect((await readShard(r.shardDir)).vars['countries']).toBe("('DE')");
  }, 180_000);

  it('gives a scheduled run the previous cron interval, also when its shard is re-run a day later', async () => {
    const nodes = closure(['model.shop.fct_orders']);
    // the plan job ran at 06:20; this shard job is a re-run attempt the next morning
    const trigger: TriggerContext = {
      eventName: 'schedule',
      schedule: '0 6 * * *',
      dispatchInputs: {},
      triggerTime: new Date('2024-01-16T09:00:00Z'),
    };
    const r = await run('schedule', nodes, {}, { trigger, planCreatedAt: '2024-01-15T06:20:00Z' });
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const shard = await readShard(r.shardDir);
    expect(shard.interval).toMatchObject({
      start: '2024-01-14T06:00:00+00:00',
      end: '2024-01-15T06:00:00+00:00',
      overlap: true,
      source: 'schedule',
    });
    const [built] = await show('schedule', r.env, ordersBounds);
    const [expected] = await show(
      'schedule',
      r.env,
      expectedOrders('2024-01-14T06:00:00+00:00', '2024-01-15T06:00:00+00:00'),
    );
    expect(Number(built!['n'])).toBeGreaterThan(0);
    expect(Number(built!['n'])).toBe(Number(expected!['n']));
    expect(String(built!['lo']) >= '2024-01-14 06:00:00').toBe(true);
    expect(String(built!['hi']) < '2024-01-15 06:00:00').toBe(true);
  }, 180_000);

  it('fails on a failing test, retries it with dbt retry, and still writes a complete artifact folder', async () => {
    const testId = [...manifest.nodes.keys()].find((id) => id.startsWith('test.shop.assert_fail_when_requested'))!;
    const nodes = closure([], [testId]);
    const r = await run('failing', nodes, {
      start: '2024-01-10',
      end: '2024-01-11',
      vars: 'fail_test: true',
      retries: '1',
    });
    expect(r.exitCode).not.toBe(0);
    expect(r.status).toBe('error');
    expect((await fs.readdir(r.shardDir)).sort()).toEqual(['dbt.log', 'run_results.json', 'shard.json']);
    const results = await readResults(r.shardDir);
    const failing = results.results.filter((x) => x.unique_id === testId) as unknown as Array<{
      status: string;
      dbt_matrix: { attempt: number };
    }>;
    expect(failing).toEqual([
      expect.objectContaining({ status: 'fail', dbt_matrix: { shard: 's1-00', chunk: 0, attempt: 2 } }),
    ]);
    expect(
      results.results.filter((x) => x.unique_id !== testId).every((x) => x.status === 'success' || x.status === 'pass'),
    ).toBe(true);
    const shard = await readShard(r.shardDir);
    expect(shard.chunks[0]).toMatchObject({ status: 'error', attempts: 2, exitCode: 1 });
    const log = await fs.readFile(path.join(r.shardDir, 'dbt.log'), 'utf8');
    expect(log).toMatch(/attempt 2: .* retry/);
  }, 240_000);

  it('selects exactly the listed nodes through a run_results.json in a selection folder, and leaves the project alone', async () => {
    const nodes = closure(['model.shop.fct_orders', 'model.shop.dim_customers']);
    // plans/, out/ and the DuckDB files are this test file's own, inside the copy
    const entries = async (): Promise<string[]> =>
      (await fs.readdir(project)).filter((e) => e !== 'plans' && e !== 'out' && !/\.duckdb(\.wal)?$/.test(e)).sort();
    const before = await entries();
    const r = await run('selection', nodes, { start: '2024-01-10', end: '2024-01-11' });
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const shard = await readShard(r.shardDir);
    const stateDir = shard.command[shard.command.indexOf('--state') + 1]!;
    expect(shard.command[shard.command.indexOf('--select') + 1]).toBe('result:success');
    // the selection folder lives in the shard's .work folder, which is removed when the shard ends
    expect(stateDir).toContain(path.join('.work', 's1-00'));
    await expect(fs.stat(stateDir)).rejects.toThrow(/ENOENT/);
    const results = await readResults(r.shardDir);
    expect(nodeResults(results).sort()).toEqual([...nodes].sort());
    expect(await entries()).toEqual(before);
  }, 180_000);

  it('keeps secret values out of dbt.log, run_results.json and shard.json', async () => {
    const secret = 's3cr3t-Value-42';
    const nodes = closure(['model.shop.stg_orders']);
    const r = await run(
      'secret',
      nodes,
      { start: '2024-01-10', end: '2024-01-11', vars: `{"api_note": "${secret}", "q": "it's $(rm -rf /)\\nline2"}` },
      { env: { SHOP_API_TOKEN: secret } },
    );
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    for (const file of await fs.readdir(r.shardDir)) {
      expect(await fs.readFile(path.join(r.shardDir, file), 'utf8')).not.toContain(secret);
    }
    expect(r.lines.join('\n')).not.toContain(secret);
    const shard = await readShard(r.shardDir);
    expect(shard.vars['api_note']).toBe('***');
    expect(shard.vars['q']).toBe("it's $(rm -rf /)\nline2");
  }, 180_000);

  it('passes a microbatch model the interval as event-time flags, and a retry re-runs only its failed batch', async () => {
    const nodes = closure(['model.shop.web_events_daily']);
    const r = await run('microbatch', nodes, {
      start: '2024-01-05',
      end: '2024-01-08',
      retries: '1',
      vars: '{"fail_batch_once": "2024-01-06"}',
    });
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const shard = await readShard(r.shardDir);
    const flag = (name: string) => shard.command[shard.command.indexOf(name) + 1];
    expect([flag('--event-time-start'), flag('--event-time-end')]).toEqual([
      '2024-01-05T00:00:00',
      '2024-01-08T00:00:00',
    ]);
    expect(shard.chunks[0]!.attempts).toBe(2);
    const log = await fs.readFile(path.join(r.shardDir, 'dbt.log'), 'utf8');
    const [first, retry] = log.split(/attempt 2: /);
    // the build ran the interval's three daily batches (not every day since `begin`), one failed
    expect(first).toMatch(/Batch 3 of 3 /);
    expect(first).toMatch(/ERROR creating batch 2024-01-06/);
    // dbt retry ran that batch alone
    expect(retry).toMatch(/Batch 1 of 1 OK created batch 2024-01-06/);
    expect(retry).not.toMatch(/batch 2024-01-0[57]/);
    const db = r.env['DBT_DUCKDB_PATH']!;
    const days = await queryDuckDb(
      db,
      "select strftime(event_date, '%Y-%m-%d') as d from main.web_events_daily order by 1",
    );
    expect(days.map((row) => row['d'])).toEqual(['2024-01-05', '2024-01-06', '2024-01-07']);
  }, 240_000);

  it('says when the interval is not on batch boundaries, and tells hooks which invocation they run in', async () => {
    const nodes = closure(['model.shop.web_events_daily']);
    const r = await run('microbatch-unaligned', nodes, {
      start: '2024-01-05T06:00:00+00:00',
      end: '2024-01-07T06:00:00+00:00',
      chunk: 'day',
    });
    expect(r.exitCode, r.lines.join('\n')).toBe(0);
    const log = await fs.readFile(path.join(r.shardDir, 'dbt.log'), 'utf8');
    expect(log).toMatch(
      /not on day batch boundaries \(UTC\); microbatch models build the whole batches \[2024-01-05T00:00:00, 2024-01-08T00:00:00\) UTC/,
    );
    const shard = await readShard(r.shardDir);
    expect(shard.chunks).toHaveLength(3);
    const db = r.env['DBT_DUCKDB_PATH']!;
    const audit = await queryDuckDb(
      db,
      'select shard, stage, chunk, attempt, last_invocation from main.audit_invocations order by chunk',
    );
    expect(audit).toEqual([
      { shard: 's1-00', stage: '1', chunk: '1', attempt: '1', last_invocation: 'false' },
      { shard: 's1-00', stage: '1', chunk: '2', attempt: '1', last_invocation: 'false' },
      { shard: 's1-00', stage: '1', chunk: '3', attempt: '1', last_invocation: 'true' },
    ]);
    // once per run: only the last invocation wrote its audit row, with its own chunk's interval
    expect(await queryDuckDb(db, 'select * from main.audit_runs')).toEqual([
      { start_dttm: '2024-01-07T00:00:00+00:00', end_dttm: '2024-01-07T06:00:00+00:00' },
    ]);
    const days = await queryDuckDb(
      db,
      "select strftime(event_date, '%Y-%m-%d') as d from main.web_events_daily order by 1",
    );
    expect(days.map((row) => row['d'])).toEqual(['2024-01-05', '2024-01-06', '2024-01-07']);
  }, 240_000);
});
