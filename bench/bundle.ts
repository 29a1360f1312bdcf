import { execFileSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const ncc = path.resolve(here, '../node_modules/@vercel/ncc/dist/ncc/cli.js');

/**
 * Bundles `entry` with ncc into `<dir>/<name>/index.js`, beside a bundle of the manifest worker in
 * `<dir>/manifest-worker/`: the layout of dist/, so benchmarks time the code as it ships (bundled,
 * reading large manifests on two threads) rather than as tsx runs the sources.
 */
export function bundleForBench(entry: string, name: string, dir: string): string {
  for (const [src, out] of [
    [entry, name],
    [path.resolve(here, '../src/manifest-worker/index.ts'), 'manifest-worker'],
  ] as const) {
    const outDir = path.join(dir, out);
    execFileSync(
      process.execPath,
      [ncc, 'build', src, '-o', outDir, '--target', 'es2022', '--transpile-only', '--quiet'],
      { stdio: 'inherit' },
    );
    if (existsSync(path.join(outDir, 'index.mjs')))
      renameSync(path.join(outDir, 'index.mjs'), path.join(outDir, 'index.js'));
  }
  return path.join(dir, name, 'index.js');
}
