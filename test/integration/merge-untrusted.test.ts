/**
 * Shard artifacts are untrusted input: merge reads regular files only (no symlinks, FIFOs or
 * devices), within size bounds, from folders whose names are shard ids, and never lets an
 * artifact name lead a download outside --in. Real files, real FIFOs and symlinks on disk.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/io/manifest-reader.js';
import { downloadShardArtifacts, latestShardArtifacts, type ArtifactSource } from '../../src/merge/artifacts.js';
import { parseMergeInputs } from '../../src/merge/inputs.js';
import { mergeReports } from '../../src/merge/main.js';
import { readShardFolders } from '../../src/io/folders/index.js';
import { memoryLogger } from '../../src/shared/log.js';
import { artifactOf, planOf, resultOf, runResultsOf, T0, writeShardFolder } from '../helpers/shard-fixtures.js';

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-untrusted-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const SECRET = 'root:x:0:0:very-private-first-bytes';

async function shardWith(id: string): Promise<string> {
  return writeShardFolder(path.join(tmp, 'in'), id, {
    artifact: artifactOf(id, 1, T0, T0 + 1000),
    results: runResultsOf([resultOf('model.shop.a', 'success', 1, T0)], 'i'),
  });
}

async function mergeIn(): Promise<Awaited<ReturnType<typeof mergeReports>>> {
  const planFile = path.join(tmp, 'plan.json');
  await fs.writeFile(planFile, JSON.stringify(planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a'] }])));
  return mergeReports(parseMergeInputs({ plan: planFile, in: path.join(tmp, 'in'), out: path.join(tmp, 'report') }), {
    log: memoryLogger(),
    readManifest,
  });
}

describe('merge reads artifacts as untrusted', () => {
  it('refuses a run_results.json that is a symlink, without quoting the target (it followed it before)', async () => {
    const folder = await shardWith('s1-00');
    const target = path.join(tmp, 'private.txt');
    await fs.writeFile(target, SECRET);
    await fs.rm(path.join(folder, 'run_results.json'));
    await fs.symlink(target, path.join(folder, 'run_results.json'));
    const outcome = await mergeIn();
    expect(outcome.status).toBe('failure');
    expect(outcome.report.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/run_results\.json is a symbolic link; artifacts must hold regular files only/),
    );
    expect(outcome.summaryMarkdown).not.toContain('very-private');
    expect(await fs.readFile(outcome.files.summary, 'utf8')).not.toContain('very-private');
  });

  it('refuses a FIFO at once instead of hanging', async () => {
    const folder = await shardWith('s1-00');
    await fs.rm(path.join(folder, 'shard.json'));
    execFileSync('mkfifo', [path.join(folder, 'shard.json')]);
    const started = Date.now();
    const { shards } = await readShardFolders(path.join(tmp, 'in'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(shards[0]!.problems[0]!.message).toMatch(/shard\.json is a FIFO, not a regular file/);
    expect(shards[0]!.results).not.toBeNull();
  }, 10_000);

  it('refuses an artifact file over its size bound with a clear message, before reading it', async () => {
    const folder = await shardWith('s1-00');
    await fs.truncate(path.join(folder, 'run_results.json'), 300 * 1024 * 1024); // sparse: no 300 MiB written
    const { shards } = await readShardFolders(path.join(tmp, 'in'));
    expect(shards[0]!.results).toBeNull();
    expect(shards[0]!.problems[0]!.message).toMatch(
      /run_results\.json is 300 MiB, over the 256 MiB limit for this file/,
    );
  });

  it("does not echo a malformed file's bytes or control characters", async () => {
    const folder = await shardWith('s1-00');
    await fs.writeFile(path.join(folder, 'run_results.json'), `{"x": "${SECRET}\u001b[2J" oops`);
    const { shards } = await readShardFolders(path.join(tmp, 'in'));
    expect(shards[0]!.problems[0]!.message).toBe(
      `shard s1-00: ${path.join(folder, 'run_results.json')} is not valid JSON`,
    );
  });

  it('ignores, with a warning, a symlinked shard folder, a plain file and a folder name no shard id has', async () => {
    const real = await shardWith('s1-00');
    const inDir = path.join(tmp, 'in');
    await fs.symlink(real, path.join(inDir, 's1-01'));
    await fs.writeFile(path.join(inDir, 'notes.txt'), 'x');
    await fs.mkdir(path.join(inDir, 'bad name;rm'));
    const { shards, ignored } = await readShardFolders(inDir);
    expect(shards.map((s) => s.id)).toEqual(['s1-00']);
    expect(ignored.map((p) => p.message).sort()).toEqual(
      [
        '--in: ignored folder "bad name;rm": not a shard id (letters, digits, _ . -, not starting with a dot)',
        `--in: ignored "notes.txt": not a folder, and shard artifacts are folders of regular files`,
        `--in: ignored "s1-01": a symbolic link, and shard artifacts are folders of regular files`,
      ].sort(),
    );
  });
});

describe('artifact names never lead outside --in', () => {
  it('does not take `..` or a path as a shard id (it removed the folder above --in before)', async () => {
    const names = [
      'dbt-matrix-shard-..-attempt-1',
      'dbt-matrix-shard-.-attempt-1',
      'dbt-matrix-shard-a/b-attempt-1',
      'dbt-matrix-shard-.hidden-attempt-1',
      'dbt-matrix-shard-s1-00-attempt-2',
    ];
    expect(latestShardArtifacts(names.map((name, id) => ({ name, id }))).map((a) => a.shardId)).toEqual(['s1-00']);
    const inDir = path.join(tmp, 'deep', 'in');
    await fs.mkdir(inDir, { recursive: true });
    await fs.writeFile(path.join(tmp, 'deep', 'keep.txt'), 'still here');
    const source: ArtifactSource = {
      list: async () => [{ name: 'dbt-matrix-shard-..-attempt-1', id: 1 }],
      download: async () => undefined,
    };
    expect(await downloadShardArtifacts(source, inDir)).toEqual([]);
    expect(await fs.readFile(path.join(tmp, 'deep', 'keep.txt'), 'utf8')).toBe('still here');
  });
});
