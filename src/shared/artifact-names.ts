import { UserError } from '../core/errors.js';

/**
 * Every artifact name dbt-matrix uses, in one place: the runner and merge must agree on them, and
 * each carries the run attempt where a re-run would otherwise collide (DESIGN §3, §5).
 */
export const REPORT_ARTIFACT_NAME = 'dbt-matrix-report';
/** The shard id inside is a folder name on download: the plan's id rule (no `..`, no hidden names). */
export const SHARD_ARTIFACT_PATTERN = /^dbt-matrix-shard-([A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)-attempt-(\d+)$/;

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
