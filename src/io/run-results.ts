import { promises as fs } from 'node:fs';
import { z } from 'zod';

/**
 * dbt's run_results.json (schema v6 for dbt 1.8+), validated only as far as we use
 * it: every other field passes through untouched so the combined file still reads as dbt's.
 */
export const RunResultSchema = z.looseObject({
  unique_id: z.string(),
  /** one of dbt's statuses (src/core/report/status.ts); judged there, not here */
  status: z.string(),
  execution_time: z.number().optional(),
  message: z.string().nullable().optional(),
});
export type RunResult = z.infer<typeof RunResultSchema>;

export const RunResultsSchema = z.looseObject({
  metadata: z.looseObject({
    dbt_schema_version: z.string().regex(/run-results\/v\d+/, 'expected a dbt run-results schema URL'),
    dbt_version: z.string().optional(),
    generated_at: z.string().optional(),
    invocation_id: z.string().nullable().optional(),
  }),
  results: z.array(RunResultSchema),
  elapsed_time: z.number(),
  args: z.record(z.string(), z.unknown()).optional(),
});
export type RunResults = z.infer<typeof RunResultsSchema>;

export const RUN_RESULTS_SCHEMA_V6 = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

/**
 * Reads the run_results.json dbt left in `targetDir`, or null when there is none (dbt failed
 * before running anything, or was killed before writing it) or it is unreadable: the caller
 * records the attempt as having no results rather than crashing the shard's bookkeeping.
 */
export async function readRunResults(file: string): Promise<{ results: RunResults | null; problem: string | null }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { results: null, problem: code === 'ENOENT' ? null : `cannot read ${file} (${code ?? String(err)})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { results: null, problem: `${file} is not valid JSON (${(err as Error).message})` };
  }
  const parsed = RunResultsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      results: null,
      problem: `${file} is not a dbt run_results.json (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`,
    };
  }
  return { results: parsed.data, problem: null };
}

/** The runner's pass check reads the one status list (src/core/report/status.ts). */
export { PASSING_STATUSES, isPassing } from '../core/report/status.js';
