/**
 * Parse once, install once, with real dbt on copies of examples/shop (DuckDB). The plan runs on a
 * copy whose local package is not installed: it runs `dbt deps`, parses with the shards' vars and
 * ships dbt's parse state and the installed packages in the plan folder. A shard then runs on a
 * fresh copy in another folder (no target/, no dbt_packages/), as a GitHub job on a fresh
 * checkout does: its dbt reuses the plan's parse (dbt's own debug log says "no changes found";
 * the shard's log has no "Unable to do partial parsing") and no `dbt deps` runs. A changed
 * profile, and a plan made by another dbt version, are detected from dbt's log, recorded in
 * shard.json and warned in the merged summary; the run still passes.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { ShardArtifactSchema, type ShardArtifact } from '../../src/core/report/shard-artifact.js';
import { parseProject } from '../../src/io/dbt-parse.js';
import { runDbtProcess, type SpawnDbt } from '../../src/io/dbt-process.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { DBT_FILES, PLAN_FOLDER } from '../../src/core/folders.js';
import { mergeReports } from '../../src/merge/main.js';
import { parsePlanInputs } from '../../src/plan/inputs.js';
import { runPlan, type PlanOutcome } from '../../src/plan/main.js';
import { parseRunInputs } from '../../src/run/inputs.js';
import { runShard, type RunOutcome } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN, removeDir } from '../helpers/dbt.js';

const manual: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};
const INTERVAL = { start: '2024-01-10', end: '2024-01-12' };

let scratch: string;
let planned: PlanOutcome;
const planLog = memoryLogger();
const dirs: string[] = [];

const envWith = (db: string): NodeJS.ProcessEnv => ({
  ...process.env,
  DBT_DUCKDB_PATH: path.join(scratch, db),
  DBT_THREADS: '2',
  DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
});

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'parse-once-'));
  const project = await copyExampleProject({ installPackages: false });
  dirs.push(project);
  const inputs = parsePlanInputs({
    'project-dir': project,
    'profiles-dir': project,
    'dbt-command': DBT_BIN,
    'connection-budget': '3',
    threads: '2',
    'max-shards': '1',
    'max-stages': '1',
    select: ['+fin_kpis'],
    out: path.join(scratch, 'plan'),
    ...INTERVAL,
  });
  const env = envWith('shop.duckdb');
  planned = await runPlan(inputs, {
    log: planLog,
    now: () => new Date(),
    trigger: manual,
    parseProject: (req) => parseProject(req, env),
  });
}, 300_000);

afterAll(async () => {
  await Promise.all([scratch, ...dirs].filter(Boolean).map((d) => removeDir(d)));
});

/** Runs the plan's shard on a fresh copy of the project (packages not installed). */
async function shardOnFreshCopy(
  name: string,
  env: NodeJS.ProcessEnv,
  planFile = planned.planFile,
): Promise<{ outcome: RunOutcome; shard: ShardArtifact; log: string; dbtDebugLog: string; project: string }> {
  const project = await copyExampleProject({ installPackages: false });
  dirs.push(project);
  const out = path.join(scratch, name);
  const inputs = parseRunInputs({
    plan: planFile,
    shard: '0',
    'project-dir': project,
    'profiles-dir': project,
    'dbt-command': DBT_BIN,
    out,
    ...INTERVAL,
  });
  // dbt's own debug log lives in the shard's .work folder, which the run removes when it ends: keep a
  // copy of it as each real dbt invocation finishes
  let dbtDebugLog = '';
  const keepDebugLog: SpawnDbt = async (opts) => {
    const result = await runDbtProcess(opts);
    const logPath = opts.args[opts.args.indexOf('--log-path') + 1]!;
    dbtDebugLog += await fs.readFile(path.join(logPath, 'dbt.log'), 'utf8').catch(() => '');
    return result;
  };
  const outcome = await runShard(inputs, {
    trigger: manual,
    env,
    attempt: 1,
    now: () => new Date(),
    log: memoryLogger(),
    handleProcessSignals: false,
    spawnDbt: keepDebugLog,
  });
  const shard = ShardArtifactSchema.parse(
    JSON.parse(await fs.readFile(path.join(outcome.shardDir, 'shard.json'), 'utf8')),
  );
  const log = await fs.readFile(path.join(outcome.shardDir, 'dbt.log'), 'utf8');
  return { outcome, shard, log, dbtDebugLog, project };
}

async function mergedSummary(shardsDir: string, planFile = planned.planFile): Promise<string> {
  const merge = await mergeReports(
    {
      planFile,
      inDir: shardsDir,
      outDir: path.join(shardsDir, '..', `${path.basename(shardsDir)}-report`),
      failOn: 'error',
      projectDir: '.',
      slowest: 3,
    },
    { log: memoryLogger(), readManifest },
  );
  expect(merge.exitCode).toBe(0);
  return merge.summaryMarkdown;
}

