/**
 * mergeReports end to end on shard folders written to disk (synthetic contents): reading,
 * problems naming files, the report folder, plan versioning, and downloading artifacts from a
 * FakeArtifactStore (a named stand-in for this run's GitHub artifact service).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { downloadShardArtifacts, shardArtifactName, type ArtifactSource } from '../../src/merge/artifacts.js';
import { parseMergeInputs } from '../../src/merge/inputs.js';
import { mergeReports } from '../../src/merge/main.js';
import { readShardFolder, readShardFolders, shardFolder, writeShardFiles } from '../../src/io/folders/index.js';
import { memoryLogger } from '../../src/shared/log.js';
import { artifactOf, planOf, resultOf, runResultsOf, T0, writeShardFolder } from '../helpers/shard-fixtures.js';

/** FakeArtifactStore: artifacts by id, each a set of files written into the download folder. */
class FakeArtifactStore implements ArtifactSource {
  readonly downloaded: number[] = [];
  constructor(private readonly artifacts: Array<{ id: number; name: string; files: Record<string, string> }>) {}
  async list() {
    return this.artifacts.map(({ id, name }) => ({ id, name }));
  }
  async download(id: number, dir: string) {
    this.downloaded.push(id);
    for (const [file, text] of Object.entries(this.artifacts.find((a) => a.id === id)!.files))
      await fs.writeFile(path.join(dir, file), text);
  }
}

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-merge-folders-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const plan = planOf([
  { id: 's1-00', stage: 1, nodes: ['model.shop.a', 'test.shop.t'] },
  { id: 's1-01', stage: 1, nodes: ['model.shop.b'] },
]);

async function writePlan(): Promise<string> {
  const planDir = path.join(tmp, 'plan');
  await fs.mkdir(planDir, { recursive: true });
  const file = path.join(planDir, 'plan.json');
  await fs.writeFile(file, JSON.stringify(plan));
  return file;
}

describe('the shard folder contract', () => {
  it('what run writes (writeShardFiles) is what merge reads (readShardFolder), under the names merge looks for', async () => {
    const dir = path.join(tmp, 's1-00');
    await fs.mkdir(dir);
    const artifact = artifactOf('s1-00', 1, T0, T0 + 1000);
    const results = runResultsOf([resultOf('model.shop.a', 'success', 1, T0)], 'i');
    await writeShardFiles(dir, JSON.stringify(results), artifact);
    expect((await fs.readdir(dir)).sort()).toEqual(
      [path.basename(shardFolder(dir).runResults), path.basename(shardFolder(dir).shard)].sort(),
    );
    const got = await readShardFolder(dir, 's1-00');
    expect(got.problems).toEqual([]);
    expect(got.artifact).toEqual(artifact);
    expect(got.results).toEqual(results);
  });
});

describe('readShardFolders', () => {
  it('reads every folder; a missing or malformed file is a problem naming the file', async () => {
    const inDir = path.join(tmp, 'in');
    await writeShardFolder(inDir, 's1-00', {
      artifact: artifactOf('s1-00', 1, T0, T0 + 1000),
      results: runResultsOf([resultOf('model.shop.a', 'success', 1, T0)], 'i'),
    });
    await writeShardFolder(inDir, 's1-01', {
      artifact: '{ not json',
      results: runResultsOf([resultOf('model.shop.b', 'success', 1, T0)], 'j'),
    });
    await writeShardFolder(inDir, 'x', {
      artifact: artifactOf('x', 1, T0, T0),
      results: { ...runResultsOf([], 'k'), results: [{ unique_id: 3 }] } as never,
    });
    await writeShardFolder(inDir, 'y', { artifact: artifactOf('y', 1, T0, T0) });
    const { shards: got } = await readShardFolders(inDir);
    expect(got.map((s) => [s.id, s.artifact !== null, s.results !== null])).toEqual([
      ['s1-00', true, true],
      ['s1-01', false, true],
      ['x', true, false],
      ['y', true, false],
    ]);
    expect(got[1]!.problems[0]!.message).toContain(path.join(inDir, 's1-01', 'shard.json'));
    expect(got[2]!.problems[0]!.message).toMatch(/run_results\.json is not what was expected at results\.0\.unique_id/);
    expect(got[3]!.problems[0]).toMatchObject({ level: 'error', file: path.join(inDir, 'y', 'run_results.json') });
  });

  it('treats an absent --in folder as no shards at all', async () => {
    expect(await readShardFolders(path.join(tmp, 'nothing'))).toEqual({ shards: [], ignored: [] });
  });

  it('reads run_results by the fields present, not the version label: a v7 that fits merges, one that does not is named', async () => {
    const inDir = path.join(tmp, 'in');
    const rr = runResultsOf([resultOf('model.shop.a', 'success', 1, T0)], 'i');
    rr.metadata.dbt_schema_version = 'https://schemas.getdbt.com/dbt/run-results/v7.json';
    await writeShardFolder(inDir, 's1-00', { artifact: artifactOf('s1-00', 1, T0, T0), results: rr });
    await writeShardFolder(inDir, 's1-01', {
      artifact: artifactOf('s1-01', 1, T0, T0),
      results: { ...rr, results: [{ unique_id: 'model.shop.b', state: 'done' }] } as never,
    });
    const {
      shards: [ok, bad],
    } = await readShardFolders(inDir);
    expect(ok!.results?.results.map((r) => r.status)).toEqual(['success']);
    expect(ok!.problems).toEqual([]);
    expect(bad!.results).toBeNull();
    expect(bad!.problems[0]!.message).toMatch(/run_results\.json is not what was expected at results\.0\.status/);
  });
});

