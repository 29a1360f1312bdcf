import { z } from 'zod';

/** plan.json, DESIGN §3. Readers reject a newer `version` with a clear message. */
export const PLAN_VERSION = 1;

export const ShardSchema = z.object({
  /** global index across stages; the matrix's `shard` value */
  index: z.number().int().nonnegative(),
  /** artifact-name-safe id, e.g. `s1-03` */
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/),
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
  shards: z.array(ShardSchema),
  finalTests: z.array(z.string()),
  /** selected exposures: dbt build lists them as no-op (or skipped below a failure) without running anything */
  exposures: z.array(z.string()).optional(),
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
    include: plan.shards
      .filter((s) => s.stage === stage)
      .map((s) => ({ shard: s.index, id: s.id, stage: s.stage })),
  };
}
