// Bundles each entry point with ncc into dist/<entry>/index.js (committed; CI checks it is current),
// after compiling the WebAssembly scanner into src/core/manifest/json-scanner-wasm.ts (also committed and checked).
// --transpile-only: types are checked once by `npm run typecheck`, not per bundle. Argument arrays only: no shell.
import { execFileSync } from 'node:child_process';
import { rmSync, readdirSync, renameSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
const entries = process.argv.slice(2).length ? process.argv.slice(2) : ['action', 'plan', 'run', 'merge', 'cli', 'manifest-worker'];

// the WebAssembly manifest scanner is compiled into a source module the bundles include
execFileSync(process.execPath, [path.join(root, 'scripts', 'build-wasm.mjs')], { cwd: root, stdio: 'inherit' });

for (const entry of entries) {
  const out = path.join(root, 'dist', entry);
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [ncc, 'build', path.join(root, 'src', entry, 'index.ts'), '-o', out, '--target', 'es2022', '--transpile-only', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  // ncc names ESM output index.mjs; action.yml and bin/ load index.js (package.json says "type": "module").
  if (existsSync(path.join(out, 'index.mjs'))) renameSync(path.join(out, 'index.mjs'), path.join(out, 'index.js'));
  const files = readdirSync(out);
  process.stdout.write(`built dist/${entry}: ${files.join(', ')}\n`);
}