describe('mergeReports', () => {
  it('downloads the latest attempt of each shard artifact, merges, and writes the report folder', async () => {
    const planFile = await writePlan();
    const json = (v: unknown) => JSON.stringify(v);
    const store = new FakeArtifactStore([
      {
        id: 1,
        name: shardArtifactName('s1-00', 1),
        files: {
          'shard.json': json(artifactOf('s1-00', 1, T0, T0 + 5000)),
          'run_results.json': json(runResultsOf([resultOf('model.shop.a', 'error', 1, T0)], 'a1')),
        },
      },
      {
        id: 2,
        name: shardArtifactName('s1-00', 2),
        files: {
          'shard.json': json(artifactOf('s1-00', 1, T0 + 9000, T0 + 12_000, { attempt: 2 })),
          'run_results.json': json(
            runResultsOf([resultOf('model.shop.a', 'success', 1, T0), resultOf('test.shop.t', 'pass', 1, T0)], 'a2'),
          ),
        },
      },
      {
        id: 3,
        name: shardArtifactName('s1-01', 1),
        files: {
          'shard.json': json(artifactOf('s1-01', 1, T0 + 1000, T0 + 4000)),
          'run_results.json': json(runResultsOf([resultOf('model.shop.b', 'success', 2, T0)], 'b1')),
        },
      },
    ]);
    const inputs = parseMergeInputs({ plan: planFile, in: path.join(tmp, 'in'), out: path.join(tmp, 'report') });
    const log = memoryLogger();
    const outcome = await mergeReports(inputs, {
      log,
      readManifest,
      artifacts: store,
      now: () => new Date(T0 + 60_000),
      newInvocationId: () => 'm',
    });
    expect(store.downloaded).toEqual([2, 3]);
    expect(outcome).toMatchObject({ status: 'success', exitCode: 0, totals: { passed: 3, failed: 0 } });
    expect(outcome.report.shards[0]).toMatchObject({ id: 's1-00', attempt: 2 });
    expect(outcome.report.window).toMatchObject({ seconds: 11 }); // s1-01 starts at +1s, s1-00's re-run ends at +12s
    expect((await fs.readdir(outcome.reportDir)).sort()).toEqual([
      'junit.xml',
      'plan.json',
      'run_results.json',
      'summary.md',
    ]);
    // the summary says which attempt of each shard it used
    const rows = (await fs.readFile(path.join(outcome.reportDir, 'summary.md'), 'utf8')).split('\n');
    expect(rows.find((l) => l.includes('`s1-00`'))).toMatch(/\(re-run #2\) \|$/);
    expect(rows.find((l) => l.includes('`s1-01`'))).not.toMatch(/re-run/);
    expect(log.lines.some((l) => l.includes('no manifest.json beside the plan'))).toBe(true);
    const written = JSON.parse(await fs.readFile(outcome.files.runResults, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(outcome.report.runResults)));
  });

  it('writes the same files twice for the same inputs (deterministic)', async () => {
    const planFile = await writePlan();
    const inDir = path.join(tmp, 'in');
    await writeShardFolder(inDir, 's1-00', {
      artifact: artifactOf('s1-00', 1, T0, T0 + 1000),
      results: runResultsOf([resultOf('test.shop.t', 'fail', 1, T0), resultOf('model.shop.a', 'success', 1, T0)], 'i'),
    });
    const run = async (out: string) => {
      const o = await mergeReports(parseMergeInputs({ plan: planFile, in: inDir, out: path.join(tmp, out) }), {
        log: memoryLogger(),
        readManifest,
        now: () => new Date(T0),
        newInvocationId: () => 'm',
      });
      return Promise.all(
        ['run_results.json', 'summary.md', 'junit.xml'].map((f) => fs.readFile(path.join(o.reportDir, f), 'utf8')),
      );
    };
    expect(await run('r1')).toEqual(await run('r2'));
  });

  it('rejects a plan written by a newer dbt-matrix with one clear line', async () => {
    const planFile = path.join(tmp, 'plan.json');
    await fs.writeFile(planFile, JSON.stringify({ ...plan, version: 2 }));
    const err = await mergeReports(parseMergeInputs({ plan: planFile, in: tmp }), {
      log: memoryLogger(),
      readManifest,
    }).catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toMatch(/has version 2, newer than the version 1 this dbt-matrix reads/);
  });
});

describe('downloadShardArtifacts', () => {
  it('replaces a stale folder rather than mixing old and new files', async () => {
    const dir = path.join(tmp, 'in');
    await fs.mkdir(path.join(dir, 's1-00'), { recursive: true });
    await fs.writeFile(path.join(dir, 's1-00', 'stale.txt'), 'old');
    await downloadShardArtifacts(
      new FakeArtifactStore([{ id: 1, name: shardArtifactName('s1-00', 1), files: { 'run_results.json': '{}' } }]),
      dir,
    );
    expect(await fs.readdir(path.join(dir, 's1-00'))).toEqual(['run_results.json']);
  });
});
