import { CronExpressionParser } from 'cron-parser';
import { badInput } from '../errors.js';

const SCHEDULE_INPUT = 'github.event.schedule';
const EXPECTED_CRON = 'a 5-field cron expression (minute hour day-of-month month day-of-week) as in on.schedule';

export interface ScheduleTicks {
  /** the tick before `current`: the interval's start */
  previous: Date;
  /** the tick this run belongs to: the interval's end */
  current: Date;
}

/**
 * The data interval of a scheduled run, as Airflow defines it: [previous tick, the run's tick).
 *
 * GitHub starts scheduled runs late (minutes, under load up to an hour or more), so the run's tick
 * is the latest tick not after the trigger time — never the next one. GitHub evaluates
 * `on.schedule` crons in UTC, so we do too; the caller re-expresses the ticks in its time zone.
 */
export function scheduleTicks(cron: string, triggerTime: Date): ScheduleTicks {
  const text = cron.trim();
  // GitHub accepts POSIX cron only: exactly five fields, no seconds, no @daily-style macros.
  // cron-parser also takes 6 fields (seconds first), which would silently shift every field.
  if (text.split(/\s+/).length !== 5) throw badInput(SCHEDULE_INPUT, cron, EXPECTED_CRON);
  if (Number.isNaN(triggerTime.getTime())) throw new Error('triggerTime is an invalid Date');
  try {
    // prev() is strictly before currentDate; +1 ms makes a run triggered exactly on its tick own it.
    const expression = CronExpressionParser.parse(text, {
      currentDate: new Date(triggerTime.getTime() + 1),
      tz: 'UTC',
    });
    const current = expression.prev().toDate();
    const previous = expression.prev().toDate();
    return { previous, current };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw badInput(SCHEDULE_INPUT, cron, `${EXPECTED_CRON} (${reason})`);
  }
}
