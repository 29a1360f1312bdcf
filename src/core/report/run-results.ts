import { z } from 'zod';

/**
 * dbt's run_results.json (schema v6, dbt 1.8+), validated only as far as the merge relies on it.
 * Every object is loose: fields we do not use (adapter_response, compiled_code, args, …) pass
 * through untouched, so the merged file stays readable by anything that reads dbt artifacts.
 */
export const RUN_RESULTS_SCHEMA_URL = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

export const TimingSchema = z.looseObject({
  name: z.string(),
  started_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
});
export type Timing = z.infer<typeof TimingSchema>;

/** What the runner adds to each result: which shard, chunk and attempt produced it. */
export const ResultTagSchema = z.looseObject({
  shard: z.string(),
  chunk: z.number().int().nonnegative().optional(),
  attempt: z.number().int().positive().optional(),
});

export const NodeResultSchema = z.looseObject({
  unique_id: z.string(),
  status: z.string(),
  execution_time: z.number().nonnegative().default(0),
  message: z.string().nullable().optional(),
  failures: z.number().nullable().optional(),
  timing: z.array(TimingSchema).optional(),
  thread_id: z.string().nullable().optional(),
  dbt_matrix: ResultTagSchema.optional(),
});
export type NodeResult = z.infer<typeof NodeResultSchema>;

export const RunResultsSchema = z.looseObject({
  metadata: z.looseObject({
    dbt_schema_version: z.string(),
    dbt_version: z.string().optional(),
    generated_at: z.string().optional(),
    invocation_id: z.string().nullable().optional(),
  }),
  results: z.array(NodeResultSchema),
  elapsed_time: z.number().nonnegative(),
  args: z.record(z.string(), z.unknown()).optional(),
});
export type RunResults = z.infer<typeof RunResultsSchema>;

/** Reject artifacts newer than the schema we merge (v7+ may change result shapes). */
export function runResultsVersion(results: RunResults): number | null {
  const m = /run-results\/v(\d+)\.json$/.exec(results.metadata.dbt_schema_version);
  return m ? Number(m[1]) : null;
}
export const MAX_RUN_RESULTS_VERSION = 6;

/**
 * Status precedence when one node has several results (one per chunk, or — against the plan —
 * from two shards): the worst wins. dbt's statuses, worst first:
 *
 *   error > fail > runtime error > partial success > warn > skipped > no-op > success = pass
 *
 * `runtime error` is source freshness's error; `partial success` is a microbatch model with some
 * failed batches. A status this list does not know (a newer dbt) ranks just below `partial
 * success`: it is not a pass, and it must not hide behind a `warn`.
 */
export const STATUS_PRECEDENCE = [
  'error',
  'fail',
  'runtime error',
  'partial success',
  'warn',
  'skipped',
  'no-op',
  'success',
  'pass',
] as const;
export type KnownStatus = (typeof STATUS_PRECEDENCE)[number];

const RANK = new Map<string, number>(STATUS_PRECEDENCE.map((s, i) => [s, i]));
RANK.set('pass', RANK.get('success')!);
const UNKNOWN_RANK = RANK.get('partial success')! + 0.5;

/** Lower is worse. */
export function statusRank(status: string): number {
  return RANK.get(status) ?? UNKNOWN_RANK;
}

export function worseStatus(a: string, b: string): string {
  return statusRank(b) < statusRank(a) ? b : a;
}

export type Severity = 'failure' | 'warning' | 'ok';

/** How a status counts for `--fail-on` and the totals. */
export function statusSeverity(status: string): Severity {
  const rank = statusRank(status);
  if (rank <= UNKNOWN_RANK) return 'failure';
  if (status === 'warn') return 'warning';
  return 'ok';
}

export const isFailing = (status: string): boolean => statusSeverity(status) === 'failure';
