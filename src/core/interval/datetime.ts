import { DateTime, IANAZone } from 'luxon';
import { badInput } from '../errors.js';
import type { DatetimeFormat } from './types.js';

/** The one form every interval boundary takes: whole seconds and a numeric offset (never `Z`). */
const OFFSET_FORMAT = "yyyy-MM-dd'T'HH:mm:ssZZ";
const NAIVE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

/**
 * Accepted input forms. Luxon's fromISO alone is too lenient for a CLI value: it takes week dates,
 * ordinal dates and time-only strings (the latter silently meaning "today", which reads the clock).
 * A space between date and time is allowed because people type it (`2024-01-15 06:00`).
 */
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;

export const EXPECTED_DATETIME =
  'an ISO 8601 date or datetime, e.g. 2024-01-15, 2024-01-15T06:00:00 or 2024-01-15T06:00:00+01:00';

/** Throws a UserError naming --timezone unless `timezone` is an IANA zone name. */
export function assertTimezone(timezone: string): void {
  if (!IANAZone.isValidZone(timezone)) {
    throw badInput('--timezone', timezone, 'an IANA time zone name, e.g. UTC, Europe/Berlin or America/New_York');
  }
}

/**
 * Parses a user-given boundary. Plain dates and naive datetimes are wall-clock times in
 * `timezone`; a value with an offset keeps its instant and is re-expressed in `timezone`.
 * A naive time inside a DST gap (02:30 on a spring-forward day) moves forward by the gap, and an
 * ambiguous one (fall-back) takes the earlier offset, as luxon does.
 */
export function parseBoundary(value: string, timezone: string, inputName: string): DateTime {
  const text = value.trim();
  if (!DATE_RE.test(text) && !DATETIME_RE.test(text)) throw badInput(inputName, value, EXPECTED_DATETIME);
  const dt = DateTime.fromISO(text.replace(' ', 'T'), { zone: timezone });
  if (!dt.isValid)
    throw badInput(inputName, value, `${EXPECTED_DATETIME} (${dt.invalidExplanation ?? dt.invalidReason})`);
  // Boundaries are whole seconds; dropping a fraction would silently move the interval.
  if (dt.millisecond !== 0) throw badInput(inputName, value, 'a datetime in whole seconds (no fraction of a second)');
  return dt;
}

/** A luxon DateTime as an interval boundary string (offset form, whole seconds). */
export function toBoundary(dt: DateTime): string {
  return dt.toFormat(OFFSET_FORMAT);
}

/** Reads a boundary this module produced, expressed in `timezone`. A bad string is a bug, not user input. */
export function fromBoundary(iso: string, timezone: string): DateTime {
  const dt = DateTime.fromISO(iso, { zone: timezone });
  if (!dt.isValid) throw new Error(`not an ISO 8601 datetime: ${JSON.stringify(iso)} (${dt.invalidReason})`);
  return dt;
}

/**
 * A boundary as dbt sees it: `offset` 2024-01-15T00:00:00+00:00, or `naive` 2024-01-15T00:00:00
 * (wall-clock time in `timezone`, for warehouses whose timestamp columns carry no zone).
 */
export function formatDttm(iso: string, timezone: string, format: DatetimeFormat): string {
  assertTimezone(timezone);
  const dt = fromBoundary(iso, timezone);
  return dt.toFormat(format === 'naive' ? NAIVE_FORMAT : OFFSET_FORMAT);
}

/** Length of [start, end) in calendar days of the zone both are expressed in (DST-safe). */
export function lengthInDays(start: DateTime, end: DateTime): number {
  return end.diff(start, 'days').days;
}

export function triggerDateMidnight(triggerTime: Date, timezone: string): DateTime {
  if (Number.isNaN(triggerTime.getTime())) throw new Error('triggerTime is an invalid Date');
  return DateTime.fromJSDate(triggerTime, { zone: timezone }).startOf('day');
}
