import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { splitChunks, type ChunkUnit, type ResolvedInterval } from '../../src/core/interval/index.js';

function interval(start: string, end: string, timezone = 'UTC'): ResolvedInterval {
  return { start, end, timezone, overlap: false, source: 'explicit' };
}
const pairs = (chunks: { start: string; end: string }[]) => chunks.map((c) => [c.start, c.end]);
const hours = (c: { start: string; end: string }) => (Date.parse(c.end) - Date.parse(c.start)) / 3600_000;

describe('splitChunks', () => {
  it("'none' is the whole interval as one chunk", () => {
    const i = interval('2024-01-15T06:00:00+00:00', '2024-03-02T00:00:00+00:00');
    expect(splitChunks(i, 'none')).toEqual([{ index: 0, start: i.start, end: i.end }]);
  });

  it('hours, with partial first and last hour', () => {
    const chunks = splitChunks(interval('2024-01-15T06:30:00+00:00', '2024-01-15T09:15:00+00:00'), 'hour');
    expect(pairs(chunks)).toEqual([
      ['2024-01-15T06:30:00+00:00', '2024-01-15T07:00:00+00:00'],
      ['2024-01-15T07:00:00+00:00', '2024-01-15T08:00:00+00:00'],
      ['2024-01-15T08:00:00+00:00', '2024-01-15T09:00:00+00:00'],
      ['2024-01-15T09:00:00+00:00', '2024-01-15T09:15:00+00:00'],
    ]);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3]);
  });

  it('days aligned to midnight in the zone', () => {
    const chunks = splitChunks(
      interval('2024-01-15T12:00:00+01:00', '2024-01-17T00:00:00+01:00', 'Europe/Berlin'),
      'day',
    );
    expect(pairs(chunks)).toEqual([
      ['2024-01-15T12:00:00+01:00', '2024-01-16T00:00:00+01:00'],
      ['2024-01-16T00:00:00+01:00', '2024-01-17T00:00:00+01:00'],
    ]);
  });

  it('weeks start on Monday', () => {
    // 2024-01-10 is a Wednesday; Mondays are the 15th and the 22nd.
    const chunks = splitChunks(interval('2024-01-10T00:00:00+00:00', '2024-01-25T00:00:00+00:00'), 'week');
    expect(pairs(chunks)).toEqual([
      ['2024-01-10T00:00:00+00:00', '2024-01-15T00:00:00+00:00'],
      ['2024-01-15T00:00:00+00:00', '2024-01-22T00:00:00+00:00'],
      ['2024-01-22T00:00:00+00:00', '2024-01-25T00:00:00+00:00'],
    ]);
  });

  it('months of their real lengths, leap February included', () => {
    const chunks = splitChunks(interval('2024-01-20T00:00:00+00:00', '2024-04-01T00:00:00+00:00'), 'month');
    expect(pairs(chunks)).toEqual([
      ['2024-01-20T00:00:00+00:00', '2024-02-01T00:00:00+00:00'],
      ['2024-02-01T00:00:00+00:00', '2024-03-01T00:00:00+00:00'],
      ['2024-03-01T00:00:00+00:00', '2024-04-01T00:00:00+00:00'],
    ]);
    expect(hours(chunks[1]!)).toBe(29 * 24);
  });

  it('a DST day is one day chunk of 23 or 25 hours', () => {
    const spring = splitChunks(
      interval('2024-03-30T00:00:00+01:00', '2024-04-01T00:00:00+02:00', 'Europe/Berlin'),
      'day',
    );
    expect(pairs(spring)).toEqual([
      ['2024-03-30T00:00:00+01:00', '2024-03-31T00:00:00+01:00'],
      ['2024-03-31T00:00:00+01:00', '2024-04-01T00:00:00+02:00'],
    ]);
    expect(spring.map(hours)).toEqual([24, 23]);
    const fall = splitChunks(
      interval('2024-11-03T00:00:00-04:00', '2024-11-05T00:00:00-05:00', 'America/New_York'),
      'day',
    );
    expect(fall.map(hours)).toEqual([25, 24]);
  });

  it('hour chunks through a fall-back day: 25 one-hour chunks, the repeated hour twice', () => {
    const chunks = splitChunks(
      interval('2024-10-27T00:00:00+02:00', '2024-10-28T00:00:00+01:00', 'Europe/Berlin'),
      'hour',
    );
    expect(chunks).toHaveLength(25);
    expect(chunks.every((c) => hours(c) === 1)).toBe(true);
    expect(chunks.filter((c) => c.start.startsWith('2024-10-27T02:00:00')).map((c) => c.start)).toEqual([
      '2024-10-27T02:00:00+02:00',
      '2024-10-27T02:00:00+01:00',
    ]);
  });

  it('hour chunks through a spring-forward day: 23 chunks, 02:00 never appears', () => {
    const chunks = splitChunks(
      interval('2024-03-10T00:00:00-05:00', '2024-03-11T00:00:00-04:00', 'America/New_York'),
      'hour',
    );
    expect(chunks).toHaveLength(23);
    expect(chunks.some((c) => c.start.includes('T02:'))).toBe(false);
  });

  it('a 30-minute fall-back (Australia/Lord_Howe): the local hour 01:00 lasts 90 minutes', () => {
    // 2024-04-07 02:00 +11:00 falls back to 01:30 +10:30.
    const chunks = splitChunks(
      interval('2024-04-07T00:00:00+11:00', '2024-04-07T04:00:00+10:30', 'Australia/Lord_Howe'),
      'hour',
    );
    expect(pairs(chunks)).toEqual([
      ['2024-04-07T00:00:00+11:00', '2024-04-07T01:00:00+11:00'],
      ['2024-04-07T01:00:00+11:00', '2024-04-07T02:00:00+10:30'],
      ['2024-04-07T02:00:00+10:30', '2024-04-07T03:00:00+10:30'],
      ['2024-04-07T03:00:00+10:30', '2024-04-07T04:00:00+10:30'],
    ]);
    expect(hours(chunks[1]!)).toBe(1.5);
  });

  it('a day that starts at 01:00 because DST skipped midnight (America/Sao_Paulo 2015)', () => {
    const chunks = splitChunks(
      interval('2015-10-17T00:00:00-03:00', '2015-10-20T00:00:00-02:00', 'America/Sao_Paulo'),
      'day',
    );
    expect(pairs(chunks)).toEqual([
      ['2015-10-17T00:00:00-03:00', '2015-10-18T01:00:00-02:00'],
      ['2015-10-18T01:00:00-02:00', '2015-10-19T00:00:00-02:00'],
      ['2015-10-19T00:00:00-02:00', '2015-10-20T00:00:00-02:00'],
    ]);
  });

  it('hours align to the local hour in a half-hour zone', () => {
    const chunks = splitChunks(
      interval('2024-01-15T10:00:00+05:30', '2024-01-15T11:30:00+05:30', 'Asia/Kolkata'),
      'hour',
    );
    expect(pairs(chunks)).toEqual([
      ['2024-01-15T10:00:00+05:30', '2024-01-15T11:00:00+05:30'],
      ['2024-01-15T11:00:00+05:30', '2024-01-15T11:30:00+05:30'],
    ]);
  });

  it('an interval inside one unit is a single chunk', () => {
    const i = interval('2024-01-15T06:00:00+00:00', '2024-01-15T07:00:00+00:00');
    expect(pairs(splitChunks(i, 'month'))).toEqual([[i.start, i.end]]);
  });

  const zones = [
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'America/Sao_Paulo',
  ];
  const units = ['hour', 'day', 'week', 'month'] as const satisfies readonly ChunkUnit[];

  it('property: consecutive, in time order, covering [start, end) exactly, inner bounds aligned', () => {
    const base = Date.parse('2015-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...units),
        fc.integer({ min: 0, max: 10 * 365 * 24 * 60 }),
        fc.integer({ min: 1, max: 120 * 24 * 60 }),
        (zone, unit, startMin, lengthMin) => {
          const startDt = DateTime.fromMillis(base + startMin * 60_000, { zone });
          const endDt = startDt.plus({ minutes: unit === 'hour' ? Math.min(lengthMin, 7 * 24 * 60) : lengthMin });
          const fmt = "yyyy-MM-dd'T'HH:mm:ssZZ";
          const i = interval(startDt.toFormat(fmt), endDt.toFormat(fmt), zone);
          const chunks = splitChunks(i, unit);
          expect(chunks[0]!.start).toBe(i.start);
          expect(chunks.at(-1)!.end).toBe(i.end);
          chunks.forEach((c, k) => {
            expect(c.index).toBe(k);
            expect(Date.parse(c.end)).toBeGreaterThan(Date.parse(c.start));
            if (k > 0) expect(c.start).toBe(chunks[k - 1]!.end);
            if (k > 0) {
              const b = DateTime.fromISO(c.start, { zone });
              expect(b.equals(b.startOf(unit))).toBe(true);
            }
            // No boundary skipped: the chunk's last instant is still in the unit its start is in.
            const lastInstant = DateTime.fromMillis(Date.parse(c.end) - 1, { zone });
            expect(lastInstant.startOf(unit).toMillis()).toBeLessThanOrEqual(Date.parse(c.start));
          });
        },
      ),
      { numRuns: 400 },
    );
  });
});
