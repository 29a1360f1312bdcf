import type { DbtGraph } from '../core/graph/graph.js';
import { isTestLike } from '../core/manifest/types.js';

/** dbt statuses after which a node's children may run (`warn` passes, as in dbt). */
const PASSING = new Set(['success', 'pass', 'warn', 'no-op']);

/**
 * The nodes a sequential `dbt build` would skip after these results: everything downstream of a
 * failed or skipped node, and downstream of a model whose test failed (dbt build skips the
 * model's children; the model itself stays built). A shard's node without a result (the shard
 * was cancelled or timed out) counts as failed. `local` leaves a later shard out when any of its
 * nodes is in this set, instead of running it on missing or stale upstream tables.
 */
export function blockedNodes(graph: DbtGraph, shardNodes: readonly string[], results: ReadonlyMap<string, string>): Set<string> {
  const roots: string[] = [];
  for (const id of shardNodes) {
    const status = results.get(id);
    if (status !== undefined && PASSING.has(status)) continue;
    const node = graph.get(id);
    if (node && isTestLike(node)) roots.push(...graph.parents(id));
    else roots.push(id);
  }
  return graph.reach(roots, 'down');
}
