import { MIN_SHARDING_GAIN } from '../partition/index.js';
import type { Plan } from './schema.js';

const fmt = (s: number): string => {
  if (s < 90) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  return m < 90
    ? `${m}m${rest.toString().padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${(m % 60).toString().padStart(2, '0')}m`;
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one-screen summary printed by `plan` on stdout and in the job summary (Markdown-safe). */
export function planSummaryLines(plan: Plan, scheduledCount: number): string[] {
  const e = plan.estimates;
  if (plan.shards.length === 0) {
    return ['dbt-matrix plan: nothing to run (the selection is empty); has-work=false'];
  }
  const lines = [
    `dbt-matrix plan: ${scheduledCount} nodes to run → ${plural(plan.shards.length, 'shard')} in ${plural(plan.stages, 'stage')}, ` +
      `${plan.finalTests.length} final tests`,
    `  budget ${plan.connectionBudget} connections: ${plural(plan.maxParallel, 'shard')} at once × (${plural(plan.threads, 'thread')} + 1) = ` +
      `${plan.maxParallel * (plan.threads + 1)}`,
    `  estimated: sequential ${fmt(e.sequentialSeconds)}, planned makespan ${fmt(e.makespanSeconds)}, ` +
      `lower bound ${fmt(e.lowerBoundSeconds)} (ratio ${(e.makespanSeconds / Math.max(e.lowerBoundSeconds, 1e-9)).toFixed(2)})`,
    `  costs: ${e.assumption}`,
  ];
  const why = oneShardReason(plan);
  if (why) lines.splice(1, 0, `  ${why}`);
  for (let stage = 1; stage <= plan.stages; stage++) {
    const shards = plan.shards.filter((s) => s.stage === stage);
    const sizes = shards.map((s) => s.nodes.length);
    const secs = shards.map((s) => s.estimatedSeconds);
    lines.push(
      `  stage ${stage}: ${plural(shards.length, 'shard')}, ${sizes.reduce((a, b) => a + b, 0)} nodes ` +
        `(${Math.min(...sizes)}–${Math.max(...sizes)} per shard), ${fmt(Math.min(...secs))}–${fmt(Math.max(...secs))} each`,
    );
  }
  return lines;
}

/**
 * Why a plan that could have split is one shard, in one line: one plain `dbt build` with the
 * budget's threads was simulated to finish no later than any sharded plan, or splitting would
 * save less than MIN_SHARDING_GAIN of it.
 */
export function oneShardReason(plan: Plan): string | null {
  const e = plan.estimates;
  if (
    plan.shards.length !== 1 ||
    plan.finalTests.length > 0 ||
    plan.connectionBudget < 4 ||
    e.oneJobSeconds === undefined
  )
    return null;
  if (e.shardedSeconds != null && e.shardedSeconds < e.oneJobSeconds) {
    const saved = e.oneJobSeconds - e.shardedSeconds;
    return (
      `one shard: the best sharded plan (${fmt(e.shardedSeconds)}) would finish only ${fmt(saved)} ` +
      `(${((100 * saved) / e.oneJobSeconds).toFixed(1)} %) sooner than one dbt build with ${plan.threads} threads (${fmt(e.oneJobSeconds)}); ` +
      `more jobs must save at least ${Math.round(100 * MIN_SHARDING_GAIN)} %`
    );
  }
  const sharded =
    e.shardedSeconds == null ? 'no sharded plan came close' : `the best sharded plan ${fmt(e.shardedSeconds)}`;
  return (
    `one shard because one dbt build with ${plan.threads} threads (${fmt(e.oneJobSeconds)}) is faster than splitting (${sharded}): ` +
    `each shard pays ${fmt(e.shardOverheadSeconds)} of start-up and dbt's own work per node runs on one core per process`
  );
}
