import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ShardArtifactSchema } from '../../src/core/report/shard-artifact.js';
import {
  artifactNames,
  expectGreenReportCoveringPlan,
  extractArtifact,
  planFromArtifact,
  readJson,
  type RunResultsFile,
} from './act-artifacts.js';
import { dbt, makeFixture, removeFixture, type ActFixture } from './act-harness.js';
import { dispatchEvent, expectAllJobsSucceeded, runAct, tail } from './act-run.js';

/**
 * examples/workflows/backfill.yml under act, dispatched with dates like the form would be: a
 * backfill runs against a warehouse that already holds everything upstream of the incremental
 * models, so each fixture's DuckDB file first gets a plain `dbt build` (the "production" state).
 * Run 1: two days in day chunks, 2 threads per shard → several matrix jobs, final tests, merge,
 * all green. Run 2: the `fail_test` var makes a singular test fail → the shard job and the merge
 * job turn red and the summary names the failing test.
 */
async function backfillFixture(label: string): Promise<ActFixture> {
  const fixture = await makeFixture(label);
  // the production build needs the example's local package, linked as `dbt deps` links it; it is
  // removed again so that the workflow's plan installs it and ships it to the shards
  const packages = path.join(fixture.workspace, 'examples', 'shop', 'dbt_packages');
  await fs.mkdir(packages, { recursive: true });
  await fs.symlink(
    path.join(fixture.workspace, 'examples', 'shop', 'packages', 'shop_utils'),
    path.join(packages, 'shop_utils'),
  );
  dbt(fixture, ['build']);
  await fs.rm(packages, { recursive: true });
  return fixture;
}

/** Dispatches the backfill workflow on a fresh fixture with the form's inputs. */
async function dispatchBackfill(
  label: string,
  inputs: Record<string, string>,
  fixtures: ActFixture[],
  timeoutMs: number,
) {
  const fixture = await backfillFixture(label);
  fixtures.push(fixture);
  const run = await runAct({
    fixture,
    workflow: 'examples/workflows/backfill.yml',
    eventName: 'workflow_dispatch',
    event: dispatchEvent(inputs),
    timeoutMs,
  });
  return { fixture, run };
}

describe('backfill example workflow under act', () => {
  const fixtures: ActFixture[] = [];
  afterAll(async () => {
    for (const f of fixtures) await removeFixture(f);
  });

  it(
    'backfills two days in day chunks: plan → matrix jobs → final tests → merge, green',
    async () => {
      const { fixture, run } = await dispatchBackfill(
        'backfill',
        {
          start_dttm: '2024-01-10',
          end_dttm: '2024-01-12',
          chunk: 'day',
          select: 'tag:incremental+',
          vars: '',
          threads: '2',
          'shard-overhead-seconds': '0',
        },
        fixtures,
        14 * 60_000,
      );
      expectAllJobsSucceeded(run);

      expect(run.planOutputs['plan-artifact']).toBe('dbt-matrix-plan-attempt-1');
      const plan = await planFromArtifact(fixture, run.planOutputs['plan-artifact']);
      // a budget of 12 connections at 2 threads per shard and jobs that cost nothing to start: several
      // shards, so several matrix jobs (at the default 60 s per job this small selection is one shard)
      expect(plan.threads).toBe(2);
      expect(plan.shards.length).toBeGreaterThanOrEqual(2);
      const stageJobs = [...run.jobs.keys()].filter((name) => /^stage \d /.test(name));
      expect(stageJobs).toHaveLength(plan.shards.length);
      expect(run.jobs.has('final-tests')).toBe(plan.finalTests.length > 0);
      expect(run.jobs.get('merge')).toBe('succeeded');

      // every shard uploaded its folder; each ran its day chunks in time order
      const names = await artifactNames(fixture);
      const works = [...plan.shards.map((s) => s.id), ...(plan.finalTests.length > 0 ? ['final'] : [])];
      for (const id of works) {
        const shard = ShardArtifactSchema.parse(
          await readJson(path.join(await extractArtifact(fixture, `dbt-matrix-shard-${id}-attempt-1`), 'shard.json')),
        );
        expect(shard.chunks.map((c) => [c.start, c.end])).toEqual([
          ['2024-01-10T00:00:00+00:00', '2024-01-11T00:00:00+00:00'],
          ['2024-01-11T00:00:00+00:00', '2024-01-12T00:00:00+00:00'],
        ]);
        // the dispatch dates reached dbt as the interval vars of each chunk
        expect(shard.chunks.map((c) => [c.vars['start_dttm'], c.vars['end_dttm']])).toEqual(
          shard.chunks.map((c) => [c.start, c.end]),
        );
        expect(shard.status).toBe('success');
      }
      expect(names.filter((n) => n.startsWith('dbt-matrix-shard-'))).toHaveLength(works.length);

      const { summary } = await expectGreenReportCoveringPlan(fixture, plan);
      expect(summary).toContain('`2024-01-10T00:00:00+00:00` → `2024-01-12T00:00:00+00:00` (explicit');
    },
    15 * 60_000,
  );

  it(
    'a failing test turns the shard job and the merge job red, and the summary names it',
    async () => {
      const { fixture, run } = await dispatchBackfill(
        'backfill-fail',
        // fin_kpis+ = the leaf model and its tests, among them the var-switched failing test
        {
          start_dttm: '2024-01-10',
          end_dttm: '2024-01-11',
          chunk: 'none',
          select: 'fin_kpis+',
          vars: '{"fail_test": true}',
          threads: '',
        },
        fixtures,
        10 * 60_000,
      );
      expect(run.exitCode, tail(run)).not.toBe(0);
      expect(run.jobs.get('plan'), tail(run)).toBe('succeeded');
      const stageJobs = [...run.jobs.entries()].filter(([name]) => /^stage 1 /.test(name));
      expect(stageJobs.length).toBeGreaterThanOrEqual(1);
      expect(stageJobs.some(([, r]) => r === 'failed')).toBe(true);
      expect(run.jobs.get('merge'), tail(run)).toBe('failed');

      const report = await extractArtifact(fixture, 'dbt-matrix-report');
      const merged = await readJson<RunResultsFile>(path.join(report, 'run_results.json'));
      const failing = merged.results.filter((r) => r.status === 'fail' || r.status === 'error');
      expect(failing.map((r) => r.unique_id)).toEqual(['test.shop.assert_fail_when_requested']);
      expect(merged.results.find((r) => r.unique_id === 'model.shop.fin_kpis')?.status).toBe('success');

      const summary = await fs.readFile(path.join(report, 'summary.md'), 'utf8');
      expect(summary).toMatch(/❌ failed — \d+ passed · 1 failed/);
      expect(summary).toContain('assert_fail_when_requested');
      // the merge job's log carries the same: an error annotation and the failed step
      expect(run.log).toMatch(/\[dbt backfill\/merge\s*\].*::error.*assert_fail_when_requested/);
      expect(run.log).toMatch(/\[dbt backfill\/merge\s*\]\s+❌ {2}Failure - Main dbt-matrix\/dbt-matrix\/merge@v1/);
    },
    15 * 60_000,
  );
});
