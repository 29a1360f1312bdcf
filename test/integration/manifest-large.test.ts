import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateManifest } from '../../bench/generate-manifest.js';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'dbt-matrix.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'manifest-large-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// V8 cannot hold a string over ~512 MiB, so JSON.parse(readFileSync(...)) of such a
// manifest fails; the planner streams it. The plan runs in a child process whose V8 heap is
// capped far below the file size: it can only succeed if the manifest is never held whole.
describe('a manifest over 512 MiB', () => {
  it('plans with a heap capped at 128 MiB and a peak RSS well below the file size', async () => {
    const file = path.join(tmp, 'manifest.json');
    const { nodes } = await generateManifest(file, { models: 6000, padBytes: 66_000, macros: 200 });
    const bytes = statSync(file).size;
    expect(bytes).toBeGreaterThan(512 * 2 ** 20);

    const out = path.join(tmp, 'plan');
    const script = `
      process.argv = [process.argv[0], ${JSON.stringify(CLI)}, 'plan', '--manifest', ${JSON.stringify(file)}, '--connection-budget', '20', '--out', ${JSON.stringify(out)}, '--json'];
      await import(${JSON.stringify(CLI)});
      process.on('exit', () => process.stderr.write('MAXRSS=' + process.resourceUsage().maxRSS + '\\n'));
    `;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--max-old-space-size=128', '--input-type=module', '-e', script],
      { maxBuffer: 16 * 2 ** 20 },
    );
    const outcome = JSON.parse(stdout.trim().split('\n').pop()!) as { hasWork: boolean; stages: number };
    expect(outcome.hasWork).toBe(true);
    const maxRssBytes = Number(/MAXRSS=(\d+)/.exec(stderr)![1]) * 1024;
    console.log(
      `manifest ${(bytes / 2 ** 20).toFixed(0)} MiB, ${nodes} nodes: plan peak RSS ${(maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(maxRssBytes).toBeLessThan(bytes / 2);
  });
});
