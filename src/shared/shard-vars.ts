import {
  formatDttm,
  resolveInterval,
  splitChunks,
  triggerAtPlanTime,
  type Chunk,
  type ChunkUnit,
  type DatetimeFormat,
  type ResolvedInterval,
  type TriggerContext,
} from '../core/interval/index.js';
import { buildDbtVars, dispatchInputsToForward, type ArrayFormat } from '../core/vars/index.js';

/** The options that decide a shard's interval and vars: run takes them, and plan too (it parses with them). */
export interface IntervalInputs {
  start: string | undefined;
  end: string | undefined;
  timezone: string;
  datetimeFormat: DatetimeFormat;
  chunk: ChunkUnit;
  vars: Record<string, unknown>;
  forwardInputs: boolean;
  arrayFormat: ArrayFormat;
  /** undefined: the trigger's rule decides */
  overlap: boolean | undefined;
  maxIntervalDays: number;
  /** the chunk's interval travels in INTERVAL_ENV; start_dttm/end_dttm hold the whole interval */
  intervalEnv: boolean;
}

/**
 * Every dbt invocation of a shard (and the plan's parse) gets its chunk's interval in these
 * environment variables, formatted like start_dttm/end_dttm. dbt keys a saved parse on the whole
 * `--vars`, so with per-chunk vars every chunk after the first parses the project again; a
 * changed environment variable only re-parses the files that read it while parsing, and none
 * when models read it under `{% if execute %}`. `--interval-env` therefore keeps `--vars` the
 * same for every chunk (the whole interval) and models read the chunk from here.
 */
export const INTERVAL_ENV = {
  start: 'DBT_MATRIX_START_DTTM',
  end: 'DBT_MATRIX_END_DTTM',
} as const;

export interface ShardVars {
  trigger: TriggerContext;
  interval: ResolvedInterval;
  /** in time order; one chunk covering the interval when not chunked */
  chunks: Chunk[];
  /** the exact `--vars` object of a chunk */
  varsFor(chunk: Chunk): Record<string, unknown>;
  /** INTERVAL_ENV with the chunk's boundaries */
  envFor(chunk: Chunk): Record<string, string>;
}

/**
 * The interval and the vars of every chunk, as a shard job resolves them. The plan resolves them
 * the same way (same trigger, same plan time) so that its `dbt parse` uses the first chunk's vars
 * and the shards can reuse that parse. Invalid inputs throw here, before dbt starts.
 */
export function resolveShardVars(inputs: IntervalInputs, trigger: TriggerContext, planCreatedAt: string): ShardVars {
  const atPlan = triggerAtPlanTime(trigger, planCreatedAt);
  const interval = resolveInterval(
    {
      start: inputs.start,
      end: inputs.end,
      timezone: inputs.timezone,
      maxIntervalDays: inputs.maxIntervalDays,
      ...(inputs.overlap !== undefined ? { overlap: inputs.overlap } : {}),
    },
    atPlan,
  );
  const forwarded =
    inputs.forwardInputs && atPlan.eventName === 'workflow_dispatch'
      ? dispatchInputsToForward(atPlan.dispatchInputs)
      : {};
  const fmt = (iso: string): string => formatDttm(iso, interval.timezone, inputs.datetimeFormat);
  const varsOf = (span: { start: string; end: string }): Record<string, unknown> =>
    buildDbtVars({
      start: fmt(span.start),
      end: fmt(span.end),
      overlap: interval.overlap,
      extra: inputs.vars,
      forwarded,
      arrayFormat: inputs.arrayFormat,
    });
  return {
    trigger: atPlan,
    interval,
    chunks: splitChunks(interval, inputs.chunk),
    varsFor: (c) => varsOf(inputs.intervalEnv ? interval : c),
    envFor: (c) => ({ [INTERVAL_ENV.start]: fmt(c.start), [INTERVAL_ENV.end]: fmt(c.end) }),
  };
}
