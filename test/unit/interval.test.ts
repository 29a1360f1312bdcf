import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  formatDttm,
  resolveInterval,
  triggerAtPlanTime,
  type IntervalOptions,
  type TriggerContext,
} from '../../src/core/interval/index.js';

const UTC: IntervalOptions = { timezone: 'UTC', maxIntervalDays: 366 };

function trigger(over: Partial<TriggerContext> & { at: string }): TriggerContext {
  return { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date(over.at), ...over };
}
const scheduled = (cron: string, at: string): TriggerContext => trigger({ eventName: 'schedule', schedule: cron, at });

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toContain('\n');
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('schedule events: [previous tick, the tick this run belongs to)', () => {
  it.each([
    ['hourly, on time', '0 * * * *', '2024-01-15T10:00:00Z', '2024-01-15T09:00:00+00:00', '2024-01-15T10:00:00+00:00'],
    [
      'hourly, 47 minutes late',
      '0 * * * *',
      '2024-01-15T10:47:13Z',
      '2024-01-15T09:00:00+00:00',
      '2024-01-15T10:00:00+00:00',
    ],
    [
      'daily, 12 minutes late',
      '0 0 * * *',
      '2024-01-15T00:12:00Z',
      '2024-01-14T00:00:00+00:00',
      '2024-01-15T00:00:00+00:00',
    ],
    [
      'daily at 05:30, late by an hour',
      '30 5 * * *',
      '2024-01-15T06:31:00Z',
      '2024-01-14T05:30:00+00:00',
      '2024-01-15T05:30:00+00:00',
    ],
    [
      'weekly Monday 03:00',
      '0 3 * * 1',
      '2024-01-15T03:20:00Z',
      '2024-01-08T03:00:00+00:00',
      '2024-01-15T03:00:00+00:00',
    ],
    [
      'weekly, run dispatched days later still owns its tick',
      '0 3 * * 1',
      '2024-01-17T12:00:00Z',
      '2024-01-08T03:00:00+00:00',
      '2024-01-15T03:00:00+00:00',
    ],
    [
      'every 15 minutes',
      '*/15 * * * *',
      '2024-01-15T10:31:00Z',
      '2024-01-15T10:15:00+00:00',
      '2024-01-15T10:30:00+00:00',
    ],
    [
      'every 15 minutes across midnight',
      '*/15 * * * *',
      '2024-01-15T00:05:00Z',
      '2024-01-14T23:45:00+00:00',
      '2024-01-15T00:00:00+00:00',
    ],
    [
      'monthly on the 1st across a year',
      '0 0 1 * *',
      '2024-01-01T00:40:00Z',
      '2023-12-01T00:00:00+00:00',
      '2024-01-01T00:00:00+00:00',
    ],
    [
      'day-of-month OR day-of-week (POSIX)',
      '0 0 13 * 5',
      '2024-01-13T01:00:00Z',
      '2024-01-12T00:00:00+00:00',
      '2024-01-13T00:00:00+00:00',
    ],
  ])('%s', (_name, cron, at, start, end) => {
    expect(resolveInterval(UTC, scheduled(cron, at))).toEqual({
      start,
      end,
      overlap: true,
      source: 'schedule',
      timezone: 'UTC',
    });
  });

  it('a run triggered exactly on a tick belongs to that tick', () => {
    const r = resolveInterval(UTC, scheduled('0 * * * *', '2024-01-15T10:00:00.000Z'));
    expect([r.start, r.end]).toEqual(['2024-01-15T09:00:00+00:00', '2024-01-15T10:00:00+00:00']);
  });

  it('evaluates the cron in UTC and expresses the ticks in the configured zone', () => {
    // 0 6 * * * is 06:00 UTC = 07:00 in Berlin in winter, 08:00 in summer.
    const winter = resolveInterval(
      { ...UTC, timezone: 'Europe/Berlin' },
      scheduled('0 6 * * *', '2024-01-15T06:05:00Z'),
    );
    expect([winter.start, winter.end]).toEqual(['2024-01-14T07:00:00+01:00', '2024-01-15T07:00:00+01:00']);
    const summer = resolveInterval(
      { ...UTC, timezone: 'Europe/Berlin' },
      scheduled('0 6 * * *', '2024-07-15T06:05:00Z'),
    );
    expect([summer.start, summer.end]).toEqual(['2024-07-14T08:00:00+02:00', '2024-07-15T08:00:00+02:00']);
  });

  it('spans a DST change as 24 real hours with different offsets at each end', () => {
    // Europe/Berlin springs forward on 2024-03-31; America/New_York falls back on 2024-11-03.
    const berlin = resolveInterval(
      { ...UTC, timezone: 'Europe/Berlin' },
      scheduled('0 3 * * *', '2024-03-31T03:10:00Z'),
    );
    expect([berlin.start, berlin.end]).toEqual(['2024-03-30T04:00:00+01:00', '2024-03-31T05:00:00+02:00']);
    const ny = resolveInterval(
      { ...UTC, timezone: 'America/New_York' },
      scheduled('0 12 * * *', '2024-11-03T12:30:00Z'),
    );
    expect([ny.start, ny.end]).toEqual(['2024-11-02T08:00:00-04:00', '2024-11-03T07:00:00-05:00']);
    for (const r of [berlin, ny]) expect(Date.parse(r.end) - Date.parse(r.start)).toBe(24 * 3600_000);
  });

  it('--overlap overrides the schedule default', () => {
    expect(resolveInterval({ ...UTC, overlap: false }, scheduled('0 * * * *', '2024-01-15T10:05:00Z')).overlap).toBe(
      false,
    );
  });

  it.each([
    ['six fields (seconds)', '0 0 * * * *'],
    ['a macro GitHub rejects', '@daily'],
    ['out of range', '61 * * * *'],
    ['three fields', '* * *'],
    ['an impossible date', '0 0 30 2 *'],
  ])('rejects %s naming github.event.schedule', (_name, cron) => {
    expect(userError(() => resolveInterval(UTC, scheduled(cron, '2024-01-15T10:00:00Z'))).message).toMatch(
      /^github\.event\.schedule: got .*expected a 5-field cron/,
    );
  });

  it('a schedule event without its cron is an error, not a silent trigger-date run', () => {
    expect(
      userError(() => resolveInterval(UTC, trigger({ eventName: 'schedule', at: '2024-01-15T10:00:00Z' }))).message,
    ).toMatch(/^github\.event\.schedule:/);
  });
});

