import type { MergedResult } from './combine.js';
import type { MergedReport, ShardRow, Totals } from './model.js';
import { statusRank, statusSeverity } from './status.js';

export function computeTotals(results: readonly MergedResult[], rows: readonly ShardRow[]): Totals {
  const byStatus: Record<string, number> = {};
  let passed = 0;
  let failingNodes = 0;
  let warned = 0;
  let skipped = 0;
  for (const r of results) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const severity = statusSeverity(r.status);
    if (severity === 'failure') failingNodes++;
    else if (severity === 'warning') warned++;
    else if (r.status === 'skipped') skipped++;
    else passed++;
  }
  const failedShards = rows.filter((r) => r.failed).length;
  return {
    byStatus: sortedByPrecedence(byStatus),
    nodes: results.length,
    passed,
    failed: failingNodes + failedShards,
    failingNodes,
    failedShards,
    warned,
    skipped,
  };
}

function sortedByPrecedence(counts: Record<string, number>): Record<string, number> {
  const keys = Object.keys(counts).sort((a, b) => statusRank(a) - statusRank(b) || (a < b ? -1 : 1));
  return Object.fromEntries(keys.map((k) => [k, counts[k]!]));
}

export const FAIL_ON_LEVELS = ['error', 'warn', 'never'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];
export type RunStatus = 'success' | 'warning' | 'failure';

/**
 * The overall status and exit code. `failure` when a node failed, a shard failed or is missing,
 * or a shard file could not be read; `warning` for warns and warning-level problems.
 * `--fail-on error` exits 1 on failure, `warn` also on warning, `never` always exits 0.
 */
export function runStatus(report: Pick<MergedReport, 'totals' | 'problems'>): RunStatus {
  if (report.totals.failed > 0 || report.problems.some((p) => p.level === 'error')) return 'failure';
  if (report.totals.warned > 0 || report.problems.length > 0) return 'warning';
  return 'success';
}

export function exitCodeFor(status: RunStatus, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  if (status === 'failure') return 1;
  return failOn === 'warn' && status === 'warning' ? 1 : 0;
}
