import { promises as fs } from 'node:fs';
import { RunResultsSchema, type RunResults } from '../core/report/run-results.js';

/**
 * dbt's run_results.json is read with the report's schema (src/core/report/run-results.ts), the one
 * description of that file the runner, `local` and the merge share.
 */
export {
  RunResultsSchema,
  RUN_RESULTS_SCHEMA_URL,
  type NodeResult as RunResult,
  type RunResults,
} from '../core/report/run-results.js';

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
