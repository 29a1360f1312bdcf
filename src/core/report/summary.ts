import type { MergedResult } from './combine.js';
import { code, fenced, formatDuration, iconFor, percentDelta, shortMessage, SUMMARY_MESSAGE_CHARS } from './format.js';
import { renderGantt } from './gantt.js';
import type { MergedReport, ShardRow } from './model.js';
import { isFailing } from './run-results.js';
import type { RunStatus } from './totals.js';

export interface SummaryOptions {
  status: RunStatus;
  /** the node's file relative to the project root (manifest original_file_path), when known */
  fileOf: (uniqueId: string) => string | null;
  /** how many of the slowest nodes to list */
  slowest?: number;
  /** failures listed in full before "and N more" (the step summary is capped at 1 MiB) */
  maxFailures?: number;
}

const STATUS_WORD: Record<RunStatus, string> = {
  success: '✅ success',
  warning: '⚠️ passed with warnings',
  failure: '❌ failed',
};

/** The job summary (summary.md and GITHUB_STEP_SUMMARY). Deterministic for the same report. */
export function renderSummary(report: MergedReport, opts: SummaryOptions): string {
  const parts = [
    renderHeadline(report, opts.status),
    renderFacts(report),
    renderTotals(report),
    renderFailures(report, opts),
    renderSkipped(report),
    renderProblems(report),
    renderShards(report.shards),
    renderHooks(report.runResults.results),
    renderTimeline(report.shards),
    renderSlowest(report.runResults.results, opts.slowest ?? 10),
  ];
  return `${parts.filter((p) => p !== '').join('\n\n')}\n`;
}

/** One heading line: the verdict and the counts that matter. */
export function renderHeadline(report: MergedReport, status: RunStatus): string {
  const t = report.totals;
  const reused = t.byStatus['reused'] ?? 0;
  const counts = [`${t.passed} passed${reused > 0 ? ` (${reused} reused)` : ''}`, `${t.failingNodes} failed`];
  if (t.warned > 0) counts.push(`${t.warned} warned`);
  if (t.skipped > 0) counts.push(`${t.skipped} skipped`);
  if (t.failedShards > 0) counts.push(`${t.failedShards} shard${t.failedShards === 1 ? '' : 's'} failed or missing`);
  return `## dbt-matrix: ${STATUS_WORD[status]} — ${counts.join(' · ')}`;
}

function renderFacts(report: MergedReport): string {
  const lines: string[] = [];
  const iv = report.interval;
  if (iv)
    lines.push(
      `- **Interval:** ${code(iv.start)} → ${code(iv.end)} (${iv.source}, ${iv.timezone}${iv.overlap ? ', overlap' : ''})`,
    );
  const w = report.window;
  if (w) {
    const planned = report.plannedMakespanSeconds;
    lines.push(`- **Wall time:** ${formatDuration(w.seconds)} (${code(w.startedAt)} → ${code(w.endedAt)})`);
    lines.push(
      `- **Makespan:** planned ${formatDuration(planned)}, actual ${formatDuration(w.seconds)} (${percentDelta(w.seconds, planned)})`,
    );
  }
  const reported = report.shards.filter(
    (s) => s.state === 'reported' || s.state === 'partial' || s.state === 'unplanned',
  ).length;
  lines.push(`- **Shards:** ${reported} of ${report.shards.length} reported · ${report.totals.nodes} nodes`);
  return lines.join('\n');
}

function renderTotals(report: MergedReport): string {
  const rows = Object.entries(report.totals.byStatus).map(([status, n]) => `| ${iconFor(status)} ${status} | ${n} |`);
  const missing = report.shards.filter(
    (s) => s.state === 'missing' || s.state === 'no-results' || s.state === 'mismatch',
  ).length;
  if (missing > 0) rows.push(`| ${iconFor('missing')} shard without results | ${missing} |`);
  const lost = report.shards.reduce((n, s) => n + s.missingNodes.length, 0);
  if (lost > 0) rows.push(`| ${iconFor('missing')} planned node without a result | ${lost} |`);
  if (rows.length === 0) return '';
  return ['| Status | Count |', '|---|---:|', ...rows].join('\n');
}

