import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardArtifactSchema } from '../../src/core/report/shard-artifact.js';
import {
  artifactNames,
  expectGreenReportCoveringPlan,
  extractArtifact,
  planFromArtifact,
  readJson,
} from './act-artifacts.js';
import { makeFixture, removeFixture, type ActFixture } from './act-harness.js';
import { expectAllJobsSucceeded, runAct, tail, type ActRun } from './act-run.js';

/**
 * examples/workflows/scheduled.yml, unchanged, under act: a few lines that call the reusable
 * workflow (.github/workflows/dbt-matrix.yml, resolved like GitHub would from
 * `dbt-matrix/dbt-matrix/...@v1`), with the interval taken from the cron of the schedule event.
 */
describe('scheduled example workflow (through the reusable workflow) under act', () => {
  let fixture: ActFixture;
  let run: ActRun;
  let startedAt: Date;

  beforeAll(async () => {
    // `uses: dbt-matrix/dbt-matrix/.github/workflows/dbt-matrix.yml@v1` resolves to the fixture's copy of the action
    fixture = await makeFixture('scheduled');
    startedAt = new Date();
    run = await runAct({
      fixture,
      workflow: 'examples/workflows/scheduled.yml',
      eventName: 'schedule',
      event: { schedule: '0 * * * *' },
      timeoutMs: 12 * 60_000,
    });
  }, 13 * 60_000);

  afterAll(async () => {
    await removeFixture(fixture);
  });

  it('runs green through the reusable workflow: plan, shards and merge jobs all succeed', () => {
    expectAllJobsSucceeded(run);
    const jobs = [...run.jobs.keys()];
    expect(
      jobs.some((name) => name.endsWith('plan')),
      tail(run),
    ).toBe(true);
    expect(
      jobs.some((name) => name.endsWith('merge')),
      tail(run),
    ).toBe(true);
  });

  it('gives every shard the previous cron interval, with overlap, and merges every planned node', async () => {
    const names = await artifactNames(fixture);
    const plan = await planFromArtifact(fixture);
    for (const shard of plan.shards) {
      const name = `dbt-matrix-shard-${shard.id}-attempt-1`;
      expect(names).toContain(name);
      const artifact = ShardArtifactSchema.parse(
        await readJson(path.join(await extractArtifact(fixture, name), 'shard.json')),
      );
      // `0 * * * *`: the run belongs to the last full hour when it started; the interval is the hour before
      const tick = new Date(artifact.startedAt);
      tick.setUTCMinutes(0, 0, 0);
      const iso = (d: Date): string => d.toISOString().replace('.000Z', '+00:00');
      expect(tick.getTime()).toBeGreaterThanOrEqual(new Date(startedAt).setUTCMinutes(0, 0, 0));
      expect(artifact.interval).toMatchObject({ source: 'schedule', overlap: true });
      expect(artifact.vars).toMatchObject({
        start_dttm: iso(new Date(tick.getTime() - 3_600_000)),
        end_dttm: iso(tick),
        overlap: true,
      });
    }
    const { summary } = await expectGreenReportCoveringPlan(fixture, plan);
    expect(summary).toContain('(schedule, UTC, overlap)');
  });
});
