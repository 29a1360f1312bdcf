import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.js';
import { latestShardArtifacts, shardArtifactName } from '../../src/merge/artifacts.js';
import { MERGE_OPTIONS, parseMergeActionInputs, parseMergeInputs } from '../../src/merge/inputs.js';

describe('parseMergeInputs', () => {
  it('applies defaults', () => {
    expect(parseMergeInputs({ plan: 'p/plan.json', in: 'shards' })).toEqual({
      planFile: 'p/plan.json',
      inDir: 'shards',
      outDir: 'dbt-matrix-report',
      failOn: 'error',
      projectDir: '.',
      slowest: 10,
    });
  });

  it("keeps the action's own inputs apart: download, comment and the token", () => {
    expect(parseMergeActionInputs({ plan: 'p/plan.json' })).toEqual({
      merge: parseMergeInputs({ plan: 'p/plan.json' }),
      download: true,
      comment: false,
      token: null,
    });
  });

  it('reads action-style strings and CLI booleans alike; empty action inputs are absent', () => {
    const got = parseMergeActionInputs({
      plan: 'plan.json',
      'fail-on': 'WARN',
      comment: 'true',
      'github-token': 't',
      download: 'false',
      slowest: '',
      out: '',
    });
    expect(got).toMatchObject({
      merge: { failOn: 'warn', slowest: 10, outDir: 'dbt-matrix-report' },
      comment: true,
      token: 't',
      download: false,
    });
    expect(
      parseMergeActionInputs({ plan: 'plan.json', comment: true, 'github-token': 't', download: false }),
    ).toMatchObject({ comment: true, download: false });
  });

  it.each([
    [{ in: 'x' }, '--plan'],
    [{ plan: 'p', 'fail-on': 'sometimes' }, '--fail-on: got "sometimes", expected one of error, warn, never'],
    [{ plan: 'p', slowest: '-1' }, '--slowest'],
    [{ plan: 'p', comment: 'yes please' }, '--comment'],
    [{ plan: 'p', comment: 'true' }, 'github-token'],
  ])('rejects %j with one line naming the input', (raw, expected) => {
    let err: unknown;
    try {
      parseMergeActionInputs(raw);
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toContain(expected);
    expect((err as Error).message).not.toContain('\n');
  });

  it('declares every option once, kebab-case', () => {
    const names = MERGE_OPTIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});

describe('latestShardArtifacts', () => {
  it('keeps the latest attempt per shard id and ignores other artifacts', () => {
    const got = latestShardArtifacts([
      { name: shardArtifactName('s1-00', 1), id: 1 },
      { name: shardArtifactName('s1-00', 3), id: 7 },
      { name: shardArtifactName('s1-00', 2), id: 9 },
      { name: shardArtifactName('final', 1), id: 4 },
      { name: 'dbt-matrix-report', id: 5 },
      { name: 'dbt-matrix-shard-s1-01-attempt-x', id: 6 },
      { name: shardArtifactName('s1-01-attempt-2', 1), id: 8 },
    ]);
    expect(got.map((a) => [a.shardId, a.attempt, a.id])).toEqual([
      ['final', 1, 4],
      ['s1-00', 3, 7],
      ['s1-01-attempt-2', 1, 8],
    ]);
  });
});

describe('shard artifact names from the store', () => {
  it('a name whose shard id would leave the download folder is not a shard artifact', () => {
    const got = latestShardArtifacts([
      { name: 'dbt-matrix-shard-..-attempt-1', id: 1 },
      { name: 'dbt-matrix-shard-.-attempt-1', id: 2 },
      { name: 'dbt-matrix-shard-.work-attempt-1', id: 3 },
      { name: 'dbt-matrix-shard-a..b-attempt-1', id: 4 },
      { name: shardArtifactName('s1-00', 2), id: 5 },
    ]);
    expect(got.map((a) => a.shardId)).toEqual(['s1-00']);
  });

  it('re-run attempts of one shard never share a name', () => {
    const names = [1, 2, 3, 10].map((attempt) => shardArtifactName('s1-00', attempt));
    expect(new Set(names).size).toBe(names.length);
  });
});
