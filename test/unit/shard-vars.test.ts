import { describe, expect, it } from 'vitest';
import { parseRunInputs } from '../../src/run/inputs.js';
import { INTERVAL_ENV, resolveShardVars } from '../../src/shared/shard-vars.js';

const trigger = { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date('2024-01-20T12:00:00Z') };
const resolve = (extra: Record<string, string>) =>
  resolveShardVars(
    parseRunInputs({ plan: 'p', shard: '0', start: '2024-01-01', end: '2024-01-04', chunk: 'day', ...extra }),
    trigger,
    '2024-01-20T12:00:00Z',
  );

describe('resolveShardVars: the chunk interval in vars or in env vars', () => {
  it('by default every chunk gets its own start_dttm/end_dttm, and the same interval in the env vars', () => {
    const s = resolve({});
    expect(s.chunks).toHaveLength(3);
    expect(s.chunks.map((c) => [s.varsFor(c)['start_dttm'], s.varsFor(c)['end_dttm']])).toEqual([
      ['2024-01-01T00:00:00+00:00', '2024-01-02T00:00:00+00:00'],
      ['2024-01-02T00:00:00+00:00', '2024-01-03T00:00:00+00:00'],
      ['2024-01-03T00:00:00+00:00', '2024-01-04T00:00:00+00:00'],
    ]);
    expect(s.envFor(s.chunks[1]!)).toEqual({
      [INTERVAL_ENV.start]: '2024-01-02T00:00:00+00:00',
      [INTERVAL_ENV.end]: '2024-01-03T00:00:00+00:00',
    });
  });

  it('with --interval-env the vars are the same for every chunk (the whole interval); the env vars hold the chunk', () => {
    const s = resolve({ 'interval-env': 'true', 'datetime-format': 'naive', vars: '{region: eu}' });
    const vars = s.chunks.map((c) => s.varsFor(c));
    for (const v of vars)
      expect(v).toEqual({
        start_dttm: '2024-01-01T00:00:00',
        end_dttm: '2024-01-04T00:00:00',
        overlap: false,
        region: 'eu',
      });
    expect(s.chunks.map((c) => s.envFor(c)[INTERVAL_ENV.start])).toEqual([
      '2024-01-01T00:00:00',
      '2024-01-02T00:00:00',
      '2024-01-03T00:00:00',
    ]);
    expect(s.envFor(s.chunks[2]!)[INTERVAL_ENV.end]).toBe('2024-01-04T00:00:00');
  });

  it('--interval-env takes true or false', () => {
    expect(() => parseRunInputs({ plan: 'p', shard: '0', 'interval-env': 'sometimes' })).toThrow(
      /^--interval-env: got "sometimes", expected true or false/,
    );
  });
});
