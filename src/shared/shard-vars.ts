import { formatDttm, resolveInterval, splitChunks, triggerAtPlanTime, type Chunk, type ChunkUnit, type DatetimeFormat, type ResolvedInterval, type TriggerContext } from '../core/interval/index.js';
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
}

export interface ShardVars {
  trigger: TriggerContext;
  interval: ResolvedInterval;
  /** in time order; one chunk covering the interval when not chunked */
  chunks: Chunk[];
  /** the exact `--vars` object of a chunk */
  varsFor(chunk: Chunk): Record<string, unknown>;
}

/**
 * The interval and the vars of every chunk, as a shard job resolves them. The plan resolves them
 * the same way (same trigger, same plan time) so that its `dbt parse` uses the first chunk's vars
 * and the shards can reuse that parse. Invalid inputs throw here, before dbt starts.
 */
export function resolveShardVars(inputs: IntervalInputs, trigger: TriggerContext, planCreatedAt: string): ShardVars {
  const atPlan = triggerAtPlanTime(trigger, planCreatedAt);
  const interval = resolveInterval(
    { start: inputs.start, end: inputs.end, timezone: inputs.timezone, maxIntervalDays: inputs.maxIntervalDays, ...(inputs.overlap !== undefined ? { overlap: inputs.overlap } : {}) },
    atPlan,
  );
  const forwarded = inputs.forwardInputs && atPlan.eventName === 'workflow_dispatch' ? dispatchInputsToForward(atPlan.dispatchInputs) : {};
  const fmt = (iso: string): string => formatDttm(iso, interval.timezone, inputs.datetimeFormat);
  return {
    trigger: atPlan,
    interval,
    chunks: splitChunks(interval, inputs.chunk),
    varsFor: (c) => buildDbtVars({ start: fmt(c.start), end: fmt(c.end), overlap: interval.overlap, extra: inputs.vars, forwarded, arrayFormat: inputs.arrayFormat }),
  };
}
