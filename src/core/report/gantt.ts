import type { ShardRow } from './model.js';

/**
 * A Mermaid `gantt` chart of the shards, one section per stage, so a reader sees where the time
 * went (GitHub renders ```mermaid blocks). Times are Unix milliseconds (`dateFormat x`) so the
 * chart is free of time zones; each bar is a start plus a duration in whole seconds, which every
 * Mermaid version parses (absolute end dates broke in some 10.x releases).
 */
export function renderGantt(rows: readonly ShardRow[]): string | null {
  const timed = rows.filter((r) => r.startedAt && r.endedAt && !Number.isNaN(Date.parse(r.startedAt)));
  if (timed.length === 0) return null;
  const lines = ['gantt', '  title Shards (wall clock)', '  dateFormat x', `  axisFormat ${axisFormat(timed)}`];
  const stages = [...new Set(timed.map((r) => r.stage))].sort((a, b) => a - b);
  const ids = new Set<string>();
  for (const stage of stages) {
    const inStage = timed.filter((r) => r.stage === stage);
    const isFinal = inStage.every((r) => r.kind === 'final');
    lines.push(`  section ${isFinal ? 'Final tests' : `Stage ${stage}`}`);
    for (const r of inStage) {
      const start = Date.parse(r.startedAt!);
      const seconds = Math.max(1, Math.round((Date.parse(r.endedAt!) - start) / 1000));
      const tags = r.failed || r.failingNodes > 0 ? 'crit, done' : 'done';
      lines.push(`  ${taskName(r)} :${tags}, ${uniqueTaskId(r.id, ids)}, ${start}, ${seconds}s`);
    }
  }
  return lines.join('\n');
}

/** Seconds on the axis only when the whole run is shorter than an hour. */
function axisFormat(rows: readonly ShardRow[]): string {
  const starts = rows.map((r) => Date.parse(r.startedAt!));
  const ends = rows.map((r) => Date.parse(r.endedAt!));
  const span = Math.max(...ends) - Math.min(...starts);
  return span < 3_600_000 ? '%H:%M:%S' : '%H:%M';
}

/**
 * Task text ends at the first `:`; `#` and `%%` start comments and `;` ends a statement, so
 * those characters are replaced. Shard ids are already artifact-safe; this guards the rest.
 */
export function escapeTaskName(text: string): string {
  return (
    text
      .replace(/[:;#%\r\n]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || 'shard'
  );
}

function taskName(r: ShardRow): string {
  const suffix = r.failed
    ? ` ${r.state === 'reported' ? r.status : r.state}`
    : r.failingNodes > 0
      ? ` ${r.failingNodes} failed`
      : '';
  return escapeTaskName(`${r.id} (${r.reportedNodes} node${r.reportedNodes === 1 ? '' : 's'})${suffix}`);
}

/** Mermaid ids: letters, digits and underscores; made unique when two ids sanitize alike. */
function uniqueTaskId(shardId: string, seen: Set<string>): string {
  const base = `t_${shardId.replace(/[^A-Za-z0-9_]/g, '_')}`;
  let id = base;
  for (let n = 2; seen.has(id); n++) id = `${base}_${n}`;
  seen.add(id);
  return id;
}
