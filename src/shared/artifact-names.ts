import { UserError } from '../core/errors.js';

/**
 * Every artifact name dbt-matrix uses, in one place: the runner and merge must agree on them, and
 * each carries the run attempt where a re-run would otherwise collide (DESIGN §3, §5).
 */
export const REPORT_ARTIFACT_NAME = 'dbt-matrix-report';
/**
 * A shard id as it may appear in a folder or artifact name: letters, digits, `_ . -`, not starting
 * with a dot (so never `.` or `..`), at most 100 characters. Ids read from artifacts are checked
 * against it before they become a path.
 */
const SHARD_ID = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}';
const SAFE_SHARD_ID = new RegExp(`^${SHARD_ID}$`);
export const isSafeShardId = (id: string): boolean => SAFE_SHARD_ID.test(id);
export const SHARD_ARTIFACT_PATTERN = new RegExp(`^dbt-matrix-shard-(${SHARD_ID})-attempt-(\\d+)$`);

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
