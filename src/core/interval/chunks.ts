import type { DateTime, DurationLikeObject } from 'luxon';
import { fromBoundary, toBoundary } from './datetime.js';
import type { Chunk, ChunkUnit, ResolvedInterval } from './types.js';

type CalendarUnit = Exclude<ChunkUnit, 'none'>;

const ONE: Record<CalendarUnit, DurationLikeObject> = {
  hour: { hours: 1 },
  day: { days: 1 },
  week: { weeks: 1 },
  month: { months: 1 },
};

/** Guards against a runaway split (a year of hours is 8,784 chunks; this is far beyond any real use). */
const MAX_CHUNKS = 100_000;

/**
 * Splits [start, end) into consecutive chunks in time order, covering it exactly. Inner boundaries
 * sit on the unit's boundaries in the interval's time zone (midnight, Monday 00:00, the 1st of the
 * month, the full hour), so the first and last chunk are partial when start or end is not aligned.
 * Calendar arithmetic happens in the zone, so a DST day is one chunk of 23 or 25 hours.
 */
export function splitChunks(interval: ResolvedInterval, unit: ChunkUnit): Chunk[] {
  const start = fromBoundary(interval.start, interval.timezone);
  const end = fromBoundary(interval.end, interval.timezone);
  if (end <= start) throw new Error(`empty interval ${interval.start} .. ${interval.end}`);
  if (unit === 'none') return [{ index: 0, start: toBoundary(start), end: toBoundary(end) }];

  const chunks: Chunk[] = [];
  let cursor = start;
  while (cursor < end) {
    const boundary = nextBoundary(cursor, unit);
    const chunkEnd = boundary < end ? boundary : end;
    chunks.push({ index: chunks.length, start: toBoundary(cursor), end: toBoundary(chunkEnd) });
    if (chunks.length > MAX_CHUNKS) throw new Error(`more than ${MAX_CHUNKS} ${unit} chunks`);
    cursor = chunkEnd;
  }
  return chunks;
}

/** The first boundary of `unit` strictly after `t`, in t's zone. */
function nextBoundary(t: DateTime, unit: CalendarUnit): DateTime {
  // luxon's weeks start on Monday (ISO) unless locale weeks are asked for; we never ask.
  // The second startOf matters where DST skips midnight (America/Sao_Paulo until 2019): that day
  // starts at 01:00, and adding a day to it keeps 01:00 instead of the next day's 00:00.
  const next = t.startOf(unit).plus(ONE[unit]).startOf(unit);
  // Belt and braces for wall-clock oddities (a midnight skipped by DST, an ambiguous hour):
  // the loop must always move forward.
  return next > t ? next : t.plus(ONE[unit]).startOf(unit);
}
