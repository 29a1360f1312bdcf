import { failedNodes, skippedBy } from '../core/failure/skips.js';
import type { DbtGraph } from '../core/graph/graph.js';
import { isTestLike } from '../core/manifest/types.js';

/** One shard that ran: the nodes dbt was asked to run and the status each got. */
export interface RanShard {
  nodes: readonly string[];
  statuses: ReadonlyMap<string, string>;
}

/**
 * What later stages must skip, each node with the node(s) that caused it: what a sequential
 * `dbt build` skips after these failures (core/failure/skips.ts), and everything below a model,
 * seed or snapshot a shard never reached (it was cancelled or timed out): nothing is built on a
 * table that was not built. A later shard runs the rest of its nodes.
 */
export function skipsAfter(graph: DbtGraph, ran: Iterable<RanShard>): Map<string, string[]> {
  const roots: string[] = [];
  for (const shard of ran) {
    roots.push(...failedNodes([...shard.statuses].map(([unique_id, status]) => ({ unique_id, status }))));
    for (const id of shard.nodes) {
      const node = graph.get(id);
      if (!shard.statuses.has(id) && node && !isTestLike(node)) roots.push(id);
    }
  }
  return skippedBy(graph, roots);
}
