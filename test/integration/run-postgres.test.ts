/**
 * The runner against a real PostgreSQL server: a pg_sleep model stopped by --timeout-minutes and
 * by SIGINT or SIGHUP to the runner process (GitHub's cancellation, a lost terminal) leaves no
 * query behind, a role with CONNECTION LIMIT threads + 1 is never exceeded by a shard, and a
 * password with quotes that a failing model puts into SQL appears in no artifact, log or output
 * in any spelling (as given, SQL- or JSON-escaped, cut short by PostgreSQL's error context).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { EXECUTABLE_TYPES, isEnabled, isEphemeral, type Manifest } from '../../src/core/manifest/types.js';
import { ShardArtifactSchema } from '../../src/core/report/shard-artifact.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { parseRunInputs } from '../../src/run/inputs.js';
import { runShard } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN, REPO_ROOT, removeDir, runDbt } from '../helpers/dbt.js';
import { startPostgres, type PgServer } from '../helpers/postgres.js';

const THREADS = 2;
const ROLE = 'shard_runner';
const ROLE_PASSWORD = 'runner-pw-123';
let pg: PgServer;
let project: string;
let manifest: Manifest;
let planNo = 0;

/**
 * A model that quotes the connection password as an SQL literal (`'` doubled) after a syntax
 * error: PostgreSQL's error shows the line, cut short, and dbt prints it; the compiled SQL holds
 * it whole. It is only ever selected by the secrets test.
 */
const SECRET_PROBE_SQL = `{{ config(materialized='view') }}
select 1 as n, 2 3 '{{ env_var("DBT_PG_PASSWORD") | replace("'", "''") }}' as pw, '{{ var("probe_token", "none") }}' as t
`;

const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-15T12:00:00Z'),
};

function envFor(schema: string, user = ROLE, password = ROLE_PASSWORD): NodeJS.ProcessEnv {
  return pg.env({
    PGUSER: user,
    DBT_PG_PASSWORD: password,
    DBT_SCHEMA: schema,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
  });
}

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createRole(ROLE, { password: ROLE_PASSWORD, connectionLimit: THREADS + 1 });
  project = await copyExampleProject();
  await fs.writeFile(path.join(project, 'models', 'secret_probe.sql'), SECRET_PROBE_SQL);
  const parsed = await runDbt(['parse', '--project-dir', project, '--profiles-dir', project, '--target', 'postgres'], {
    cwd: project,
    env: envFor('parse'),
  });
  expect(parsed.code, parsed.stdout).toBe(0);
  manifest = await readManifest(path.join(project, 'target', 'manifest.json'));
}, 180_000);

afterAll(async () => {
  await pg?.stop();
  if (project) await removeDir(project);
});

async function writePlan(nodes: string[]): Promise<string> {
  const dir = path.join(project, 'plans', `p${++planNo}`);
  await fs.mkdir(dir, { recursive: true });
  await fs.copyFile(path.join(project, 'target', 'manifest.json'), path.join(dir, 'manifest.json'));
  const plan = {
    version: 1,
    createdAt: new Date().toISOString(),
    dbtVersion: '1.11',
    projectName: 'shop',
    selection: { select: [], exclude: [], selector: null, state: null },
    threads: THREADS,
    maxParallel: 1,
    connectionBudget: THREADS + 1,
    stages: 1,
    shards: [{ index: 0, id: 's1-00', stage: 1, nodes, estimatedSeconds: 1 }],
    finalTests: [],
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

function rawInputs(plan: string, out: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    plan,
    shard: '0',
    'project-dir': project,
    'profiles-dir': project,
    target: 'postgres',
    'dbt-command': DBT_BIN,
    out,
    start: '2024-01-10',
    end: '2024-01-11',
    ...extra,
  };
}

/** Queries of other sessions still running pg_sleep (in `schema` when given: one test's own). */
async function sleepingQueries(schema?: string): Promise<number> {
  const own = schema === undefined ? '' : ` and query like '%"${schema}"%'`;
  const n = await pg.psql(
    `select count(*) from pg_stat_activity where pid <> pg_backend_pid() and state = 'active' and query ilike '%pg_sleep%'${own}`,
  );
  return Number(n);
}

/**
 * pg_sleep queries left running, after giving the server a moment: a cancelled backend can still
 * show as active for a few hundred ms after dbt has exited. A query dbt did not cancel sleeps for
 * 120 s, far past this wait.
 */
async function sleepingQueriesAfterCancel(): Promise<number> {
  await waitFor(async () => (await sleepingQueries()) === 0, 5_000).catch(() => undefined);
  return sleepingQueries();
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function readShard(dir: string) {
  return ShardArtifactSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'shard.json'), 'utf8')));
}