describe('trigger date: 00:00 in the zone to the next midnight', () => {
  it.each(['pull_request', 'push', 'workflow_dispatch', 'merge_group', null])('event %s', (eventName) => {
    const r = resolveInterval(UTC, trigger({ eventName, at: '2024-01-15T17:45:12Z' }));
    expect(r).toEqual({
      start: '2024-01-15T00:00:00+00:00',
      end: '2024-01-16T00:00:00+00:00',
      overlap: false,
      source: 'trigger-date',
      timezone: 'UTC',
    });
  });

  it('uses the date in the configured zone, not in UTC', () => {
    // 23:30 UTC on the 15th is already the 16th in Tokyo and still the 15th in New York.
    const at = '2024-01-15T23:30:00Z';
    expect(resolveInterval({ ...UTC, timezone: 'Asia/Tokyo' }, trigger({ at })).start).toBe(
      '2024-01-16T00:00:00+09:00',
    );
    expect(resolveInterval({ ...UTC, timezone: 'America/New_York' }, trigger({ at })).start).toBe(
      '2024-01-15T00:00:00-05:00',
    );
  });

  it.each([
    [
      'Europe/Berlin spring forward (23 h)',
      'Europe/Berlin',
      '2024-03-31T12:00:00Z',
      '2024-03-31T00:00:00+01:00',
      '2024-04-01T00:00:00+02:00',
      23,
    ],
    [
      'Europe/Berlin fall back (25 h)',
      'Europe/Berlin',
      '2024-10-27T12:00:00Z',
      '2024-10-27T00:00:00+02:00',
      '2024-10-28T00:00:00+01:00',
      25,
    ],
    [
      'America/New_York spring forward (23 h)',
      'America/New_York',
      '2024-03-10T15:00:00Z',
      '2024-03-10T00:00:00-05:00',
      '2024-03-11T00:00:00-04:00',
      23,
    ],
    [
      'America/New_York fall back (25 h)',
      'America/New_York',
      '2024-11-03T15:00:00Z',
      '2024-11-03T00:00:00-04:00',
      '2024-11-04T00:00:00-05:00',
      25,
    ],
  ])('%s', (_name, timezone, at, start, end, hours) => {
    const r = resolveInterval({ ...UTC, timezone }, trigger({ at }));
    expect([r.start, r.end]).toEqual([start, end]);
    expect((Date.parse(r.end) - Date.parse(r.start)) / 3600_000).toBe(hours);
  });

  it('--overlap overrides', () => {
    expect(
      resolveInterval({ ...UTC, overlap: true }, trigger({ eventName: 'push', at: '2024-01-15T10:00:00Z' })).overlap,
    ).toBe(true);
  });
});

