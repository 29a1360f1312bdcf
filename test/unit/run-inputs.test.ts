import { describe, expect, it } from 'vitest';
import { parseRunInputs, RUN_OPTIONS } from '../../src/run/inputs.js';

describe('parseRunInputs', () => {
  it('applies defaults', () => {
    const i = parseRunInputs({ plan: 'p.json', shard: '3' });
    expect(i).toMatchObject({
      plan: 'p.json',
      shard: 3,
      final: false,
      projectDir: '.',
      timezone: 'UTC',
      datetimeFormat: 'offset',
      chunk: 'none',
      arrayFormat: 'compat',
      forwardInputs: true,
      overlap: undefined,
      maxIntervalDays: 366,
      retries: 0,
      timeoutMinutes: null,
      graceSeconds: 10,
      dbtCommand: 'dbt',
      out: 'dbt-matrix-shards',
      vars: {},
    });
  });

  it('reads action-style strings and CLI-style booleans', () => {
    const i = parseRunInputs({
      plan: 'p',
      final: 'true',
      'full-refresh': true,
      defer: 'yes',
      state: 'prod',
      overlap: 'false',
      'timeout-minutes': '0.5',
      vars: 'a: [1, 2]',
      secrets: 'A\nB\n',
      'forward-inputs': 'false',
    });
    expect(i).toMatchObject({
      final: true,
      shard: null,
      fullRefresh: true,
      defer: true,
      state: 'prod',
      overlap: false,
      timeoutMinutes: 0.5,
      vars: { a: [1, 2] },
      secrets: ['A', 'B'],
      forwardInputs: false,
    });
  });

  it.each([
    [{ shard: '1' }, /^--plan: got "\(missing\)"/],
    [{ plan: 'p' }, /^--shard: got "\(missing\)", expected a shard index/],
    [{ plan: 'p', shard: '1', final: true }, /^--shard: got "1", expected either --shard or --final/],
    [{ plan: 'p', shard: 'x' }, /^--shard: got "x"/],
    [{ plan: 'p', shard: '0', start: '2024-01-01' }, /^--end: got "\(missing\)"/],
    [{ plan: 'p', shard: '0', chunk: 'year' }, /^--chunk: got "year", expected one of none, hour, day, week, month/],
    [{ plan: 'p', shard: '0', 'array-format': 'json' }, /^--array-format: got "json"/],
    [{ plan: 'p', shard: '0', 'datetime-format': 'iso' }, /^--datetime-format: got "iso"/],
    [{ plan: 'p', shard: '0', retries: '-1' }, /^--retries: got "-1"/],
    [
      { plan: 'p', shard: '0', 'timeout-minutes': '0' },
      /^--timeout-minutes: got "0", expected a number of minutes > 0/,
    ],
    [{ plan: 'p', shard: '0', overlap: 'maybe' }, /^--overlap: got "maybe", expected true or false/],
    [{ plan: 'p', shard: '0', vars: '[1, 2]' }, /^--vars: got "\[1, 2\]"/],
    [{ plan: 'p', shard: '0', vars: '{start_dttm: x}' }, null],
  ])('%j fails with one clear line', (raw, message) => {
    if (message === null) {
      // reserved names are rejected when the vars are built (src/core/vars), before dbt starts
      expect(() => parseRunInputs(raw)).not.toThrow();
      return;
    }
    let error: unknown;
    try {
      parseRunInputs(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('UserError');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('declares every option once, with a description', () => {
    const names = RUN_OPTIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const o of RUN_OPTIONS) expect(o.description.length).toBeGreaterThan(5);
  });
});
