import { z } from 'zod';
import { BATCH_SIZES } from '../interval/microbatch.js';

/** plan.json, the contract between plan, run and merge. Readers reject a newer `version` with a clear message. */
export const PLAN_VERSION = 1;

/**
 * A shard id names a folder (DIR/<id>/) and an artifact: letters and digits first, then letters,
 * digits, `_`, `-`, `.` — never `..`, a separator, or a hidden name (`.work` is ours). `final`
 * is the final tests' folder.
 */
export const SHARD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;
export const SHARD_ID_MAX_LENGTH = 64;
export const FINAL_ID = 'final';

export const ShardIdSchema = z
  .string()
  .max(SHARD_ID_MAX_LENGTH)
  .regex(SHARD_ID_PATTERN, 'expected letters, digits, "_", "-" and single dots, starting with a letter or digit')
  .refine((id) => id !== FINAL_ID, `"${FINAL_ID}" is the final tests' id`);

export const ShardSchema = z.object({
  /** global index across stages; the matrix's `shard` value */
  index: z.number().int().nonnegative(),
  /** artifact-name-safe id, e.g. `s1-03` (see SHARD_ID_PATTERN) */
  id: ShardIdSchema,
  /** 1-based stage */
  stage: z.number().int().positive(),
  nodes: z.array(z.string()),
  estimatedSeconds: z.number().nonnegative(),
});
export type Shard = z.infer<typeof ShardSchema>;

export const PlanSchema = z.object({
  version: z.literal(PLAN_VERSION),
  createdAt: z.string(),
  dbtVersion: z.string(),
  projectName: z.string().nullable(),
  selection: z.object({
    select: z.array(z.string()),
    exclude: z.array(z.string()),
    selector: z.string().nullable(),
    state: z.string().nullable(),
  }),
  threads: z.number().int().positive(),
  maxParallel: z.number().int().positive(),
  connectionBudget: z.number().int().positive(),
  stages: z.number().int().nonnegative(),
  shards: z.array(ShardSchema).superRefine(uniqueShards),
  finalTests: z.array(z.string()),
  /** selected exposures: dbt build lists them as no-op (or skipped below a failure) without running anything */
  exposures: z.array(z.string()).optional(),
  /** selected microbatch models: run passes them the interval as --event-time-start/--event-time-end */
  microbatch: z.array(z.object({ uniqueId: z.string(), batchSize: z.enum(BATCH_SIZES) })).optional(),
  estimates: z.object({
    sequentialSeconds: z.number().nonnegative(),
    makespanSeconds: z.number().nonnegative(),
    lowerBoundSeconds: z.number().nonnegative(),
    /** one plain `dbt build` with the budget's threads, simulated the same way (absent in older plans) */
    oneJobSeconds: z.number().nonnegative().optional(),
    /** the best simulated plan of more than one shard; null when none was simulated */
    shardedSeconds: z.number().nonnegative().nullable().optional(),
    shardOverheadSeconds: z.number().nonnegative(),
    nodesWithHistory: z.number().int().nonnegative(),
    nodesEstimated: z.number().int().nonnegative(),
    assumption: z.string(),
  }),
});
export type Plan = z.infer<typeof PlanSchema>;

/** Two shards with one id would write one folder and one artifact; one index, one matrix entry. */
function uniqueShards(shards: ReadonlyArray<{ index: number; id: string }>, ctx: z.RefinementCtx): void {
  const ids = new Set<string>();
  const indices = new Set<number>();
  shards.forEach((s, i) => {
    if (ids.has(s.id))
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate shard id ${JSON.stringify(s.id)}` });
    if (indices.has(s.index))
      ctx.addIssue({ code: 'custom', path: [i, 'index'], message: `duplicate shard index ${s.index}` });
    ids.add(s.id);
    indices.add(s.index);
  });
}

/** The GitHub matrix for one stage: small on purpose (indices and names only). */
export interface MatrixEntry {
  shard: number;
  id: string;
  stage: number;
}
export interface Matrix {
  include: MatrixEntry[];
}

export function matrixForStage(plan: Plan, stage: number): Matrix {
  return {
    include: plan.shards.filter((s) => s.stage === stage).map((s) => ({ shard: s.index, id: s.id, stage: s.stage })),
  };
}
