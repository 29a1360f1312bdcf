import { UserError } from '../core/errors.js';
import { SHARD_ID_MAX_LENGTH, SHARD_ID_PATTERN } from '../core/plan/schema.js';

/**
 * Every artifact name dbt-matrix uses, in one place: the runner and merge must agree on them, and
 * each carries the run attempt where a re-run would otherwise collide.
 */
export const REPORT_ARTIFACT_NAME = 'dbt-matrix-report';
/** A shard id as a folder or artifact name: the plan's id rule (no `..`, no separators, no hidden names). */
export const isSafeShardId = (id: string): boolean => id.length <= SHARD_ID_MAX_LENGTH && SHARD_ID_PATTERN.test(id);
export const SHARD_ARTIFACT_PATTERN = new RegExp(
  `^dbt-matrix-shard-(${SHARD_ID_PATTERN.source.slice(1, -1)})-attempt-(\\d+)$`,
);

/** GitHub rejects these in artifact names. */
const FORBIDDEN_NAME_CHARS = /[":<>|*?\r\n\\/]/;

export function assertArtifactName(name: string): void {
  if (name === '' || FORBIDDEN_NAME_CHARS.test(name)) {
    throw new UserError(`artifact name: got ${JSON.stringify(name)}, expected no " : < > | * ? \\ / or line breaks`);
  }
}

/** Unique per run *and attempt*: a re-run never collides with the first attempt's artifact. */
export function shardArtifactName(shardId: string, attempt: number): string {
  const name = `dbt-matrix-shard-${shardId}-attempt-${attempt}`;
  assertArtifactName(name);
  return name;
}

export const planArtifactName = (attempt: number): string => `dbt-matrix-plan-attempt-${attempt}`;
