import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobLines, stepSeconds } from './act-log.js';
import { makeFixture, removeFixture, toolkitCacheAction, type ActFixture } from './act-harness.js';
import { dispatchEvent, runAct, tail, type ActRun } from './act-run.js';

/**
 * .github/actions/setup-dbt under act with a real cache: act's own cache server, reached through the
 * official @actions/cache library (the one actions/cache is built on) by a test-only stand-in for
 * actions/cache (toolkit-cache/, mapped where setup-dbt pins actions/cache), through
 * examples/workflows/backfill.yml:
 * - run 1 (its first job, plan, which is the job that installs in any run): no cache yet, so a real
 *   pip install of dbt-core + dbt-duckdb builds the virtualenv, and the cache action saves it;
 * - the runner's tool cache then loses the virtualenv (a fresh GitHub machine has none);
 * - run 2, the whole workflow: every job restores the virtualenv from the cache server, installs
 *   nothing, and runs dbt from it (the project's own virtualenv is off PATH: dbt has no other home).
 * Prints the set-up seconds (the setup-dbt step) of the installing job and of the restoring ones.
 */
const SETUP_DBT = 'dbt-matrix/dbt-matrix/.github/actions/setup-dbt@v1';
const INSTALL_LINES = /install dbt \(cache miss\)|Successfully installed|Collecting /;
// a seed with no tests on other models: the shard's work is small, the set-up is what is measured
const inputs = {
  start_dttm: '2024-01-10',
  end_dttm: '2024-01-11',
  chunk: 'none',
  select: 'countries',
  vars: '',
  threads: '',
};
const event = dispatchEvent(inputs);

describe('setup-dbt caches the dbt virtualenv (@actions/cache stand-in for actions/cache, act cache server)', () => {
  let fixture: ActFixture;
  let first: ActRun;
  let second: ActRun;

  beforeAll(async () => {
    fixture = await makeFixture('venv-cache');
    const actionsCache = await toolkitCacheAction(fixture);
    const dispatch = (job?: string) =>
      runAct({
        fixture,
        workflow: 'examples/workflows/backfill.yml',
        eventName: 'workflow_dispatch',
        event,
        timeoutMs: 10 * 60_000,
        actionsCache,
        ...(job ? { job } : {}),
      });
    first = await dispatch('plan');
    await fs.rm(path.join(fixture.actCache, 'tool_cache', 'dbt-matrix-venv'), { recursive: true, force: true });
    second = await dispatch();
  }, 22 * 60_000);

  afterAll(async () => {
    await removeFixture(fixture);
  });

  it('run 1: the plan job finds no cache, installs dbt with pip and saves the virtualenv', () => {
    expect(first.exitCode, tail(first)).toBe(0);
    expect(first.jobs.get('plan'), tail(first)).toBe('succeeded');
    const plan = jobLines(first.log, 'plan');
    expect(plan).toMatch(/Cache not found for input keys: dbt-venv-Linux-/);
    expect(plan).toMatch(/Successfully installed .*dbt-core-1\.11\.16/);
    expect(plan).toMatch(/Cache saved with key: dbt-venv-Linux-/);
  });

  it('run 2 on a machine without the virtualenv: every job restores it, installs nothing, and runs dbt from it', () => {
    expect(second.exitCode, tail(second)).toBe(0);
    expect(
      [...second.jobs.values()].every((r) => r === 'succeeded'),
      tail(second),
    ).toBe(true);
    const dbtJobs = [...second.jobs.keys()].filter((job) => job !== 'merge');
    expect(dbtJobs).toEqual(expect.arrayContaining(['plan']));
    expect(
      dbtJobs.some((job) => job.startsWith('stage 1 ')),
      tail(second),
    ).toBe(true);
    for (const job of dbtJobs) {
      const lines = jobLines(second.log, job);
      // act's cache server answers with the key lower-cased
      expect(lines, job).toMatch(/Cache restored from key: dbt-venv-linux-/i);
      expect(lines, job).toMatch(
        /setup-dbt: Python 3\.\d+\.\d+ virtualenv \S+\/tool_cache\/dbt-matrix-venv\/\w+ \(cache hit: true\)/,
      );
      expect(lines, job).not.toMatch(INSTALL_LINES);
      // dbt ran from it: every job succeeded (plan runs `dbt parse`) and a shard's dbt printed its
      // version, while the project's own virtualenv is not on act's PATH
      if (job !== 'plan') expect(lines, job).toMatch(/Running with dbt=1\.11\.16/);
    }
    expect(second.log).not.toMatch(/Cache not found/);
    expect(existsSync(path.join(fixture.actCache, 'tool_cache', 'dbt-matrix-venv'))).toBe(true);
  });

  it('a restore costs a fraction of an install (set-up seconds, printed)', () => {
    const install = stepSeconds(first.log, 'plan', SETUP_DBT);
    const save = stepSeconds(first.log, 'plan', SETUP_DBT, 'Post');
    const restores = [...second.jobs.keys()]
      .filter((job) => job !== 'merge')
      .map((job) => [job, stepSeconds(second.log, job, SETUP_DBT)] as const);
    const slowest = Math.max(...restores.map(([, s]) => s));
    console.log(
      `setup-dbt under act: cache miss (venv + pip install) ${install.toFixed(1)} s, then saving it ${save.toFixed(1)} s; ` +
        `cache hit (restore) ${restores.map(([job, s]) => `${job} ${s.toFixed(1)} s`).join(', ')}; install/restore ${(install / slowest).toFixed(1)}x`,
    );
    expect(install).toBeGreaterThan(slowest);
  });
});