describe('parse once, install once', () => {
  it('the plan installs the missing package with dbt deps and ships the parse state and the packages', async () => {
    expect(planLog.lines.join('\n')).toMatch(/installed the project's packages with dbt deps/);
    const state = path.join(path.dirname(planned.planFile), PLAN_FOLDER.parseState);
    expect((await fs.stat(path.join(state, DBT_FILES.partialParse))).size).toBeGreaterThan(1000);
    // a file, not dbt's link to the package source: artifacts keep no links
    const macro = await fs.lstat(path.join(state, 'packages', 'shop_utils', 'macros', 'safe_divide.sql'));
    expect(macro.isFile()).toBe(true);
    expect(planned.plan.shards).toHaveLength(1);
    expect(planned.plan.shards[0]!.nodes).toContain('model.shop.fin_kpis');
  });

  it('a shard on a fresh copy in another folder skips parsing and never runs dbt deps', async () => {
    const r = await shardOnFreshCopy('fresh', envWith('shop.duckdb'));
    expect(r.outcome.exitCode, r.log).toBe(0);
    expect(r.log).not.toMatch(/Unable to do partial parsing/);
    const dbtLines = r.log.split('\n').filter((l) => !l.startsWith('[dbt-matrix]'));
    expect(dbtLines.filter((l) => /Installing|Running with dbt=.*deps/.test(l))).toEqual([]);
    expect(r.log).toMatch(/installed the plan's packages into/);
    expect(r.dbtDebugLog).toMatch(/Partial parsing enabled, no changes found, skipping parsing/);
    expect(r.shard.reparsed).toBeNull();
    expect(r.shard.command).not.toContain('deps');
    expect(r.outcome.results.results.find((x) => x.unique_id === 'model.shop.fin_kpis')?.status).toBe('success');
    expect(
      (await fs.lstat(path.join(r.project, 'dbt_packages', 'shop_utils', 'macros', 'safe_divide.sql'))).isFile(),
    ).toBe(true);
    expect(await mergedSummary(path.dirname(r.outcome.shardDir))).not.toMatch(/parsed the project again/);
  }, 300_000);

  it("a changed profile is detected from dbt's log, recorded and warned in the merge; the run passes", async () => {
    const r = await shardOnFreshCopy('profile', envWith('other.duckdb'));
    expect(r.outcome.exitCode, r.log).toBe(0);
    expect(r.shard.reparsed).toBe('profile has changed');
    expect(r.shard.chunks[0]!.reparsed).toBe('profile has changed');
    expect(await mergedSummary(path.dirname(r.outcome.shardDir))).toContain(
      `shard ${r.shard.id} parsed the project again: profile has changed`,
    );
  }, 300_000);

  it('a plan parsed by another dbt version is detected the same way', async () => {
    const planDir = path.join(scratch, 'plan-other-version');
    await fs.cp(path.dirname(planned.planFile), planDir, { recursive: true });
    // the saved parse records dbt's version; an equally long other version keeps the file readable
    const msgpack = path.join(planDir, PLAN_FOLDER.parseState, DBT_FILES.partialParse);
    const bytes = await fs.readFile(msgpack);
    const version = Buffer.from(planned.plan.dbtVersion);
    const other = Buffer.from(planned.plan.dbtVersion.replace(/\d/g, '9'));
    let replaced = 0;
    for (let at = bytes.indexOf(version); at >= 0; at = bytes.indexOf(version, at + 1), replaced++)
      other.copy(bytes, at);
    expect(replaced).toBeGreaterThan(0);
    await fs.writeFile(msgpack, bytes);
    const planFile = path.join(planDir, 'plan.json');
    const r = await shardOnFreshCopy('version', envWith('shop.duckdb'), planFile);
    expect(r.outcome.exitCode, r.log).toBe(0);
    expect(r.shard.reparsed).toBe('of a version mismatch');
    expect(await mergedSummary(path.dirname(r.outcome.shardDir), planFile)).toContain(
      `shard ${r.shard.id} parsed the project again: of a version mismatch`,
    );
  }, 300_000);
});

describe('a parse that holds a secret stays home', () => {
  it("dbt's saved parse keeps the value of an env var a model reads: the plan does not ship it, and says why", async () => {
    const project = await copyExampleProject({ installPackages: false });
    dirs.push(project);
    await fs.writeFile(
      path.join(project, 'models', 'reads_token.sql'),
      "{% set token = env_var('SHOP_API_TOKEN', '') %}\nselect 1 as x\n",
    );
    const secret = 'tok-3f9a1c77e2b84d05';
    const before = process.env['SHOP_API_TOKEN'];
    process.env['SHOP_API_TOKEN'] = secret;
    try {
      const log = memoryLogger();
      const out = path.join(scratch, 'plan-secret');
      const inputs = parsePlanInputs({
        'project-dir': project,
        'profiles-dir': project,
        'dbt-command': DBT_BIN,
        'connection-budget': '3',
        threads: '2',
        'max-shards': '1',
        'max-stages': '1',
        select: ['reads_token'],
        out,
        ...INTERVAL,
      });
      const env = envWith('secret.duckdb');
      await runPlan(inputs, {
        log,
        now: () => new Date(),
        trigger: manual,
        parseProject: (req) => parseProject(req, env),
      });
      // dbt did keep it: the saved parse in the project's target folder holds the value
      expect((await fs.readFile(path.join(project, 'target', DBT_FILES.partialParse))).includes(secret)).toBe(true);
      await expect(fs.access(path.join(out, PLAN_FOLDER.parseState, DBT_FILES.partialParse))).rejects.toThrow();
      const said = log.lines.join('\n');
      expect(said).toMatch(
        /holds the value of environment variable SHOP_API_TOKEN .*each shard parses the project itself/,
      );
      expect(said).not.toContain(secret);
    } finally {
      if (before === undefined) delete process.env['SHOP_API_TOKEN'];
      else process.env['SHOP_API_TOKEN'] = before;
    }
  }, 300_000);
});
