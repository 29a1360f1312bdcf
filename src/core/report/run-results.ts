import { z } from 'zod';

/**
 * dbt's run_results.json, validated by the fields the merge relies on, not by its version label
 * (dbt 1.8-1.12 and Fusion all write "v6" while adding fields: `no-op`, `reused`,
 * `batch_results`, `overload_results`). Every object is loose: fields we do not use
 * (adapter_response, compiled_code, args, …) pass through untouched, so the merged file stays
 * readable by anything that reads dbt artifacts.
 */
export const RUN_RESULTS_SCHEMA_URL = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

export const TimingSchema = z.looseObject({
  name: z.string(),
  started_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
});
export type Timing = z.infer<typeof TimingSchema>;

export const BatchResultsSchema = z.looseObject({
  successful: z.array(z.array(z.string().nullable())).default([]),
  failed: z.array(z.array(z.string().nullable())).default([]),
});
export const OverloadResultsSchema = z.looseObject({
  successful: z.array(z.string()).default([]),
  failed: z.array(z.string()).default([]),
});

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
  /** microbatch models (dbt 1.9+): batches as [start, end] pairs */
  batch_results: BatchResultsSchema.nullable().optional(),
  /** functions with overloads (dbt 1.12) */
  overload_results: OverloadResultsSchema.nullable().optional(),
  dbt_matrix: ResultTagSchema.optional(),
});
export type NodeResult = z.infer<typeof NodeResultSchema>;

export const RunResultsSchema = z.looseObject({
  metadata: z.looseObject({
    dbt_schema_version: z.string().regex(/run-results\/v\d+/, 'expected a dbt run-results schema URL'),
    dbt_version: z.string().optional(),
    generated_at: z.string().optional(),
    invocation_id: z.string().nullable().optional(),
  }),
  results: z.array(NodeResultSchema),
  elapsed_time: z.number().nonnegative(),
  args: z.record(z.string(), z.unknown()).optional(),
});
export type RunResults = z.infer<typeof RunResultsSchema>;

export {
  STATUS_PRECEDENCE,
  statusRank,
  worseStatus,
  statusSeverity,
  isFailing,
  isPassing,
  isKnownStatus,
  type KnownStatus,
  type Severity,
} from './status.js';
