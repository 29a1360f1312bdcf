import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateManifest } from '../../bench/generate-manifest.js';
import { parsePlanInputs } from '../../src/plan/inputs.js';
import { runPlan } from '../../src/plan/main.js';
import { memoryLogger } from '../../src/shared/log.js';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'dbt-matrix.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'manifest-threads-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// a preload that says when a worker thread starts (Node's own diagnostics channel)
const WATCH = path.join(tmp, 'watch-workers.mjs');
writeFileSync(
  WATCH,
  "import dc from 'node:diagnostics_channel';\ndc.subscribe('worker_threads', () => process.stderr.write('worker thread started\\n'));\n",
);
const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', WATCH, CLI, ...args], { maxBuffer: 16 * 2 ** 20 });

// Manifests from 32 MiB are split into entries on a worker thread (dist/manifest-worker) while the
// main thread parses them. The thread exists only in the bundles, so this runs the bundled CLI and
// compares it with the sources, which read on one thread.
describe('a manifest read on two threads (the bundled CLI)', () => {
  const file = path.join(tmp, 'manifest.json');

  it('plans exactly as the one-thread reader does', async () => {
    await generateManifest(file, { models: 4500 });
    expect(statSync(file).size).toBeGreaterThan(32 * 2 ** 20);
    const bundled = path.join(tmp, 'bundled');
    const { stderr } = await cli([
      'plan',
      '--manifest',
      file,
      '--connection-budget',
      '20',
      '--shard-overhead-seconds',
      '30',
      '--out',
      bundled,
      '--json',
    ]);
    expect(stderr).toContain('worker thread started');
    const inputs = parsePlanInputs({
      manifest: file,
      'connection-budget': '20',
      'shard-overhead-seconds': '30',
      out: path.join(tmp, 'source'),
    });
    const { plan } = await runPlan(inputs, {
      log: memoryLogger(),
      now: () => new Date(),
      parseProject: () => Promise.reject(new Error('unused')),
    });
    const fromCli = JSON.parse(readFileSync(path.join(bundled, 'plan.json'), 'utf8'));
    expect(fromCli.shards.length).toBeGreaterThan(1);
    expect({ ...fromCli, createdAt: null }).toEqual({ ...plan, createdAt: null });
    expect(readFileSync(path.join(bundled, 'manifest.json')).equals(readFileSync(file))).toBe(true);
  }, 120_000);

  it('reads on one thread, with a warning, when the thread cannot run', async () => {
    const dist = path.join(tmp, 'dist');
    cpSync(path.join(ROOT, 'dist', 'cli'), path.join(dist, 'cli'), { recursive: true });
    cpSync(path.join(ROOT, 'dist', 'manifest-worker'), path.join(dist, 'manifest-worker'), { recursive: true });
    writeFileSync(path.join(dist, 'manifest-worker', 'index.js'), "throw new Error('a broken bundle');\n");
    const out = path.join(tmp, 'fallback');
    const { stderr } = await promisify(execFile)(process.execPath, [
      path.join(dist, 'cli', 'index.js'),
      'plan',
      '--manifest',
      file,
      '--connection-budget',
      '20',
      '--shard-overhead-seconds',
      '30',
      '--out',
      out,
    ]);
    expect(stderr).toMatch(
      /^warning: --manifest: the thread that splits large manifests could not run \(a broken bundle\); reading .*manifest\.json on one thread$/m,
    );
    const fromOneThread = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    const fromTwo = JSON.parse(readFileSync(path.join(tmp, 'bundled', 'plan.json'), 'utf8'));
    expect({ ...fromOneThread, createdAt: null }).toEqual({ ...fromTwo, createdAt: null });

    // the merge reads the plan folder's manifest the same way, and says so too (no shard ran: it fails)
    const merged = await promisify(execFile)(process.execPath, [
      path.join(dist, 'cli', 'index.js'),
      'merge',
      '--plan',
      path.join(out, 'plan.json'),
      '--in',
      path.join(tmp, 'no-shards'),
      '--out',
      path.join(tmp, 'report'),
      '--fail-on',
      'never',
    ]);
    expect(merged.stderr).toMatch(
      /^warning: --manifest: the thread that splits large manifests could not run \(a broken bundle\); reading .*fallback\/manifest\.json on one thread$/m,
    );
  }, 120_000);

  it('reports a truncated file in one line, as the one-thread reader does, and writes nothing', async () => {
    const cut = path.join(tmp, 'truncated.json');
    copyFileSync(file, cut);
    truncateSync(cut, statSync(cut).size - 100);
    const out = path.join(tmp, 'never');
    const err = await cli(['plan', '--manifest', cut, '--connection-budget', '20', '--out', out]).then(
      () => null,
      (e: { stderr: string; code: number }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim()).toMatch(
      /^dbt-matrix: --manifest: .*truncated\.json is not valid JSON \(the JSON ends early \(truncated file\?\)\)$/m,
    );
    expect(() => statSync(out)).toThrow();
  }, 60_000);
});