describe('explicit --start/--end', () => {
  const at = '2024-06-01T10:00:00Z';
  const explicit = (start: string, end: string, extra: Partial<IntervalOptions> = {}) =>
    resolveInterval({ ...UTC, start, end, ...extra }, trigger({ eventName: 'push', at }));

  it('plain dates are midnight in the zone', () => {
    expect(explicit('2024-01-15', '2024-01-17')).toEqual({
      start: '2024-01-15T00:00:00+00:00',
      end: '2024-01-17T00:00:00+00:00',
      overlap: false,
      source: 'explicit',
      timezone: 'UTC',
    });
    const berlin = explicit('2024-01-15', '2024-01-16', { timezone: 'Europe/Berlin' });
    expect([berlin.start, berlin.end]).toEqual(['2024-01-15T00:00:00+01:00', '2024-01-16T00:00:00+01:00']);
  });

  it('naive datetimes are wall-clock times in the zone; a space separator is accepted', () => {
    const r = explicit('2024-01-15T06:30', '2024-01-15 18:00:00', { timezone: 'America/New_York' });
    expect([r.start, r.end]).toEqual(['2024-01-15T06:30:00-05:00', '2024-01-15T18:00:00-05:00']);
  });

  it('datetimes with an offset keep their instant, expressed in the zone', () => {
    const r = explicit('2024-01-15T00:00:00Z', '2024-01-16T00:00:00.000+00:00', { timezone: 'Europe/Berlin' });
    expect([r.start, r.end]).toEqual(['2024-01-15T01:00:00+01:00', '2024-01-16T01:00:00+01:00']);
    expect(explicit('2024-01-15T05:00:00+0530', '2024-01-15T06:00:00-01').start).toBe('2024-01-14T23:30:00+00:00');
  });

  it('wins over a schedule event and over dispatch inputs', () => {
    const fromSchedule = resolveInterval(
      { ...UTC, start: '2024-01-01', end: '2024-01-02' },
      scheduled('0 * * * *', at),
    );
    expect(fromSchedule.source).toBe('explicit');
    expect(fromSchedule.overlap).toBe(false);
    const dispatch = trigger({
      eventName: 'workflow_dispatch',
      dispatchInputs: { start_dttm: '2023-05-01', end_dttm: '2023-05-02' },
      at,
    });
    expect(resolveInterval({ ...UTC, start: '2024-01-01', end: '2024-01-02' }, dispatch).start).toBe(
      '2024-01-01T00:00:00+00:00',
    );
  });

  it('empty strings (unset action inputs) count as absent', () => {
    expect(explicit('', '').source).toBe('trigger-date');
  });

  it('accepts a range of exactly maxIntervalDays, DST days included', () => {
    expect(explicit('2024-03-01', '2024-04-01', { timezone: 'Europe/Berlin', maxIntervalDays: 31 }).end).toBe(
      '2024-04-01T00:00:00+02:00',
    );
  });

  it.each([
    [
      'start after end',
      '2024-01-16',
      '2024-01-15',
      /^--start\/--end: got "2024-01-16T00:00:00\+00:00 \.\. 2024-01-15T00:00:00\+00:00", expected --start before --end/,
    ],
    ['start equal to end', '2024-01-15', '2024-01-15T00:00:00Z', /expected --start before --end/],
    [
      'an unparsable start',
      'yesterday',
      '2024-01-15',
      /^--start: got "yesterday", expected an ISO 8601 date or datetime/,
    ],
    ['an impossible date', '2024-01-15', '2024-02-30', /^--end: got "2024-02-30", expected an ISO 8601/],
    ['a time-only value', '10:00', '2024-01-15', /^--start: got "10:00"/],
    ['a week date', '2024-W03', '2024-01-20', /^--start: got "2024-W03"/],
    ['a fraction of a second', '2024-01-15T00:00:00.5Z', '2024-01-16', /^--start: .*whole seconds/],
    [
      'a range over the maximum',
      '2024-01-01',
      '2024-01-09',
      /^--start\/--end: .*at most 7 days \(--max-interval-days\), not 8 days/,
    ],
  ])('rejects %s', (_name, start, end, message) => {
    expect(userError(() => explicit(start, end, { maxIntervalDays: 7 })).message).toMatch(message);
  });

  it('one of the pair without the other is an error naming the missing one', () => {
    expect(userError(() => resolveInterval({ ...UTC, start: '2024-01-15' }, trigger({ at }))).message).toMatch(
      /^--end: .*since --start is given/,
    );
    expect(userError(() => resolveInterval({ ...UTC, end: '2024-01-15' }, trigger({ at }))).message).toMatch(
      /^--start: .*since --end is given/,
    );
  });
});