function renderFailures(report: MergedReport, opts: SummaryOptions): string {
  const failing = report.runResults.results.filter((r) => isFailing(r.status));
  const failedShards = report.shards.filter((s) => s.failed);
  if (failing.length === 0 && failedShards.length === 0) return '';
  const max = opts.maxFailures ?? 50;
  const out = [`### Failures (${failing.length + failedShards.length})`];
  for (const s of failedShards)
    out.push(
      `- ${iconFor(s.state === 'reported' ? 'error' : 'missing')} **shard ${code(s.id)}** (stage ${s.stage}): ${shardFailure(s)}`,
    );
  for (const r of failing.slice(0, max)) out.push(failureItem(r, opts.fileOf(r.unique_id)));
  if (failing.length > max) out.push(`- … and ${failing.length - max} more (see run_results.json and junit.xml)`);
  return out.join('\n');
}

export function shardFailure(s: ShardRow): string {
  switch (s.state) {
    case 'missing':
      return `no artifact — the job failed before uploading or never ran (${s.plannedNodes} planned nodes without results)`;
    case 'no-results':
      return `no readable run_results.json (${s.plannedNodes} planned nodes without results)`;
    case 'mismatch':
      return 'ran another plan or project: not merged (see the problems)';
    case 'partial':
      return `${s.missingNodes.length} of ${s.plannedNodes} planned nodes have no result: ${s.missingNodes.slice(0, 5).join(', ')}${s.missingNodes.length > 5 ? ', …' : ''}${s.status === 'success' ? '' : ` (shard ${s.status})`}`;
    default:
      return s.status === 'error'
        ? 'dbt exited with an error before any node failed (see dbt.log)'
        : `${s.status} after ${s.reportedNodes} of ${s.plannedNodes} nodes`;
  }
}

function failureItem(r: MergedResult, file: string | null): string {
  const where = [file ? code(file) : null, `shard ${code(r.dbt_matrix.shard)}`].filter(Boolean).join(' · ');
  const head = `- ${iconFor(r.status)} **${code(r.unique_id)}** — ${r.status} · ${where}`;
  const message = shortMessage(r.message ?? '', SUMMARY_MESSAGE_CHARS);
  if (message === '') return head;
  // Indented under the list item so GitHub keeps the block inside it.
  return `${head}\n${fenced(message).replace(/^/gm, '  ')}`;
}

/** Nodes dbt build would skip after the failures, grouped by the node that caused it. */
function renderSkipped(report: MergedReport): string {
  const byCause = new Map<string, string[]>();
  for (const r of report.runResults.results) {
    if (r.status !== 'skipped') continue;
    const key = r.dbt_matrix.skipped_because?.join(', ') ?? '';
    const list = byCause.get(key);
    if (list) list.push(r.unique_id);
    else byCause.set(key, [r.unique_id]);
  }
  if (byCause.size === 0) return '';
  const total = [...byCause.values()].reduce((n, l) => n + l.length, 0);
  const statusOf = new Map(report.runResults.results.map((r) => [r.unique_id, r.status]));
  const why = (cause: string): string => `${code(cause)} ${statusOf.has(cause) ? statusOf.get(cause) : 'did not run'}`;
  const lines = [...byCause]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([cause, ids]) => {
      const shown = ids.slice(0, 10).map(code).join(', ') + (ids.length > 10 ? `, … and ${ids.length - 10} more` : '');
      return `- ${iconFor('skipped')} ${cause ? `below ${cause.split(', ').map(why).join(', ')}` : 'cause unknown'}: ${shown}`;
    });
  return [`### Skipped (${total})`, ...lines].join('\n');
}

