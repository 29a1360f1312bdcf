// Bundles each entry point with ncc into dist/<entry>/index.js (committed; CI checks it is current),
// after compiling the WebAssembly scanner into src/core/manifest/json-scanner-wasm.ts and embedding the Python
// helpers src/**/*.py into *-script.ts modules (both also committed and checked).
// --transpile-only: types are checked once by `npm run typecheck`, not per bundle. Argument arrays only: no shell.
// The bundles are built side by side, one per core: each ncc run is single-threaded and takes seconds.
import { execFile, execFileSync } from 'node:child_process';
import { rmSync, readdirSync, renameSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
const entries = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['plan', 'run', 'merge', 'cli', 'action', 'manifest-worker']; // largest first: the pool finishes together

// the WebAssembly manifest scanner is compiled into a source module the bundles include
execFileSync(process.execPath, [path.join(root, 'scripts', 'build-wasm.mjs')], { cwd: root, stdio: 'inherit' });
// and the Python helpers (src/**/*.py) into string constants (*-script.ts beside them)
execFileSync(process.execPath, [path.join(root, 'scripts', 'embed-python.mjs')], { cwd: root, stdio: 'inherit' });

async function bundle(entry) {
  const out = path.join(root, 'dist', entry);
  rmSync(out, { recursive: true, force: true });
  const args = [
    ncc,
    'build',
    path.join(root, 'src', entry, 'index.ts'),
    '-o',
    out,
    '--target',
    'es2022',
    '--transpile-only',
    '--quiet',
  ];
  const { stderr } = await promisify(execFile)(process.execPath, args, { cwd: root, maxBuffer: 64 * 2 ** 20 });
  if (stderr) process.stderr.write(stderr);
  // ncc names ESM output index.mjs; action.yml and bin/ load index.js (package.json says "type": "module").
  if (existsSync(path.join(out, 'index.mjs'))) renameSync(path.join(out, 'index.mjs'), path.join(out, 'index.js'));
  return `built dist/${entry}: ${readdirSync(out).join(', ')}\n`;
}

// a pool of one worker per core, taking the entries in order; lines are printed in entry order
const lines = new Array(entries.length);
let next = 0;
const worker = async () => {
  while (next < entries.length) {
    const i = next++;
    lines[i] = await bundle(entries[i]);
  }
};
await Promise.all(Array.from({ length: Math.min(availableParallelism(), entries.length) }, worker));
process.stdout.write(lines.join(''));
