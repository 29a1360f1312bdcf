import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { driftedFiles, OUTPUTS, ROOT } from '../../scripts/docs.js';

describe('action.yml and the README tables', () => {
  it('are what `npm run docs` generates from the option lists (run it and commit when this fails)', () => {
    expect(driftedFiles()).toEqual([]);
  });

  it('declare every output an entry sets, and nothing more', () => {
    const set = new Set<string>();
    for (const entry of ['plan', 'run', 'merge']) {
      const src = readFileSync(path.join(ROOT, 'src', entry, 'action.ts'), 'utf8');
      for (const m of src.matchAll(/setOutput\(\s*['"]([a-z0-9-]+)/g)) set.add(m[1]!);
      if (/setOutput\(`matrix-\$\{stage\}`/.test(src)) ['matrix-2', 'matrix-3'].forEach((o) => set.add(o));
    }
    expect([...set].sort()).toEqual(OUTPUTS.map(([name]) => name).sort());
  });

  it('runs the node24 bundle that dispatches per command', () => {
    const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; main: string } };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/action/index.js' });
    // one bundle per command, the CLI, and the thread that splits large manifests for all of them
    expect(readdirSync(path.join(ROOT, 'dist')).sort()).toEqual(['action', 'cli', 'manifest-worker', 'merge', 'plan', 'run']);
  });
});
