import type { Plan } from '../core/plan/schema.js';

/**
 * Environment variables every dbt invocation of a shard gets, so that `on-run-start`/`on-run-end`
 * hooks (which dbt runs once per invocation: once per shard, chunk and retry) can decide for
 * themselves. Read them under `{% if execute %}`: then dbt does not see them while parsing, and
 * partial parsing stays valid across shards.
 *   DBT_MATRIX_SHARD            shard id (`s1-02`), or `final` for the final tests
 *   DBT_MATRIX_STAGE            the shard's stage (final tests: stages + 1)
 *   DBT_MATRIX_CHUNK            1-based chunk of the interval, and DBT_MATRIX_CHUNKS how many
 *   DBT_MATRIX_ATTEMPT          1 for `dbt build`, 2… for each `dbt retry`
 *   DBT_MATRIX_LAST_INVOCATION  `true` for exactly one invocation of the run (and its retries):
 *                               the final tests' last chunk when the plan has final tests (they
 *                               run after everything else), else the last chunk of the last
 *                               stage's highest shard (shards of that stage may still be running)
 * A plain `dbt build` sets none of them: hooks should default to "this is the whole run".
 * The chunk's interval travels beside them (INTERVAL_ENV in src/shared/shard-vars.ts).
 */
export const HOOK_ENV = {
  shard: 'DBT_MATRIX_SHARD',
  stage: 'DBT_MATRIX_STAGE',
  chunk: 'DBT_MATRIX_CHUNK',
  chunks: 'DBT_MATRIX_CHUNKS',
  attempt: 'DBT_MATRIX_ATTEMPT',
  last: 'DBT_MATRIX_LAST_INVOCATION',
} as const;

export interface HookWork {
  id: string;
  kind: 'shard' | 'final';
  stage: number;
}

/** The variables for one chunk; the attempt is added per invocation. */
export function hookEnv(
  plan: Pick<Plan, 'shards' | 'stages' | 'finalTests'>,
  work: HookWork,
  chunk: number,
  chunks: number,
): Record<string, string> {
  return {
    [HOOK_ENV.shard]: work.id,
    [HOOK_ENV.stage]: String(work.stage),
    [HOOK_ENV.chunk]: String(chunk + 1),
    [HOOK_ENV.chunks]: String(chunks),
    [HOOK_ENV.last]: String(chunk === chunks - 1 && isLastWork(plan, work)),
  };
}

function isLastWork(plan: Pick<Plan, 'shards' | 'stages' | 'finalTests'>, work: HookWork): boolean {
  if (plan.finalTests.length > 0) return work.kind === 'final';
  if (work.kind === 'final') return false;
  const lastStage = Math.max(0, ...plan.shards.map((s) => s.stage));
  const last = plan.shards
    .filter((s) => s.stage === lastStage)
    .sort((a, b) => a.index - b.index)
    .at(-1);
  return last?.id === work.id;
}
