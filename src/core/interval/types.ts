/** Shapes of the interval core. All datetimes are ISO 8601 strings with an offset. */

export type ChunkUnit = 'none' | 'hour' | 'day' | 'week' | 'month';
export const CHUNK_UNITS: readonly ChunkUnit[] = ['none', 'hour', 'day', 'week', 'month'];

export type DatetimeFormat = 'offset' | 'naive';
export const DATETIME_FORMATS: readonly DatetimeFormat[] = ['offset', 'naive'];

/** What triggered the run; the caller reads it from the GitHub context (or the CLI's clock). */
export interface TriggerContext {
  /** GITHUB_EVENT_NAME: schedule, workflow_dispatch, pull_request, push, … or null (manual CLI) */
  eventName: string | null;
  /** github.event.schedule (the cron string) for schedule events */
  schedule: string | null;
  /** github.event.inputs for workflow_dispatch, else {} */
  dispatchInputs: Record<string, unknown>;
  /** when the run was triggered (or now) */
  triggerTime: Date;
  /** the event payload carried triggerTime (push, pull_request); otherwise it is the time of reading */
  timeFromPayload?: boolean;
}

export interface IntervalOptions {
  /** explicit --start/--end: an ISO 8601 datetime, or a plain date (midnight in `timezone`) */
  start?: string;
  end?: string;
  /** IANA name; an invalid one is a UserError naming --timezone */
  timezone: string;
  /** an explicit range longer than this is a UserError */
  maxIntervalDays: number;
  /** overrides the rule's overlap */
  overlap?: boolean;
}

export interface ResolvedInterval {
  /** ISO 8601 with offset in `timezone`, whole seconds: 2024-01-15T00:00:00+00:00 */
  start: string;
  end: string;
  overlap: boolean;
  source: 'explicit' | 'schedule' | 'trigger-date';
  timezone: string;
}

/** One consecutive piece of a resolved interval; same ISO form as ResolvedInterval. */
export interface Chunk {
  index: number;
  start: string;
  end: string;
}
