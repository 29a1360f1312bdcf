import { ShardArtifactSchema, type ShardArtifact } from '../core/report/shard-artifact.js';
import { writeShardFiles } from '../io/folders/index.js';
import type { Redactor } from '../io/redact.js';
import { RUN_RESULTS_SCHEMA_URL, type RunResults } from '../io/run-results.js';
import { combineRunResults, type AttemptResults } from './combine-results.js';

/**
 * Writes run_results.json (chunks and attempts combined, redacted) and shard.json, both
 * atomically. When dbt left no results at all (it never started, failed to parse, was killed
 * first) an empty run_results.json in dbt's shape is written, so the folder is always complete
 * and merge can tell "ran nothing" from "artifact missing". Returns both as written (redacted),
 * for callers that hand them on in memory.
 */
export async function writeShardArtifacts(
  dir: string,
  artifact: ShardArtifact,
  attempts: readonly AttemptResults[],
  redact: Redactor,
): Promise<{ artifact: ShardArtifact; results: RunResults }> {
  const combined = combineRunResults(artifact.id, attempts) ?? emptyRunResults(artifact);
  // compiled SQL and error messages may quote a secret (e.g. a password var): redact the text
  const text = redact(JSON.stringify(combined, null, 2));
  const redacted = JSON.parse(redact(JSON.stringify(ShardArtifactSchema.parse(artifact)))) as ShardArtifact;
  const written = await writeShardFiles(dir, text, redacted);
  return { artifact: written, results: JSON.parse(text) as RunResults };
}

function emptyRunResults(artifact: ShardArtifact): RunResults {
  return {
    metadata: {
      dbt_schema_version: RUN_RESULTS_SCHEMA_URL,
      dbt_version: artifact.dbtVersion ?? undefined,
      generated_at: artifact.endedAt,
      invocation_id: null,
    },
    results: [],
    elapsed_time: 0,
    args: {},
  };
}
