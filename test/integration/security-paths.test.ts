/**
 * Paths read from files and given as --out: a plan's shard id can never reach outside --out, the
 * shard folder is replaced by a rename (never emptied in place), and a bad --out (a file, a folder
 * that cannot be written, the kernel's /proc) is one line and exit 2 before any work, with nothing
 * written. Run in-process (runShard) and through the real CLI.
 */
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { isUserError } from '../../src/core/errors.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { parseLocalInputs } from '../../src/local/inputs.js';
import { runLocal } from '../../src/local/main.js';
import { Progress } from '../../src/local/progress.js';
import { parseMergeInputs } from '../../src/merge/inputs.js';
import { mergeReports } from '../../src/merge/main.js';
import { parsePlanInputs } from '../../src/plan/inputs.js';
import { runPlan } from '../../src/plan/main.js';
import { parseRunInputs } from '../../src/run/inputs.js';
import { runShard } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { expectOneLineRefusal, listTree, runCli } from '../helpers/cli.js';
import { tinyManifest, tinyPlan, writePlanFolder } from '../helpers/tiny-manifest.js';

const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-15T12:00:00Z'),
};
// made at collection time: the table of --out cases below names paths inside it
const root = mkdtempSync(path.join(os.tmpdir(), 'dbt-matrix-paths-'));
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** root/<name>/{keep.txt, out/, plan/}: keep.txt beside --out must survive whatever the plan says. */
async function sandbox(name: string, plan: unknown): Promise<{ dir: string; out: string; planFile: string }> {
  const dir = path.join(root, name);
  await fs.mkdir(path.join(dir, 'out'), { recursive: true });
  await fs.writeFile(path.join(dir, 'keep.txt'), "the user's file\n");
  const planFile = await writePlanFolder(path.join(dir, 'plan'), plan);
  return { dir, out: path.join(dir, 'out'), planFile };
}

const run = (planFile: string, out: string, extra: Record<string, string> = {}) =>
  runShard(
    parseRunInputs({
      plan: planFile,
      shard: '0',
      out,
      start: '2024-01-10',
      end: '2024-01-11',
      'dbt-command': '/nonexistent/dbt',
      ...extra,
    }),
    {
      trigger,
      env: {},
      attempt: 1,
      now: () => new Date(),
      log: memoryLogger(),
      handleProcessSignals: false,
    },
  );

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isUserError(err), String(err)).toBe(true);
  return (err as Error).message;
}

describe('shard ids from plan.json stay inside --out', () => {
  it.each([
    '..',
    '.',
    '../..',
    'a/../../x',
    '../out2',
    '/tmp/x',
    'a\\b',
    '.work',
    'final',
    '',
    'x'.repeat(65),
    'a..b',
    '-x',
    's1\u0000',
  ])('a shard id %j is refused and nothing outside (or inside) --out is touched', async (id) => {
    const s = await sandbox(`id-${Buffer.from(id).toString('hex').slice(0, 40) || 'empty'}`, tinyPlan([{ id }]));
    const before = await listTree(s.dir);
    const message = await refusal(run(s.planFile, s.out));
    expect(message).toMatch(/--plan: .*shards\.0\.id/);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(await listTree(s.dir)).toEqual(before);
  });

  it('two shards with one id (or one index) are refused', async () => {
    const s = await sandbox('dupe', tinyPlan([{ id: 's1-01' }, { id: 's1-01' }]));
    expect(await refusal(run(s.planFile, s.out))).toMatch(/duplicate shard id/);
    const t = await sandbox(
      'dupe-index',
      tinyPlan([
        { id: 's1-01', index: 0 },
        { id: 's1-02', index: 0 },
      ]),
    );
    expect(await refusal(run(t.planFile, t.out))).toMatch(/duplicate shard index/);
  });

  it('the CLI refuses a plan whose shard id is ".." in one line, exit 2, leaving the folder above --out alone', async () => {
    const s = await sandbox('cli-dotdot', tinyPlan([{ id: '..' }]));
    const before = await listTree(s.dir);
    const r = await runCli([
      'run',
      '--plan',
      s.planFile,
      '--shard',
      '0',
      '--out',
      s.out,
      '--start',
      '2024-01-10',
      '--end',
      '2024-01-11',
    ]);
    expectOneLineRefusal(r, '--plan');
    expect(await listTree(s.dir)).toEqual(before);
  });
});

