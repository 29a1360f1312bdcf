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

/**
 * The first boundary of `unit` strictly after `t`, in t's zone: the start of the unit holding
 * t + k units, for the smallest k that lands after t. Usually k = 1. A larger k is needed where a
 * local unit is longer than the unit itself: Australia/Lord_Howe falls back by 30 minutes, so its
 * local hour 01:00–02:00 lasts 90 minutes and t + 1 hour can still be inside it. Adding to t (not
 * to t's unit start) also handles days that begin at 01:00 because DST skipped midnight
 * (America/Sao_Paulo until 2019). luxon's weeks start on Monday (ISO); we never ask for locale weeks.
 */
function nextBoundary(t: DateTime, unit: CalendarUnit): DateTime {
  for (let k = 1; k <= 4; k += 1) {
    const candidate = t.plus(times(ONE[unit], k)).startOf(unit);
    if (candidate > t) return candidate;
  }
  throw new Error(`no ${unit} boundary after ${t.toISO()} in ${t.zoneName}`);
}

function times(duration: DurationLikeObject, k: number): DurationLikeObject {
  return Object.fromEntries(Object.entries(duration).map(([key, n]) => [key, (n as number) * k]));
}