describe('runShard against PostgreSQL', () => {
  it('stops a 120 s pg_sleep at --timeout-minutes with SIGINT, leaving no query behind', async () => {
    const plan = await writePlan(['model.shop.sleeper']);
    const out = path.join(project, 'out', 'timeout');
    const inputs = parseRunInputs(rawInputs(plan, out, { vars: 'sleep_seconds: 120', 'timeout-minutes': '0.1' }));
    const started = Date.now();
    const outcome = await runShard(inputs, {
      trigger,
      env: envFor('timeout'),
      attempt: 1,
      now: () => new Date(),
      log: memoryLogger(),
      handleProcessSignals: false,
    });
    const seconds = (Date.now() - started) / 1000;
    expect(outcome.status).toBe('timeout');
    expect(outcome.exitCode).toBe(124);
    expect(seconds).toBeLessThan(40); // 6 s budget + dbt start + cancellation, far below 120 s
    expect(await sleepingQueriesAfterCancel()).toBe(0);
    const shard = await readShard(outcome.shardDir);
    expect(shard).toMatchObject({ status: 'timeout', exitCode: 124 });
    expect(shard.chunks[0]).toMatchObject({ status: 'timeout' });
    const log = await fs.readFile(path.join(outcome.shardDir, 'dbt.log'), 'utf8');
    expect(log).toContain('timeout: sending SIGINT to dbt');
    expect(log).not.toContain(ROLE_PASSWORD);
  }, 120_000);

  it.each(['SIGINT', 'SIGHUP'] as const)(
    'cancels dbt when the runner process gets %s, leaving no query behind and its artifacts written',
    async (signal) => {
      const plan = await writePlan(['model.shop.sleeper']);
      const out = path.join(project, 'out', signal);
      const script = path.join(project, 'runner-child.mts');
      const mainTs = path.join(REPO_ROOT, 'src', 'run', 'main.ts');
      const inputsTs = path.join(REPO_ROOT, 'src', 'run', 'inputs.ts');
      const logTs = path.join(REPO_ROOT, 'src', 'shared', 'log.ts');
      await fs.writeFile(
        script,
        [
          `import { runShard } from ${JSON.stringify(mainTs)};`,
          `import { parseRunInputs } from ${JSON.stringify(inputsTs)};`,
          `import { consoleLogger } from ${JSON.stringify(logTs)};`,
          `const inputs = parseRunInputs(JSON.parse(process.env.RUN_INPUTS));`,
          `const trigger = { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date() };`,
          `const outcome = await runShard(inputs, { trigger, env: process.env, attempt: 1, now: () => new Date(), log: consoleLogger() });`,
          `process.exitCode = outcome.exitCode;`,
        ].join('\n'),
      );
      const schema = signal.toLowerCase();
      const env = {
        ...envFor(schema),
        RUN_INPUTS: JSON.stringify(rawInputs(plan, out, { vars: 'sleep_seconds: 120' })),
      };
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (b: Buffer) => (output += b.toString()));
      child.stderr.on('data', (b: Buffer) => (output += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      expect(await sleepingQueriesAfterCancel()).toBe(0);
      // this child's own query (its schema): dbt starts slowly on a loaded machine
      await waitFor(async () => (await sleepingQueries(schema)) > 0, 150_000).catch((err: unknown) => {
        child.kill('SIGKILL');
        throw err;
      });
      const signalled = Date.now();
      child.kill(signal);
      const code = await exited;
      expect(code, output).toBe(130);
      expect((Date.now() - signalled) / 1000).toBeLessThan(15);
      expect(await sleepingQueriesAfterCancel()).toBe(0);
      const shard = await readShard(path.join(out, 's1-00'));
      expect(shard).toMatchObject({ status: 'cancelled', exitCode: 130 });
      expect(shard.chunks[0]).toMatchObject({ status: 'cancelled' });
      expect((await fs.readdir(path.join(out, 's1-00'))).sort()).toEqual(['dbt.log', 'run_results.json', 'shard.json']);
      const log = await fs.readFile(path.join(out, 's1-00', 'dbt.log'), 'utf8');
      expect(log).toContain(`received ${signal}: stopping dbt`);
      expect(log).toContain('cancelled: sending SIGINT to dbt');
      expect(output).toContain(`received ${signal}`);
    },
    240_000,
  );

  it('a password with quotes that a failing model puts into SQL reaches no artifact, log or output in any spelling', async () => {
    const password = `it's "a" \\ se'cret-${randomBytes(12).toString('hex')}-${randomBytes(12).toString('hex')}`;
    const token = `tok-${randomBytes(8).toString('hex')}`;
    await pg.createRole('quoted_runner', { password });
    const plan = await writePlan(['model.shop.secret_probe']);
    const out = path.join(project, 'out', 'secrets');
    const inputs = parseRunInputs(rawInputs(plan, out, { vars: JSON.stringify({ probe_token: token }) }));
    const live = memoryLogger();
    const outcome = await runShard(inputs, {
      trigger,
      env: envFor('secrets', 'quoted_runner', password),
      attempt: 1,
      now: () => new Date(),
      log: live,
      handleProcessSignals: false,
    });
    expect(outcome.status).toBe('error'); // dbt connected with the password and the model failed
    const sql = password.replaceAll("'", "''");
    const spellings = [password, sql, JSON.stringify(password).slice(1, -1), JSON.stringify(sql).slice(1, -1), token];
    // a cut-short secret: anything from the first half of the SQL form on would identify it
    const identifying = [
      ...spellings,
      sql.slice(0, Math.ceil(sql.length / 2)),
      password.slice(0, Math.ceil(password.length / 2)),
    ];
    const texts: Array<[string, string]> = [['live output', live.lines.join('\n')]];
    for (const file of await filesUnder(out)) texts.push([path.relative(out, file), await fs.readFile(file, 'utf8')]);
    for (const [where, text] of texts)
      for (const s of identifying) expect(text.includes(s), `${where} holds ${JSON.stringify(s)}`).toBe(false);
    const log = await fs.readFile(path.join(outcome.shardDir, 'dbt.log'), 'utf8');
    expect(log).toMatch(/syntax error/); // PostgreSQL's message, with the line that held the literal...
    expect(log).toContain("3 '***"); // ...redacted from where the literal starts
    const shard = await readShard(outcome.shardDir);
    expect(shard.vars['probe_token']).toBe('***');
    expect(JSON.stringify(shard.command)).not.toContain(token);
    // dbt's own log and compiled SQL (unredacted) are gone with the shard's scratch folder
    expect(await fs.readdir(out)).toEqual(['s1-00']);
  }, 180_000);

  it('never holds more than threads + 1 connections (a role with that CONNECTION LIMIT builds the project)', async () => {
    const nodes = [...manifest.nodes.values()]
      .filter(
        (n) => EXECUTABLE_TYPES.has(n.resourceType) && isEnabled(n) && !isEphemeral(n) && n.name !== 'secret_probe',
      )
      .map((n) => n.uniqueId);
    const plan = await writePlan(nodes);
    const out = path.join(project, 'out', 'budget');
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, Number(await pg.psql(`select count(*) from pg_stat_activity where usename = '${ROLE}'`)));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const inputs = parseRunInputs(rawInputs(plan, out, { vars: 'sleep_seconds: 1' }));
    const log = memoryLogger();
    const outcome = await runShard(inputs, {
      trigger,
      env: envFor('budget'),
      attempt: 1,
      now: () => new Date(),
      log,
      handleProcessSignals: false,
    });
    sampling = false;
    await sampler;
    expect(outcome.exitCode, log.lines.filter((l) => /error|too many/i.test(l)).join('\n')).toBe(0);
    console.info(`peak connections of ${ROLE} during the shard: ${peak} (threads ${THREADS}, limit ${THREADS + 1})`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(THREADS + 1);
    expect(log.lines.join('\n')).not.toMatch(/too many connections/i);
  }, 300_000);

  it('a limit below threads + 1 does fail loudly (the limit above really binds)', async () => {
    await pg.createRole('tight_runner', { password: ROLE_PASSWORD, connectionLimit: 1 });
    const seeds = [...manifest.nodes.values()].filter((n) => n.resourceType === 'seed').map((n) => n.uniqueId);
    const plan = await writePlan(seeds);
    const inputs = parseRunInputs(rawInputs(plan, path.join(project, 'out', 'tight')));
    const log = memoryLogger();
    const outcome = await runShard(inputs, {
      trigger,
      env: envFor('tight', 'tight_runner'),
      attempt: 1,
      now: () => new Date(),
      log,
      handleProcessSignals: false,
    });
    expect(outcome.exitCode).not.toBe(0);
    expect(log.lines.join('\n')).toMatch(/too many connections/i);
  }, 180_000);
});
