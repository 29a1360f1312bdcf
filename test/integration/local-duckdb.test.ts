/**
 * `dbt-matrix local` end to end with real dbt on DuckDB (copies of examples/shop): several shards
 * in parallel over two stages plus final tests, on an ordinary profile (a plain `path:`, no
 * convention), the database equal to a plain sequential `dbt build` with the same vars and
 * written where that build would write it, a failing test that fails the run, and Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { EXECUTABLE_TYPES, isEnabled, isEphemeral } from '../../src/core/manifest/types.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { parseProject } from '../../src/io/dbt-parse.js';
import { parseLocalInputs } from '../../src/local/inputs.js';
import { runLocal, type LocalOutcome } from '../../src/local/main.js';
import { Progress } from '../../src/local/progress.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN, queryDuckDb, REPO_ROOT, removeDir, runDbt } from '../helpers/dbt.js';

const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};
const INTERVAL = { start: '2024-01-05', end: '2024-01-25' };
/** 2 shards at once × (2 threads + 1) = 6; no per-job overhead so the planner uses stages */
const BUDGET = { 'connection-budget': '6', threads: '2', 'max-stages': '3', 'shard-overhead-seconds': '0' };

const dirs: string[] = [];

/** the test runner's env; the example profile's database goes inside the project copy */
function cleanEnv(dir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_DUCKDB_PATH: path.join(dir, 'warehouse', 'shop.duckdb'),
  };
}

/**
 * A profile as users write it (found by dbt-matrix as dbt finds it: here --profiles-dir): a plain
 * path and settings of their own, none of which local may drop.
 */
async function ordinaryProfile(dir: string): Promise<{ profilesDir: string; database: string }> {
  const profilesDir = path.join(dir, 'my-profiles');
  const database = path.join(dir, 'warehouse', 'shop.duckdb');
  await fs.mkdir(profilesDir, { recursive: true });
  const yaml = [
    'shop:',
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: duckdb',
    `      path: ${JSON.stringify(database)}`,
    '      threads: 7',
    '      settings:',
    '        preserve_insertion_order: true',
    '    other:',
    '      type: duckdb',
    '      path: ":memory:"',
    '',
  ].join('\n');
  await fs.writeFile(path.join(profilesDir, 'profiles.yml'), yaml);
  return { profilesDir, database };
}
let project: string;
let local: LocalOutcome;
let screen: string[];
let userDatabase: string;

async function runLocalIn(
  dir: string,
  raw: Record<string, string>,
  opts: { signal?: AbortSignal; onProgress?: (text: string) => void } = {},
) {
  const inputs = parseLocalInputs({
    'project-dir': dir,
    'profiles-dir': dir,
    'dbt-command': DBT_BIN,
    out: path.join(dir, 'local-out'),
    ...BUDGET,
    ...INTERVAL,
    ...raw,
  });
  const lines: string[] = [];
  const stream = { write: (t: string) => (lines.push(t), opts.onProgress?.(t), true), isTTY: false };
  const env = cleanEnv(dir);
  const outcome = await runLocal(inputs, {
    env,
    trigger,
    now: () => new Date(),
    log: memoryLogger(),
    progress: new Progress(stream),
    ...(opts.signal ? { signal: opts.signal } : {}),
    parseProject: (i) => parseProject(i, env),
  });
  return { outcome, lines };
}

async function copy(): Promise<string> {
  const dir = await copyExampleProject();
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  project = await copy();
  const profile = await ordinaryProfile(project);
  userDatabase = profile.database;
  const r = await runLocalIn(project, { 'profiles-dir': profile.profilesDir });
  local = r.outcome;
  screen = r.lines;
}, 600_000);

afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

const overlaps = (a: { startedAt: string; endedAt: string }, b: { startedAt: string; endedAt: string }): boolean =>
  Date.parse(a.startedAt) < Date.parse(b.endedAt) && Date.parse(b.startedAt) < Date.parse(a.endedAt);

function mostAtOnce(spans: Array<{ startedAt: string; endedAt: string }>): number {
  const events = spans
    .flatMap((s) => [
      [Date.parse(s.startedAt), 1],
      [Date.parse(s.endedAt), -1],
    ])
    .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let running = 0;
  let most = 0;
  for (const [, change] of events) most = Math.max(most, (running += change!));
  return most;
}

