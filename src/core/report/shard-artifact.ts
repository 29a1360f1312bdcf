import { z } from 'zod';

/**
 * shard.json: what one run step writes beside run_results.json and dbt.log.
 * `vars` is exactly the object passed to dbt (per chunk when chunked).
 */
export const SHARD_ARTIFACT_VERSION = 1;

export const IntervalSchema = z.object({
  start: z.string(),
  end: z.string(),
  overlap: z.boolean(),
  source: z.enum(['explicit', 'schedule', 'trigger-date']),
  timezone: z.string(),
});
export type IntervalInfo = z.infer<typeof IntervalSchema>;

export const ChunkRecordSchema = z.object({
  index: z.number().int().nonnegative(),
  start: z.string(),
  end: z.string(),
  vars: z.record(z.string(), z.unknown()),
  exitCode: z.number().int().nullable(),
  status: z.enum(['success', 'error', 'skipped', 'cancelled', 'timeout']),
  attempts: z.number().int().nonnegative(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** dbt's reason when this chunk's dbt parsed the project again (every chunk has other vars) */
  reparsed: z.string().nullable().optional(),
});
export type ChunkRecord = z.infer<typeof ChunkRecordSchema>;

/** Which plan a shard ran from: merge refuses a shard of another plan or project, saying which. */
export const PlanIdentitySchema = z.object({
  /** a hash of the plan's contents (the same plan.json gives the same id) */
  id: z.string().regex(/^[0-9a-f]{8,64}$/),
  project: z.string().nullable(),
});
export type PlanIdentity = z.infer<typeof PlanIdentitySchema>;

/** A node the runner left out because a node it depends on failed in an earlier stage. */
export const SkippedNodeSchema = z.object({
  unique_id: z.string(),
  /** the failed node(s) that caused the skip */
  causes: z.array(z.string()),
});
export type SkippedNode = z.infer<typeof SkippedNodeSchema>;

export const ShardArtifactSchema = z.object({
  version: z.literal(SHARD_ARTIFACT_VERSION),
  id: z.string(),
  /** 'final' for the finalTests job */
  kind: z.enum(['shard', 'final']),
  stage: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  interval: IntervalSchema,
  vars: z.record(z.string(), z.unknown()),
  /** argv of the first dbt invocation (vars included, secrets redacted) */
  command: z.array(z.string()),
  dbtVersion: z.string().nullable(),
  exitCode: z.number().int(),
  status: z.enum(['success', 'error', 'cancelled', 'timeout']),
  startedAt: z.string(),
  endedAt: z.string(),
  chunks: z.array(ChunkRecordSchema),
  /** the nodes dbt was asked to run */
  nodes: z.array(z.string()),
  /** absent in artifacts of older runners: then merge cannot tell plans apart */
  plan: PlanIdentitySchema.optional(),
  /** planned nodes not run because an upstream node failed in an earlier stage */
  skipped: z.array(SkippedNodeSchema).optional(),
  /** dbt's reason when the shard's first dbt parsed the project again instead of reusing the plan's parse */
  reparsed: z.string().nullable().optional(),
});
export type ShardArtifact = z.infer<typeof ShardArtifactSchema>;
