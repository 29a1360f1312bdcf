import type { MergedResult } from './combine.js';
import { round3 } from './format.js';
import { FAILED_SHARD_STATES, type MergeInput, type MergedRunResults, type ShardRow } from './model.js';
import { RUN_RESULTS_SCHEMA_URL } from './run-results.js';

/**
 * The report's run_results.json: dbt's shape (the first reporting shard's metadata and args), the
 * merged results, and under `metadata.dbt_matrix` which shards reported and which are missing.
 */
export function runResultsFile(
  input: MergeInput,
  rows: readonly ShardRow[],
  results: MergedResult[],
  wallSeconds: number | null,
): MergedRunResults {
  const accepted = new Set(rows.filter((r) => r.state !== 'mismatch').map((r) => r.id));
  const reporting = input.shards
    .filter((s) => s.results && accepted.has(s.id))
    .sort((a, b) => orderOf(rows, a.id) - orderOf(rows, b.id));
  const first = reporting[0]?.results ?? null;
  // Without shard.json times, the longest shard is the best lower bound of the wall span.
  const elapsed = wallSeconds ?? Math.max(0, ...reporting.map((s) => s.results!.elapsed_time));
  return {
    metadata: {
      ...(first?.metadata ?? {}),
      // the label dbt wrote (read by fields, not by label); v6 when no shard reported
      dbt_schema_version: first?.metadata.dbt_schema_version ?? RUN_RESULTS_SCHEMA_URL,
      generated_at: input.generatedAt,
      invocation_id: input.invocationId,
      dbt_matrix: {
        merged: true,
        plan_version: input.plan.version,
        plan_id: input.planId ?? null,
        shards: rows.map((r) => ({
          id: r.id,
          stage: r.stage,
          state: r.state,
          status: r.status,
          attempt: r.attempt,
          invocation_id: input.shards.find((s) => s.id === r.id)?.results?.metadata.invocation_id ?? null,
        })),
        missing: rows.filter((r) => FAILED_SHARD_STATES.has(r.state) && r.state !== 'mismatch').map((r) => r.id),
        missing_nodes: rows.flatMap((r) => r.missingNodes),
      },
    },
    results,
    elapsed_time: round3(elapsed),
    args: mergedArgs(first?.args),
  };
}

/** The first shard's args minus what differs per shard: dbt retry reads `which` and flags from here. */
function mergedArgs(args: Record<string, unknown> | undefined): Record<string, unknown> {
  const { select: _s, exclude: _e, selector: _sel, vars: _v, ...rest } = args ?? {};
  return { which: 'build', ...rest };
}

const orderOf = (rows: readonly ShardRow[], id: string): number =>
  rows.find((r) => r.id === id)?.order ?? Number.MAX_SAFE_INTEGER;
