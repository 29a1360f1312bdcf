/**
 * The GitHub edges of merge against FakeGitHubApi (a local HTTP server standing in for GitHub's
 * REST API): the sticky PR comment, and `--timings github` finding, downloading (through the
 * real @actions/artifact client) and returning the latest report's run_results.json.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHubApi } from '../helpers/fake-github.js';

const api = await new FakeGitHubApi().start();
// @actions/github fixes its default base URL when first imported; @actions/artifact's download
// uses that default, so point it at the fake before loading the modules under test.
process.env['GITHUB_API_URL'] = api.url;
process.env['NO_PROXY'] = '127.0.0.1';
const { commentMarker, upsertStickyComment } = await import('../../src/io/comment.js');
const { findLatestReportTimings, timingsRequestFromEnv, workflowFileFromRef } =
  await import('../../src/io/timings-github.js');

const warnings: string[] = [];
const log = { info: (_m: string) => {}, warning: (m: string) => warnings.push(m) };
const base = { token: 'ghs_fake', owner: 'acme', repo: 'warehouse', baseUrl: api.url };

beforeEach(() => {
  warnings.length = 0;
  api.deny = null;
  api.comments.length = 0;
  api.runs.length = 0;
  api.requests.length = 0;
});
afterAll(async () => {
  await api.stop();
});

describe('sticky PR comment', () => {
  const request = (body: string, workflow = 'CI') => ({ ...base, issueNumber: 7, workflow, body });

  it('creates one comment per workflow and updates it in place on re-runs', async () => {
    api.comments.push({ id: 1, body: 'LGTM', issue: 7, user: { login: 'alice', type: 'User' } });
    const first = await upsertStickyComment(request('run 1'), log);
    expect(first.action).toBe('created');
    const second = await upsertStickyComment(request('run 2'), log);
    expect(second).toMatchObject({ action: 'updated', id: first.action === 'created' ? first.id : -1 });
    await upsertStickyComment(request('nightly'), log);
    const other = await upsertStickyComment(request('other workflow', 'Nightly'), log);
    expect(other.action).toBe('created');
    expect(api.comments.map((c) => c.body)).toEqual([
      'LGTM',
      `${commentMarker('CI')}\nnightly`,
      `${commentMarker('Nightly')}\nother workflow`,
    ]);
    expect(warnings).toEqual([]);
  });

  it('finds its comment past the first page of comments', async () => {
    for (let i = 0; i < 120; i++)
      api.comments.push({ id: i + 1, body: `chatter ${i}`, issue: 7, user: { login: 'bob', type: 'User' } });
    await upsertStickyComment(request('first'), log);
    await upsertStickyComment(request('second'), log);
    expect(api.comments.filter((c) => c.body.startsWith(commentMarker('CI')))).toHaveLength(1);
    expect(api.requests.some((r) => r.includes('page=2'))).toBe(true);
  });

  it.each([403, 404])('turns HTTP %i into a warning, never a failure', async (status) => {
    api.deny = status;
    const result = await upsertStickyComment(request('x'), log);
    expect(result.action).toBe('skipped');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`HTTP ${status}`);
    expect(warnings[0]).toContain('pull-requests: write');
  });

  it('keeps the marker a valid HTML comment whatever the workflow is called', () => {
    expect(commentMarker('CI')).toBe('<!-- dbt-matrix:CI -->');
    expect(commentMarker('a -- b > c')).toBe('<!-- dbt-matrix:a - b  c -->');
  });
});

describe('--timings github', () => {
  const report = (id: number, name = 'dbt-matrix-report', expired = false) => ({
    id,
    name,
    expired,
    files: { 'run_results.json': JSON.stringify({ from: id }), 'summary.md': '# report' },
  });

  it('downloads the report of the latest successful run on the default branch and returns its run_results.json', async () => {
    api.defaultBranch = 'trunk';
    api.runs.push(
      { id: 10, workflow: 'ci.yml', branch: 'trunk', status: 'success', artifacts: [report(100)] },
      {
        id: 11,
        workflow: 'ci.yml',
        branch: 'trunk',
        status: 'success',
        artifacts: [report(110, 'dbt-matrix-report', true)],
      },
      { id: 12, workflow: 'ci.yml', branch: 'trunk', status: 'failure', artifacts: [report(120)] },
      { id: 13, workflow: 'ci.yml', branch: 'feature', status: 'success', artifacts: [report(130)] },
      { id: 14, workflow: 'nightly.yml', branch: 'trunk', status: 'success', artifacts: [report(140)] },
      { id: 15, workflow: 'ci.yml', branch: 'trunk', status: 'success', artifacts: [] },
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-timings-'));
    try {
      const file = await findLatestReportTimings({ ...base, workflow: 'ci.yml', downloadDir: dir }, { log });
      expect(file).toBe(path.join(dir, 'run-10', 'run_results.json'));
      expect(JSON.parse(await fs.readFile(file!, 'utf8'))).toEqual({ from: 100 });
      expect(api.requests).toContain(
        'GET /repos/acme/warehouse/actions/workflows/ci.yml/runs?branch=trunk&status=success&per_page=10',
      );
      expect(warnings).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('returns null with a warning when no run has a report yet', async () => {
    api.runs.push({ id: 20, workflow: 'ci.yml', branch: 'main', status: 'success', artifacts: [] });
    const file = await findLatestReportTimings(
      { ...base, workflow: 'ci.yml', branch: 'main', downloadDir: os.tmpdir() },
      { log },
    );
    expect(file).toBeNull();
    expect(warnings[0]).toContain('planning without timings');
  });

  it('returns null with a warning when the token may not read Actions (403)', async () => {
    api.deny = 403;
    const file = await findLatestReportTimings({ ...base, workflow: 'ci.yml', downloadDir: os.tmpdir() }, { log });
    expect(file).toBeNull();
    expect(warnings[0]).toContain('HTTP 403');
  });

  it('reads the workflow file from GITHUB_WORKFLOW_REF', () => {
    expect(workflowFileFromRef('acme/warehouse/.github/workflows/ci.yml@refs/heads/main')).toBe('ci.yml');
    expect(workflowFileFromRef(undefined)).toBeNull();
    const env = {
      GITHUB_REPOSITORY: 'acme/warehouse',
      GITHUB_WORKFLOW_REF: 'acme/warehouse/.github/workflows/dbt.yml@refs/pull/7/merge',
      GITHUB_API_URL: 'https://ghe.example/api/v3',
    };
    expect(timingsRequestFromEnv(env, 't', '/tmp/x')).toEqual({
      token: 't',
      owner: 'acme',
      repo: 'warehouse',
      workflow: 'dbt.yml',
      downloadDir: '/tmp/x',
      baseUrl: 'https://ghe.example/api/v3',
    });
    expect(timingsRequestFromEnv({}, 't', '/tmp/x')).toMatchObject({
      error: expect.stringContaining('inside GitHub Actions'),
    });
  });
});