describe('a shard job re-run later resolves the interval of its workflow run', () => {
  const planAt = '2024-01-15T06:20:00Z';
  it("schedule: the plan job's time, not the re-run's", () => {
    const rerun = scheduled('0 6 * * *', '2024-01-16T09:00:00Z');
    expect(resolveInterval(UTC, rerun)).toMatchObject({
      start: '2024-01-15T06:00:00+00:00',
      end: '2024-01-16T06:00:00+00:00',
    });
    expect(resolveInterval(UTC, triggerAtPlanTime(rerun, planAt))).toMatchObject({
      start: '2024-01-14T06:00:00+00:00',
      end: '2024-01-15T06:00:00+00:00',
    });
  });
  it('workflow_dispatch without dates: the day the plan was made', () => {
    const rerun = trigger({ eventName: 'workflow_dispatch', at: '2024-01-16T00:10:00Z' });
    expect(resolveInterval(UTC, triggerAtPlanTime(rerun, '2024-01-15T23:50:00Z'))).toMatchObject({
      start: '2024-01-15T00:00:00+00:00',
      end: '2024-01-16T00:00:00+00:00',
    });
  });
  it('push and pull_request keep the time their payload carries; outside Actions it is now', () => {
    for (const eventName of ['push', 'pull_request', null]) {
      const t = trigger({ eventName, at: '2024-01-16T09:00:00Z', timeFromPayload: eventName !== null });
      expect(triggerAtPlanTime(t, planAt)).toBe(t);
    }
    const broken = scheduled('0 6 * * *', '2024-01-16T09:00:00Z');
    expect(triggerAtPlanTime(broken, 'not a time')).toBe(broken);
  });
});

