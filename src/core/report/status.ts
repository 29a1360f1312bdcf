/**
 * dbt's node statuses, in one place: how each ranks, counts and shows. Everything that judges a
 * status (merge, totals, the runner's pass check, what a failure skips) reads this module.
 *
 * Worst first, the order the merge uses when one node has several results (chunks, retries):
 *
 *   error > fail > runtime error > partial success > warn > skipped > no-op > reused > success = pass
 *
 * `runtime error` is source freshness's error; `partial success` a microbatch model with failed
 * batches; `no-op` (dbt 1.10+) an exposure or saved query `dbt build` lists without running;
 * `reused` (dbt 1.12 and Fusion) a node taken over unchanged from earlier state.
 */
export const STATUS_PRECEDENCE = [
  'error',
  'fail',
  'runtime error',
  'partial success',
  'warn',
  'skipped',
  'no-op',
  'reused',
  'success',
  'pass',
] as const;
export type KnownStatus = (typeof STATUS_PRECEDENCE)[number];

const KNOWN: ReadonlySet<string> = new Set(STATUS_PRECEDENCE);
export const isKnownStatus = (status: string): status is KnownStatus => KNOWN.has(status);

const RANK = new Map<string, number>(STATUS_PRECEDENCE.map((s, i) => [s, i]));
RANK.set('pass', RANK.get('success')!);
/** A status this list does not know ranks just below `partial success`: never a pass, never hidden behind a warn. */
const UNKNOWN_RANK = RANK.get('partial success')! + 0.5;

/** Lower is worse. */
export function statusRank(status: string): number {
  return RANK.get(status) ?? UNKNOWN_RANK;
}

export function worseStatus(a: string, b: string): string {
  return statusRank(b) < statusRank(a) ? b : a;
}

/** Statuses dbt exits 0 with: the node's children may build on it (`warn` included, as in dbt). */
export const PASSING_STATUSES: ReadonlySet<KnownStatus> = new Set<KnownStatus>([
  'success',
  'pass',
  'warn',
  'no-op',
  'reused',
]);
export const isPassing = (status: string): boolean => PASSING_STATUSES.has(status as KnownStatus);

/**
 * Statuses after which `dbt build` skips a node's dependents (dbt-core's build task,
 * MARK_DEPENDENT_ERRORS_STATUSES): a skipped node passes its skip on.
 */
export const SKIPS_DEPENDENTS: ReadonlySet<KnownStatus> = new Set<KnownStatus>([
  'error',
  'fail',
  'skipped',
  'partial success',
]);

export type Severity = 'failure' | 'warning' | 'ok';

/** How a status counts for `--fail-on` and the totals; an unknown status is a failure. */
export function statusSeverity(status: string): Severity {
  const rank = statusRank(status);
  if (rank <= UNKNOWN_RANK) return 'failure';
  if (status === 'warn') return 'warning';
  return 'ok';
}

export const isFailing = (status: string): boolean => statusSeverity(status) === 'failure';

export const STATUS_ICON: Readonly<Record<KnownStatus | 'missing', string>> = {
  error: '❌',
  fail: '❌',
  'runtime error': '❌',
  'partial success': '❌',
  warn: '⚠️',
  skipped: '⏭️',
  'no-op': '➖',
  reused: '♻️',
  success: '✅',
  pass: '✅',
  missing: '❓',
};

export const iconFor = (status: string): string => (STATUS_ICON as Record<string, string>)[status] ?? '❔';