describe('the shard folder is replaced whole', () => {
  it('a run puts a new folder in place of the old one by rename; a refused run leaves the old one untouched and writes nothing', async () => {
    const s = await sandbox('replace', tinyPlan([{ id: 's1-00', nodes: [] }]));
    const shardDir = path.join(s.out, 's1-00');
    await fs.mkdir(shardDir);
    await fs.writeFile(path.join(shardDir, 'stale.txt'), 'from an earlier attempt');

    // a reserved var is refused before anything is written: no dbt.log, no .work, old folder intact
    const before = await listTree(s.dir);
    expect(await refusal(run(s.planFile, s.out, { vars: 'start_dttm: x' }))).toMatch(
      /--vars: got the key "start_dttm"/,
    );
    expect(await listTree(s.dir)).toEqual(before);

    const inode = (await fs.stat(shardDir)).ino;
    const outcome = await run(s.planFile, s.out);
    expect(outcome.shardDir).toBe(shardDir);
    expect((await fs.readdir(shardDir)).sort()).toEqual(['dbt.log', 'run_results.json', 'shard.json']);
    expect((await fs.stat(shardDir)).ino).not.toBe(inode); // a new folder, not the old one emptied
    // no staging or scratch folders left beside it
    expect((await fs.readdir(s.out)).sort()).toEqual(['s1-00']);
  });
});

describe('--out problems are one line, exit 2, before any work, nothing written', () => {
  const planDir = path.join(root, 'cli-plan');
  const manifest = path.join(planDir, 'manifest.json');
  beforeAll(async () => {
    await fs.mkdir(planDir, { recursive: true });
    await fs.writeFile(manifest, JSON.stringify(tinyManifest()));
    await fs.writeFile(path.join(root, 'a-file'), 'not a folder\n');
  });
  const planWith = (out: string) =>
    runPlan(parsePlanInputs({ manifest, 'connection-budget': '4', out }), {
      log: memoryLogger(),
      now: () => new Date(),
      parseProject: () => Promise.reject(new Error('not used')),
    });

  const outs: Array<[string, string, RegExp]> = [
    ['a file', path.join(root, 'a-file'), /--out: .*is not a folder/],
    ['a path under a file', path.join(root, 'a-file', 'sub'), /--out: .*is not a folder/],
    ['/proc', '/proc/dbt-matrix-x', /--out: .*proc file system/],
    ['/sys', '/sys/dbt-matrix-x', /--out: .*sysfs file system/],
  ];

  it.each(outs)('plan, run, merge and local refuse --out %s', async (_what, out, why) => {
    const planFile = await writePlanFolder(path.join(root, 'plan-for-out'), tinyPlan([{ id: 's1-00' }]));
    const before = await listTree(root);
    expect(await refusal(planWith(out))).toMatch(why);
    expect(await refusal(run(planFile, out))).toMatch(why);
    expect(
      await refusal(
        mergeReports(parseMergeInputs({ plan: planFile, in: path.join(root, 'no-shards'), out }), {
          log: memoryLogger(),
          readManifest,
        }),
      ),
    ).toMatch(why);
    const local = parseLocalInputs({ manifest, 'connection-budget': '4', out });
    expect(
      await refusal(
        runLocal(local, {
          env: {},
          trigger,
          now: () => new Date(),
          log: memoryLogger(),
          progress: new Progress({ write: () => true }),
          parseProject: () => Promise.reject(new Error('not used')),
        }),
      ),
    ).toMatch(why);
    expect(await listTree(root)).toEqual(before);
  });

  it("the CLI: plan --out /proc/x returns at once with one line and exit 2 (Node's recursive mkdir loops forever there)", async () => {
    const r = await runCli(['plan', '--manifest', manifest, '--connection-budget', '4', '--out', '/proc/dbt-matrix-x']);
    expectOneLineRefusal(r, /--out: "\/proc\/dbt-matrix-x" is on the kernel's proc file system/);
  });

  it('the CLI: a folder this user may not write into', async () => {
    const ro = path.join(root, 'read-only');
    await fs.mkdir(ro, { recursive: true });
    await fs.chmod(ro, 0o555);
    await fs.chmod(root, 0o755);
    // root may write anywhere: run the CLI as `nobody` then
    const prefix = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const r = await runCli(
      ['plan', '--manifest', manifest, '--connection-budget', '4', '--out', path.join(ro, 'plan')],
      { prefix },
    );
    expectOneLineRefusal(r, /--out: cannot write to .*no permission to write/);
    expect(await fs.readdir(ro)).toEqual([]);
  });
});

describe("a re-plan without --state drops the previous plan's state", () => {
  it('state/ from an earlier plan --state is removed, so run --defer cannot use it', async () => {
    const dir = path.join(root, 'replan');
    const stateDir = path.join(dir, 'prod');
    await fs.mkdir(stateDir, { recursive: true });
    const manifest = path.join(dir, 'manifest.json');
    await fs.writeFile(manifest, JSON.stringify(tinyManifest()));
    await fs.copyFile(manifest, path.join(stateDir, 'manifest.json'));
    const out = path.join(dir, 'plan');
    const plan = (extra: Record<string, string>) =>
      runPlan(parsePlanInputs({ manifest, 'connection-budget': '4', out, ...extra }), {
        log: memoryLogger(),
        now: () => new Date(),
        parseProject: () => Promise.reject(new Error('not used')),
      });
    await plan({ state: stateDir });
    expect(await fs.readdir(path.join(out, 'state'))).toEqual(['manifest.json']);
    await plan({});
    expect((await fs.readdir(out)).sort()).toEqual(['manifest.json', 'plan.json']);
  });
});
