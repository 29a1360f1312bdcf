import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyManifest, TINY_MODELS } from '../helpers/tiny-manifest.js';
import { makeFixture, removeFixture, type ActFixture } from './act-harness.js';
import { dispatchEvent, runAct, tail, type ActRun } from './act-run.js';

/**
 * The root action.yml, kept for one release as the `command` front, under act: a workflow written
 * the old way (`uses: dbt-matrix/dbt-matrix@v1` with `command: plan`) still plans — outputs set,
 * plan folder uploaded — and the job log carries a warning naming the sub-action to use instead.
 * The plan reads a small manifest, so no dbt runs: this checks the front, not the planner.
 */
// outside .github/: the harness reads .github/ workflows from the repository, this one is the test's
const WORKFLOW = 'compat/compat.yml';

describe('the root action (`command: plan`) under act', () => {
  let fixture: ActFixture;
  let run: ActRun;

  beforeAll(async () => {
    fixture = await makeFixture('compat');
    const manifest = path.join(fixture.dir, 'manifest.json');
    await fs.writeFile(manifest, JSON.stringify(tinyManifest()));
    const workflow = [
      'name: compat',
      'on: workflow_dispatch',
      'permissions: {}',
      'jobs:',
      '  plan:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - id: plan',
      '        uses: dbt-matrix/dbt-matrix@v1',
      '        with:',
      '          command: plan',
      `          manifest: ${JSON.stringify(manifest)}`,
      '          connection-budget: 4',
      '',
    ].join('\n');
    await fs.mkdir(path.join(fixture.workspace, path.dirname(WORKFLOW)), { recursive: true });
    await fs.writeFile(path.join(fixture.workspace, WORKFLOW), workflow);
    run = await runAct({
      fixture,
      workflow: WORKFLOW,
      eventName: 'workflow_dispatch',
      event: dispatchEvent({}),
      timeoutMs: 4 * 60_000,
    });
  }, 5 * 60_000);

  afterAll(async () => {
    await removeFixture(fixture);
  });

  it('still plans: the job succeeds with the matrix and the uploaded plan folder as outputs', () => {
    expect(run.exitCode, tail(run)).toBe(0);
    expect(run.jobs.get('plan'), tail(run)).toBe('succeeded');
    const matrix = JSON.parse(run.planOutputs['matrix'] ?? '{}') as { include: Array<{ shard: number }> };
    expect(matrix.include.length, tail(run)).toBeGreaterThanOrEqual(1);
    expect(run.planOutputs['has-work']).toBe('true');
    expect(run.planOutputs['plan-artifact']).toBe('dbt-matrix-plan-attempt-1');
    expect(run.log).toMatch(new RegExp(`\\[compat/plan\\s*\\].*dbt-matrix plan: ${TINY_MODELS.length} nodes to run`));
  });

  it('warns in the job log with the sub-action to use instead', () => {
    expect(run.log).toMatch(
      /\[compat\/plan\s*\].*::warning::dbt-matrix: `command: plan` is deprecated; use dbt-matrix\/dbt-matrix\/plan@v1 /,
    );
  });
});