describe('workflow_dispatch inputs start_dttm/end_dttm', () => {
  const at = '2024-06-01T10:00:00Z';
  const dispatch = (inputs: Record<string, unknown>, eventName = 'workflow_dispatch') =>
    trigger({ eventName, dispatchInputs: inputs, at });

  it('with dates: explicit, overlap false', () => {
    const r = resolveInterval(
      { ...UTC, timezone: 'Europe/Berlin' },
      dispatch({ start_dttm: '2024-01-01', end_dttm: '2024-01-08T12:00:00', other: 'x' }),
    );
    expect(r).toEqual({
      start: '2024-01-01T00:00:00+01:00',
      end: '2024-01-08T12:00:00+01:00',
      overlap: false,
      source: 'explicit',
      timezone: 'Europe/Berlin',
    });
  });

  it('without dates (absent or empty): the trigger date', () => {
    expect(resolveInterval(UTC, dispatch({})).source).toBe('trigger-date');
    const r = resolveInterval(UTC, dispatch({ start_dttm: '', end_dttm: '  ' }));
    expect([r.start, r.source]).toEqual(['2024-06-01T00:00:00+00:00', 'trigger-date']);
  });

  it('are ignored for other events', () => {
    expect(resolveInterval(UTC, dispatch({ start_dttm: '2024-01-01', end_dttm: '2024-01-02' }, 'push')).source).toBe(
      'trigger-date',
    );
  });

  it('errors name the dispatch input', () => {
    expect(userError(() => resolveInterval(UTC, dispatch({ start_dttm: '2024-01-01' }))).message).toMatch(
      /^end_dttm: .*since start_dttm is given/,
    );
    expect(
      userError(() => resolveInterval(UTC, dispatch({ start_dttm: 'soon', end_dttm: '2024-01-02' }))).message,
    ).toMatch(/^start_dttm: got "soon"/);
    expect(
      userError(() => resolveInterval(UTC, dispatch({ start_dttm: '2024-02-01', end_dttm: '2024-01-02' }))).message,
    ).toMatch(/^start_dttm\/end_dttm: /);
    expect(
      userError(() => resolveInterval(UTC, dispatch({ start_dttm: 20240101, end_dttm: '2024-01-02' }))).message,
    ).toMatch(/^start_dttm: got "20240101", expected a string/);
  });
});

describe('time zone and formats', () => {
  it('an unknown zone is a UserError naming --timezone', () => {
    expect(
      userError(() => resolveInterval({ ...UTC, timezone: 'Mars/Olympus' }, trigger({ at: '2024-01-15T00:00:00Z' })))
        .message,
    ).toMatch(/^--timezone: got "Mars\/Olympus", expected an IANA time zone name/);
    expect(userError(() => formatDttm('2024-01-15T00:00:00+00:00', 'nope', 'offset')).message).toMatch(/^--timezone:/);
  });

  it('formats offset and naive forms in the zone', () => {
    expect(formatDttm('2024-01-15T00:00:00+00:00', 'UTC', 'offset')).toBe('2024-01-15T00:00:00+00:00');
    expect(formatDttm('2024-01-15T00:00:00+00:00', 'UTC', 'naive')).toBe('2024-01-15T00:00:00');
    expect(formatDttm('2024-07-15T00:00:00+00:00', 'Europe/Berlin', 'offset')).toBe('2024-07-15T02:00:00+02:00');
    expect(formatDttm('2024-07-15T00:00:00+00:00', 'Europe/Berlin', 'naive')).toBe('2024-07-15T02:00:00');
    expect(formatDttm('2024-01-15T05:30:00Z', 'Asia/Kolkata', 'offset')).toBe('2024-01-15T11:00:00+05:30');
  });

  it('round-trips every resolved boundary through formatDttm unchanged', () => {
    const r = resolveInterval(
      { ...UTC, timezone: 'America/New_York' },
      scheduled('*/15 * * * *', '2024-11-03T06:07:00Z'),
    );
    expect(formatDttm(r.start, r.timezone, 'offset')).toBe(r.start);
    expect(formatDttm(r.end, r.timezone, 'offset')).toBe(r.end);
    expect(r.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });
});
