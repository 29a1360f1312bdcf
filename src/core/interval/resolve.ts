import { DateTime } from 'luxon';
import { badInput } from '../errors.js';
import { assertTimezone, lengthInDays, parseBoundary, toBoundary, triggerDateMidnight } from './datetime.js';
import { scheduleTicks } from './schedule.js';
import type { IntervalOptions, ResolvedInterval, TriggerContext } from './types.js';

/** Names the pair of inputs an explicit range came from, for error messages. */
interface ExplicitSource {
  startName: string;
  endName: string;
  start: string;
  end: string;
}

/**
 * Resolves [start_dttm, end_dttm) from the trigger, first rule that applies:
 * 1. explicit --start/--end, else the workflow_dispatch inputs start_dttm/end_dttm (overlap false);
 * 2. a schedule event: [previous cron tick, the tick this run belongs to) (overlap true);
 * 3. anything else: the trigger date 00:00 in `timezone` to the next midnight (overlap false).
 * `opts.overlap` overrides the rule's overlap. Every boundary is expressed in `opts.timezone`.
 */
export function resolveInterval(opts: IntervalOptions, trigger: TriggerContext): ResolvedInterval {
  assertTimezone(opts.timezone);
  const { timezone } = opts;
  const explicit = explicitSource(opts, trigger);
  if (explicit) {
    const [start, end] = explicitRange(explicit, timezone, opts.maxIntervalDays);
    return interval(start, end, opts.overlap ?? false, 'explicit', timezone);
  }
  if (trigger.eventName === 'schedule') {
    if (!trigger.schedule?.trim()) {
      throw badInput(
        'github.event.schedule',
        trigger.schedule ?? '',
        'the cron string of the schedule event that started this run',
      );
    }
    const ticks = scheduleTicks(trigger.schedule, trigger.triggerTime);
    const start = DateTime.fromJSDate(ticks.previous, { zone: timezone });
    const end = DateTime.fromJSDate(ticks.current, { zone: timezone });
    return interval(start, end, opts.overlap ?? true, 'schedule', timezone);
  }
  const start = triggerDateMidnight(trigger.triggerTime, timezone);
  // Calendar arithmetic: the next midnight, so a DST day is 23 or 25 hours long.
  return interval(start, start.plus({ days: 1 }), opts.overlap ?? false, 'trigger-date', timezone);
}

/**
 * The trigger a shard job resolves its interval from. A schedule or dispatch payload carries no
 * time, so "now" stands in, and a failed shard re-run hours later would process another interval
 * than the shards that passed. The plan job runs once per workflow run and re-run shards read its
 * plan, so for those events the plan's creation time is the run's time. A time from the payload
 * stays; outside Actions (no event) a run is a manual run now.
 */
export function triggerAtPlanTime(trigger: TriggerContext, planCreatedAt: string): TriggerContext {
  if (trigger.eventName === null || trigger.timeFromPayload) return trigger;
  const at = new Date(planCreatedAt);
  return Number.isNaN(at.getTime()) ? trigger : { ...trigger, triggerTime: at };
}

function interval(
  start: DateTime,
  end: DateTime,
  overlap: boolean,
  source: ResolvedInterval['source'],
  timezone: string,
): ResolvedInterval {
  return { start: toBoundary(start), end: toBoundary(end), overlap, source, timezone };
}

/** Options win over dispatch inputs; half a pair is an error rather than a silent fallback. */
function explicitSource(opts: IntervalOptions, trigger: TriggerContext): ExplicitSource | null {
  const fromOpts = pair('--start', opts.start, '--end', opts.end);
  if (fromOpts) return fromOpts;
  if (trigger.eventName !== 'workflow_dispatch') return null;
  const inputs = trigger.dispatchInputs;
  return pair(
    'start_dttm',
    dispatchString('start_dttm', inputs['start_dttm']),
    'end_dttm',
    dispatchString('end_dttm', inputs['end_dttm']),
  );
}

function pair(
  startName: string,
  start: string | undefined,
  endName: string,
  end: string | undefined,
): ExplicitSource | null {
  const hasStart = start !== undefined && start.trim() !== '';
  const hasEnd = end !== undefined && end.trim() !== '';
  if (!hasStart && !hasEnd) return null;
  if (!hasStart)
    throw badInput(
      startName,
      start ?? '',
      `a start datetime, since ${endName} is given (${JSON.stringify(end)}); give both or neither`,
    );
  if (!hasEnd)
    throw badInput(
      endName,
      end ?? '',
      `an end datetime, since ${startName} is given (${JSON.stringify(start)}); give both or neither`,
    );
  return { startName, start, endName, end };
}

/** Dispatch inputs arrive as strings; anything else there is a workflow mistake worth naming. */
function dispatchString(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw badInput(name, JSON.stringify(value), 'a string holding an ISO 8601 date or datetime');
  return value;
}

function explicitRange(src: ExplicitSource, timezone: string, maxIntervalDays: number): [DateTime, DateTime] {
  const start = parseBoundary(src.start, timezone, src.startName);
  const end = parseBoundary(src.end, timezone, src.endName);
  const names = `${src.startName}/${src.endName}`;
  const shown = `${toBoundary(start)} .. ${toBoundary(end)}`;
  if (end <= start)
    throw badInput(names, shown, `${src.startName} before ${src.endName} (the interval is [start, end))`);
  const days = lengthInDays(start, end);
  if (days > maxIntervalDays) {
    throw badInput(
      names,
      shown,
      `a range of at most ${maxIntervalDays} days (--max-interval-days), not ${formatDays(days)} days`,
    );
  }
  return [start, end];
}

function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : days.toFixed(2);
}