describe('dbt-matrix local on DuckDB', () => {
  it('runs several shards at once over stages, and the report has every selected node once, all passing', async () => {
    expect(local.exitCode, screen.join('')).toBe(0);
    expect(local.plan.stages).toBeGreaterThanOrEqual(2);
    const stage1 = local.shards.filter((s) => s.artifact.stage === 1).map((s) => s.artifact);
    expect(stage1.length).toBeGreaterThanOrEqual(2);
    expect(overlaps(stage1[0]!, stage1[1]!)).toBe(true);
    // never more dbt processes at once than the plan allows (a long shard may overlap two that ran
    // one after the other: count what runs at each instant, ends before starts at the same time)
    expect(mostAtOnce(local.shards.map((s) => s.artifact))).toBeLessThanOrEqual(local.plan.maxParallel);

    const manifest = await readManifest(path.join(local.reportDir, 'manifest.json'));
    // what dbt build lists: the executable nodes, and exposures (no-op)
    const selected = [...manifest.nodes.values()]
      .filter(
        (n) =>
          (EXECUTABLE_TYPES.has(n.resourceType) || n.resourceType === 'exposure') && isEnabled(n) && !isEphemeral(n),
      )
      .map((n) => n.uniqueId);
    const report = JSON.parse(await fs.readFile(path.join(local.reportDir, 'run_results.json'), 'utf8')) as {
      results: Array<{ unique_id: string; status: string }>;
    };
    const ids = report.results.map((r) => r.unique_id);
    expect(new Set(ids).size).toBe(ids.length);
    // the project's hooks are reported like dbt reports them, beside every selected node
    const hooks = [...manifest.nodes.values()].filter((n) => n.resourceType === 'operation').map((n) => n.uniqueId);
    expect(hooks).toHaveLength(3);
    expect(ids.filter((id) => id.startsWith('operation.')).sort()).toEqual(hooks.sort());
    expect(ids.filter((id) => !id.startsWith('operation.')).sort()).toEqual([...selected].sort());
    expect(
      report.results.filter(
        (r) =>
          !['success', 'pass'].includes(r.status) && !(r.status === 'no-op' && r.unique_id.startsWith('exposure.')),
      ),
    ).toEqual([]);
    // where a plain `dbt build` with this profile writes; every shard ran on a file of its own
    expect(local.database).toBe(userDatabase);
    const derived = await fs.readFile(path.join(project, 'local-out', 'profile', 'profiles.yml'), 'utf8');
    expect(derived).toMatch(/path: shop\.duckdb\n/);
    expect(derived).toMatch(/settings:\n\s+preserve_insertion_order: true/);
    expect(derived).not.toContain(':memory:');
    // plain lines when stdout is not a terminal: one per shard state change, dbt's output only in dbt.log
    expect(screen.join('')).toMatch(/✔ s1-\d+ +passed +\d+\/\d+ nodes/);
    expect(screen.join('')).not.toMatch(/START sql/);
    expect(await fs.readFile(path.join(local.shards[0]!.shardDir, 'dbt.log'), 'utf8')).toMatch(/of \d+ START/);
  });

  it('leaves the same database as a plain sequential dbt build with the same vars (every table, every row)', async () => {
    const seqProject = await copy();
    const seqDb = path.join(seqProject, 'seq', 'shop.duckdb');
    await fs.mkdir(path.dirname(seqDb), { recursive: true });
    const vars = local.shards[0]!.artifact.vars;
    const eventTime = ['--event-time-start', '2024-01-05T00:00:00', '--event-time-end', '2024-01-25T00:00:00'];
    const built = await runDbt(
      [
        'build',
        '--project-dir',
        seqProject,
        '--profiles-dir',
        seqProject,
        '--threads',
        '2',
        '--vars',
        JSON.stringify(vars),
        ...eventTime,
      ],
      {
        cwd: seqProject,
        env: { ...process.env, DBT_DUCKDB_PATH: seqDb, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' },
      },
    );
    expect(built.code, built.stdout).toBe(0);

    const listSql = "select table_schema || '.' || table_name as name from information_schema.tables order by 1";
    const names = async (db: string) => (await queryDuckDb(db, listSql)).map((r) => String(r['name']));
    const ours = await names(local.database!);
    const theirs = await names(seqDb);
    expect(ours).toEqual(theirs);
    expect(ours.length).toBeGreaterThan(30);
    const rows = async (db: string, name: string) => {
      const [schema, table] = name.split('.');
      const all = await queryDuckDb(db, `select * from "${schema}"."${table}"`);
      return all.map((r) => JSON.stringify(r)).sort();
    };
    expect(ours).toContain('main_reporting.rpt_daily_overview');
    // hooks ran once per dbt invocation; what they wrote survived the merges of the shards' files
    const invocations = await queryDuckDb(
      local.database!,
      'select shard, last_invocation from main.audit_invocations order by shard',
    );
    const ran = local.shards.map((s) => s.artifact.id).sort();
    expect(invocations.map((r) => r['shard'])).toEqual(ran);
    expect(invocations.filter((r) => r['last_invocation'] === 'true').map((r) => r['shard'])).toEqual([
      local.plan.finalTests.length > 0 ? 'final' : ran.at(-1),
    ]);
    // the audit hook that runs once per run wrote what the sequential build's wrote
    expect(await rows(local.database!, 'main.audit_runs')).toEqual(await rows(seqDb, 'main.audit_runs'));
    expect(await rows(local.database!, 'main.audit_runs')).toHaveLength(1);
    let nonEmpty = 0;
    for (const name of ours.filter((n) => n !== 'main.audit_invocations')) {
      const a = await rows(local.database!, name);
      expect(a, name).toEqual(await rows(seqDb, name));
      if (a.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(30);
  }, 600_000);

  it('fails on a failing test: non-zero exit from the CLI, and the failure in summary.md (folders given relative to the cwd)', async () => {
    const dir = await copy();
    const out = path.join(dir, 'cli-out');
    // relative folders, as a user types them: each shard's dbt runs in a folder of its own, where
    // they would name nothing (dbt-duckdb would find no seed files)
    const rel = path.basename(dir);
    // the cwd is not the repository: tsx is named by its file
    const tsx = pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const args = [
      '--import',
      tsx,
      path.join(REPO_ROOT, 'src', 'cli', 'index.ts'),
      'local',
      '--project-dir',
      rel,
      '--profiles-dir',
      rel,
      '--dbt-command',
      DBT_BIN,
    ];
    args.push(
      '--out',
      path.join(rel, 'cli-out'),
      '--vars',
      '{"fail_test": true}',
      '--start',
      INTERVAL.start,
      '--end',
      INTERVAL.end,
    );
    for (const [k, v] of Object.entries(BUDGET)) args.push(`--${k}`, v);
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, {
        cwd: path.dirname(dir),
        env: cleanEnv(dir),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toContain('test.shop.assert_fail_when_requested');
    // the failing test is the only failure: every seed and model was found and built
    expect(r.stdout).not.toMatch(/ — error/);
    expect(r.stdout).toContain(`Report:   ${path.join(out, 'report')}`);
    expect(r.stdout).toContain(`Database: ${path.join(dir, 'warehouse', 'shop.duckdb')}`);
    const summary = await fs.readFile(path.join(out, 'report', 'summary.md'), 'utf8');
    expect(summary).toMatch(/failed/);
    expect(summary).toContain('assert_fail_when_requested');
    // the failing test hangs off a leaf: nothing downstream is blocked, so every shard still ran
    expect(r.stdout).not.toMatch(/missing|not run/);
  }, 600_000);

  it.each([
    [
      ':memory:',
      /--profiles-dir: profile shop, target dev .*: the path is an in-memory database .*set `path:` to a file/,
    ],
    ['md:my_db', /path md:my_db is MotherDuck, a server/],
  ])(
    'refuses a profile whose path is %s before any dbt process starts, saying what to change',
    async (dbPath, message) => {
      const dir = await copy();
      const profilesDir = path.join(dir, 'odd-profile');
      await fs.mkdir(profilesDir);
      await fs.writeFile(
        path.join(profilesDir, 'profiles.yml'),
        `shop:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: "${dbPath}" }\n`,
      );
      const started = Date.now();
      await expect(runLocalIn(dir, { 'profiles-dir': profilesDir })).rejects.toThrow(message);
      // refused before the plan's dbt parse: nothing was written
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(fs.access(path.join(dir, 'local-out', 'plan'))).rejects.toThrow();
    },
  );

  it('Ctrl-C cancels the running shards, starts nothing else, and still writes the report', async () => {
    const dir = await copy();
    const abort = new AbortController();
    // cancel while the first stage's dbt processes are running
    let timer: NodeJS.Timeout | undefined;
    const onProgress = (t: string): void => {
      if (/running/.test(t) && timer === undefined) timer = setTimeout(() => abort.abort(), 4000);
    };
    const { outcome } = await runLocalIn(dir, {}, { signal: abort.signal, onProgress });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stopped).toBe('cancelled');
    expect(outcome.shards.every((s) => s.status === 'cancelled')).toBe(true);
    expect(outcome.notRun.length).toBeGreaterThan(0);
    const summary = await fs.readFile(outcome.summaryFile, 'utf8');
    expect(summary).toMatch(/cancelled/);
  }, 300_000);
});
