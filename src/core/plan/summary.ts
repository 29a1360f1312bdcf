import type { Plan } from './schema.js';

const fmt = (s: number): string => {
  if (s < 90) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  return m < 90 ? `${m}m${rest.toString().padStart(2, '0')}s` : `${Math.floor(m / 60)}h${(m % 60).toString().padStart(2, '0')}m`;
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
    `  budget ${plan.connectionBudget} connections: ${plan.maxParallel} shards at once × (${plan.threads} threads + 1) = ` +
      `${plan.maxParallel * (plan.threads + 1)}`,
    `  estimated: sequential ${fmt(e.sequentialSeconds)}, planned makespan ${fmt(e.makespanSeconds)}, ` +
      `lower bound ${fmt(e.lowerBoundSeconds)} (ratio ${(e.makespanSeconds / Math.max(e.lowerBoundSeconds, 1e-9)).toFixed(2)})`,
    `  costs: ${e.assumption}`,
  ];
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
