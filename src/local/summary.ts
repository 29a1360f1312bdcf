import { formatDuration, renderHeadline, type MergedReport, type RunStatus } from '../core/report/index.js';
import { shortMessage, TERMINAL_MESSAGE_CHARS } from '../core/report/format.js';
import { isFailing } from '../core/report/status.js';

export interface EndFacts {
  report: MergedReport;
  status: RunStatus;
  reportDir: string;
  summaryFile: string;
  database: string | null;
  wallSeconds: number;
  /** summed own durations of the shards (shard.json start → end) */
  shardSeconds: number;
  stopped: string | null;
  maxFailures?: number;
}

/**
 * The one screen `local` ends with: the verdict, the failures (dbt's whole message, indented
 * under the node, cut at TERMINAL_MESSAGE_CHARS), what they skipped, one line per shard, and where
 * the report and the result database are. The full Markdown is in summary.md.
 */
export function renderEndSummary(f: EndFacts): string {
  const lines = [renderHeadline(f.report, f.status).replace(/^#+\s*/, '')];
  const t = f.report.totals;
  lines.push(
    `  ${t.nodes} nodes · wall ${formatDuration(f.wallSeconds)} · shards' own time ${formatDuration(f.shardSeconds)}`,
  );
  if (f.stopped) lines.push(`  stopped early: ${f.stopped}`);
  const failing = f.report.runResults.results.filter((r) => isFailing(r.status));
  const max = f.maxFailures ?? 10;
  if (failing.length > 0) {
    lines.push('', `Failures (${failing.length}):`);
    for (const r of failing.slice(0, max)) {
      lines.push(`  ✘ ${r.unique_id} — ${r.status} (shard ${r.dbt_matrix.shard})`);
      const message = shortMessage(r.message ?? '', TERMINAL_MESSAGE_CHARS);
      if (message) lines.push(...message.split('\n').map((l) => `      ${l}`));
    }
    if (failing.length > max) lines.push(`  … and ${failing.length - max} more in summary.md`);
  }
  const skipped = f.report.runResults.results.filter((r) => r.status === 'skipped');
  if (skipped.length > 0) {
    const causes = new Set(skipped.flatMap((r) => r.dbt_matrix.skipped_because ?? []));
    lines.push(
      '',
      `Skipped (${skipped.length}), as dbt build skips them: downstream of ${causes.size > 0 ? [...causes].sort().join(', ') : 'a failure'}`,
    );
  }
  const lost = f.report.shards.flatMap((s) => s.missingNodes);
  if (lost.length > 0)
    lines.push('', `Without a result (${lost.length}): ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', …' : ''}`);
  lines.push('', 'Shards:');
  for (const s of f.report.shards) {
    const stage = s.kind === 'final' ? 'final' : `stage ${s.stage}`;
    const state = s.state === 'reported' ? s.status : s.state === 'skipped' ? 'skipped (upstream failed)' : s.state;
    lines.push(
      `  ${s.id.padEnd(8)} ${stage.padEnd(8)} ${state.padEnd(9)} ${`${s.reportedNodes}/${s.plannedNodes}`.padStart(9)} nodes  ${formatDuration(s.durationSeconds)}`,
    );
  }
  lines.push('', `Report:   ${f.reportDir}`, `Summary:  ${f.summaryFile}`);
  if (f.database) lines.push(`Database: ${f.database}`);
  return `${lines.join('\n')}\n`;
}

/** Sum of each shard's own wall time, from its shard.json (what the jobs would cost one by one). */
export function shardSeconds(report: MergedReport): number {
  return report.shards.reduce((sum, s) => sum + (s.durationSeconds ?? 0), 0);
}