/** on-run-start/end hooks: one row per hook and shard (each dbt invocation runs them). */
function renderHooks(results: readonly MergedResult[]): string {
  const rows = results.flatMap((r) =>
    (r.dbt_matrix.invocations ?? []).map(
      (i) =>
        `| ${code(r.unique_id)} | ${code(i.shard)} | ${iconFor(i.status)} ${i.status} | ${formatDuration(i.execution_time)} |`,
    ),
  );
  if (rows.length === 0) return '';
  return [
    '### Hooks',
    '',
    'on-run-start/on-run-end hooks run once per dbt invocation: once per shard and chunk.',
    '',
    '| Hook | Shard | Status | Time |',
    '|---|---|---|---:|',
    ...rows,
  ].join('\n');
}

function renderProblems(report: MergedReport): string {
  // A missing shard already heads the failures; list what names a file or only warns.
  const shown = report.problems.filter((p) => p.file !== null || p.level === 'warning');
  if (shown.length === 0) return '';
  const lines = shown.map((p) => `- ${p.level === 'error' ? '❌' : '⚠️'} ${p.message}`);
  return ['### Problems reading shard artifacts', ...lines].join('\n');
}

function renderShards(rows: readonly ShardRow[]): string {
  if (rows.length === 0) return '';
  const head = [
    '### Shards',
    '',
    '| Stage | Shard | Status | Nodes | Duration | Estimate | Attempts |',
    '|---:|---|---|---:|---:|---:|---:|',
  ];
  const body = rows.map((r) => {
    const status =
      r.state === 'reported' || r.state === 'unplanned'
        ? shardStatusText(r)
        : r.state === 'skipped'
          ? `${iconFor('skipped')} skipped (upstream failed)`
          : `${iconFor('missing')} ${r.state}`;
    const nodes = r.state === 'missing' ? `0 / ${r.plannedNodes}` : `${r.reportedNodes} / ${r.plannedNodes}`;
    const attempts =
      r.attempt === null ? '–' : `${r.dbtAttempts ?? 1}${r.attempt > 1 ? ` (re-run #${r.attempt})` : ''}`;
    const stage = r.kind === 'final' ? 'final' : String(r.stage);
    return `| ${stage} | ${code(r.id)} | ${status} | ${nodes} | ${formatDuration(r.durationSeconds)} | ${formatDuration(r.estimatedSeconds)} | ${attempts} |`;
  });
  return [...head, ...body].join('\n');
}

function shardStatusText(r: ShardRow): string {
  if (r.failingNodes > 0) return `${iconFor('error')} ${r.failingNodes} failed`;
  if (r.failed) return `${iconFor('error')} ${r.status}`;
  if (r.worstStatus === 'warn') return `${iconFor('warn')} warn`;
  return `${iconFor('success')} ${r.status}`;
}

function renderTimeline(rows: readonly ShardRow[]): string {
  const chart = renderGantt(rows);
  return chart ? `### Timeline\n\n${fenced(chart, 'mermaid')}` : '';
}

function renderSlowest(results: readonly MergedResult[], n: number): string {
  if (n <= 0 || results.length === 0) return '';
  const top = [...results]
    .sort((a, b) => b.execution_time - a.execution_time || (a.unique_id < b.unique_id ? -1 : 1))
    .slice(0, n);
  const rows = top.map(
    (r) =>
      `| ${code(r.unique_id)} | ${iconFor(r.status)} ${r.status} | ${formatDuration(r.execution_time)} | ${code(r.dbt_matrix.shard)} |`,
  );
  return [
    `### Slowest ${top.length} nodes`,
    '',
    '| Node | Status | Time | Shard |',
    '|---|---|---:|---|',
    ...rows,
  ].join('\n');
}

/** The PR comment body: the headline, failures, and a link to the run. Kept short on purpose. */
export function renderComment(
  report: MergedReport,
  opts: SummaryOptions & { marker: string; runUrl: string | null },
): string {
  const parts = [
    opts.marker,
    renderHeadline(report, opts.status),
    renderFacts(report),
    renderFailures(report, { ...opts, maxFailures: opts.maxFailures ?? 20 }),
  ];
  if (opts.runUrl) parts.push(`[Full report](${opts.runUrl})`);
  return `${parts.filter((p) => p !== '').join('\n\n')}\n`;
}
