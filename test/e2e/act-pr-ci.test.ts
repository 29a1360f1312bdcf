import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactNames, expectGreenReportCoveringPlan, planFromArtifact, plannedNodeIds } from './act-artifacts.js';
import { makeFixture, removeFixture, type ActFixture } from './act-harness.js';
import { EVENT_REPOSITORY, expectAllJobsSucceeded, runAct, tail, type ActRun } from './act-run.js';

/**
 * examples/workflows/pr-ci.yml, unchanged, under act: plan job → matrix job(s) → merge job, with
 * the plan, shard and report folders travelling through act's artifact server. GitHub's API is
 * unreachable (a closed loopback port), so `state: github`, `timings: github` and `comment: true`
 * must degrade with warnings: plan everything as new, run without --defer, skip the comment.
 */
describe('PR CI example workflow under act', () => {
  let fixture: ActFixture;
  let run: ActRun;

  beforeAll(async () => {
    fixture = await makeFixture('pr-ci');
    run = await runAct({
      fixture,
      workflow: 'examples/workflows/pr-ci.yml',
      eventName: 'pull_request',
      event: {
        action: 'synchronize',
        number: 7,
        // the interval is the PR's trigger date: a day inside the seed data
        pull_request: {
          number: 7,
          updated_at: '2024-01-10T12:00:00Z',
          head: { ref: 'feature' },
          base: { ref: 'main' },
        },
        repository: EVENT_REPOSITORY,
      },
      timeoutMs: 12 * 60_000,
    });
  }, 13 * 60_000);

  afterAll(async () => {
    await removeFixture(fixture);
  });

  it('runs green: act exits 0 and every job succeeded', () => {
    expectAllJobsSucceeded(run);
    const jobs = [...run.jobs.keys()];
    expect(jobs).toEqual(expect.arrayContaining(['plan', 'merge']));
    expect(
      jobs.some((name) => name.startsWith('stage 1 ')),
      tail(run),
    ).toBe(true);
  });

  it('runs each step as its sub-action (dbt-matrix/dbt-matrix/<step>@v1), none through the `command` front', () => {
    for (const step of ['plan', 'run', 'merge'])
      expect(run.log).toMatch(new RegExp(`✅ {2}Success - Main dbt-matrix/dbt-matrix/${step}@v1`));
    expect(run.log).not.toMatch(/is deprecated; use/);
  });

  it('degrades without GitHub: warnings, no --defer, no comment, and never hangs', () => {
    expect(run.log).toMatch(/::warning::--timings github: .*planning without timings/);
    expect(run.log).toMatch(/::warning::--state github: no production manifest found/);
    expect(run.log).toMatch(/::warning::--defer: the plan carries no production state/);
    expect(run.log).toMatch(/::warning::.*PR comment failed/);
  });

  it('moves plan, shard and report folders through the artifact server, and merges every planned node', async () => {
    const planArtifact = run.planOutputs['plan-artifact'];
    expect(planArtifact, tail(run)).toBe('dbt-matrix-plan-attempt-1');
    const plan = await planFromArtifact(fixture, planArtifact!);
    // matrix output = the plan's stage-1 shards, and each became one job with one artifact
    const matrix = JSON.parse(run.planOutputs['matrix'] ?? '{}') as { include: Array<{ shard: number; id: string }> };
    expect(matrix.include.map((m) => m.id)).toEqual(plan.shards.filter((s) => s.stage === 1).map((s) => s.id));
    const names = await artifactNames(fixture);
    for (const shard of plan.shards) expect(names).toContain(`dbt-matrix-shard-${shard.id}-attempt-1`);
    expect(names).toContain('dbt-matrix-report');

    // state:modified+ without production state = every node is new: the whole project
    expect(plannedNodeIds(plan).length).toBeGreaterThan(100);
    const report = await expectGreenReportCoveringPlan(fixture, plan);
    expect(report.summary).toContain('`2024-01-10T00:00:00+00:00` → `2024-01-11T00:00:00+00:00`');
    const junit = await fs.readFile(path.join(report.dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/failures="0"/);
  });
});
