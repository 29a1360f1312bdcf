import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalArtifactStore,
  GithubArtifactStore,
  shardArtifactName,
  type ArtifactUploader,
} from '../../src/io/artifact-store.js';
import { readGithubContext } from '../../src/io/github-context.js';

let dir: string;
const now = () => new Date('2024-03-01T10:00:00Z');

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'run-context-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function event(name: string, payload: unknown): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await fs.writeFile(file, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return file;
}

describe('readGithubContext', () => {
  it('outside Actions: a manual run now, attempt 1', async () => {
    const ctx = await readGithubContext({}, now);
    expect(ctx).toEqual({
      trigger: { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: now() },
      attempt: 1,
      runId: null,
    });
  });

  it('schedule: the cron string, and the attempt', async () => {
    const file = await event('schedule', { schedule: '0 * * * *', repository: { name: 'x' } });
    const ctx = await readGithubContext(
      { GITHUB_EVENT_NAME: 'schedule', GITHUB_EVENT_PATH: file, GITHUB_RUN_ATTEMPT: '3', GITHUB_RUN_ID: '42' },
      now,
    );
    expect(ctx.trigger).toMatchObject({ eventName: 'schedule', schedule: '0 * * * *', dispatchInputs: {} });
    expect(ctx.trigger.timeFromPayload).toBeUndefined(); // no time in a schedule payload: the shard takes the plan's
    expect(ctx.attempt).toBe(3);
    expect(ctx.runId).toBe('42');
  });

  it('workflow_dispatch: its inputs', async () => {
    const file = await event('dispatch', { inputs: { start_dttm: '2024-01-01', countries: '["US"]' } });
    const ctx = await readGithubContext({ GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_EVENT_PATH: file }, now);
    expect(ctx.trigger.dispatchInputs).toEqual({ start_dttm: '2024-01-01', countries: '["US"]' });
  });

  it('push and pull_request: the time in the payload, so a re-run resolves the same day', async () => {
    const push = await event('push', {
      repository: { pushed_at: 1705312800 },
      head_commit: { timestamp: '2024-01-10T00:00:00Z' },
    });
    expect(
      (
        await readGithubContext({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: push }, now)
      ).trigger.triggerTime.toISOString(),
    ).toBe('2024-01-15T10:00:00.000Z');
    const pr = await event('pr', { pull_request: { updated_at: '2024-02-02T23:30:00Z' } });
    expect(
      (
        await readGithubContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: pr }, now)
      ).trigger.triggerTime.toISOString(),
    ).toBe('2024-02-02T23:30:00.000Z');
    expect(
      (await readGithubContext({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: pr }, now)).trigger
        .timeFromPayload,
    ).toBe(true);
  });

  it('bad payloads and attempts are one clear line', async () => {
    const broken = await event('broken', '{nope');
    await expect(readGithubContext({ GITHUB_EVENT_PATH: broken }, now)).rejects.toThrow(
      /^GITHUB_EVENT_PATH: .* is not valid JSON/,
    );
    const wrong = await event('wrong', { schedule: 5 });
    await expect(readGithubContext({ GITHUB_EVENT_PATH: wrong, GITHUB_EVENT_NAME: 'schedule' }, now)).rejects.toThrow(
      /^GITHUB_EVENT_PATH: .* unexpected schedule/,
    );
    await expect(readGithubContext({ GITHUB_EVENT_PATH: path.join(dir, 'missing.json') }, now)).rejects.toThrow(
      /cannot read/,
    );
    await expect(readGithubContext({ GITHUB_RUN_ATTEMPT: 'two' }, now)).rejects.toThrow(
      /^GITHUB_RUN_ATTEMPT: got "two"/,
    );
  });
});

describe('artifact stores', () => {
  it('names artifacts per shard and attempt, rejecting characters GitHub forbids', () => {
    expect(shardArtifactName('s1-03', 2)).toBe('dbt-matrix-shard-s1-03-attempt-2');
    expect(() => shardArtifactName('a/b', 1)).toThrow(/artifact name/);
  });

  it('the local store copies the folder and refuses an empty one', async () => {
    const src = path.join(dir, 'shard');
    await fs.mkdir(path.join(src, 'sub'), { recursive: true });
    await fs.writeFile(path.join(src, 'shard.json'), '{}');
    await fs.writeFile(path.join(src, 'sub', 'x.txt'), 'x');
    const store = new LocalArtifactStore(path.join(dir, 'store'));
    await store.upload('dbt-matrix-shard-a-attempt-1', src);
    expect(await fs.readFile(path.join(dir, 'store', 'dbt-matrix-shard-a-attempt-1', 'sub', 'x.txt'), 'utf8')).toBe(
      'x',
    );
    const empty = path.join(dir, 'empty');
    await fs.mkdir(empty);
    await expect(store.upload('dbt-matrix-shard-b-attempt-1', empty)).rejects.toThrow(/holds no files/);
  });

  it("the GitHub store hands every file to the upload client (a stand-in for GitHub's service)", async () => {
    const calls: Array<{ name: string; files: string[]; root: string }> = [];
    const fakeGithubArtifactService: ArtifactUploader = {
      uploadArtifact: async (name, files, root) => {
        calls.push({ name, files, root });
        return { id: 7, size: 3 };
      },
    };
    const src = path.join(dir, 'shard');
    await new GithubArtifactStore({ client: fakeGithubArtifactService }).upload('n', src);
    expect(calls).toEqual([
      { name: 'n', files: [path.join(src, 'shard.json'), path.join(src, 'sub', 'x.txt')], root: src },
    ]);
    await expect(
      new GithubArtifactStore({ client: fakeGithubArtifactService }).upload('n', path.join(dir, 'empty')),
    ).rejects.toThrow(/holds no files/);
  });
});
