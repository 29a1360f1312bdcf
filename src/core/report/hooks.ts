import type { HookInvocation, MergedResult } from './combine.js';
import { statusRank } from './status.js';

/**
 * on-run-start / on-run-end hooks (`operation.<project>.<project>-on-run-start-0`) run once per
 * dbt invocation — once per shard and per chunk — so several shards reporting the same hook is
 * dbt's semantics, not a duplicate. The merged file lists each hook once (the worst status, the
 * summed time) with every shard's run in `dbt_matrix.invocations`.
 */
export const isHook = (uniqueId: string): boolean => uniqueId.startsWith('operation.');

export function addHookResult(earlier: MergedResult | undefined, result: MergedResult): MergedResult {
  const invocation: HookInvocation = {
    shard: result.dbt_matrix.shard,
    status: result.status,
    execution_time: result.execution_time,
    chunks: result.dbt_matrix.chunks,
    message: result.message ?? null,
  };
  if (!earlier) return { ...result, dbt_matrix: { ...result.dbt_matrix, invocations: [invocation] } };
  const worse = statusRank(result.status) < statusRank(earlier.status);
  const base = worse ? { ...result, dbt_matrix: { ...earlier.dbt_matrix } } : earlier;
  return {
    ...base,
    execution_time: earlier.execution_time + result.execution_time,
    dbt_matrix: { ...base.dbt_matrix, invocations: [...(earlier.dbt_matrix.invocations ?? []), invocation] },
  };
}
