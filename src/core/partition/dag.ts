import { UserError } from '../errors.js';
import type { DbtGraph } from '../graph/graph.js';
import { defaultSecondsFor, type CostTable } from './costs.js';
import { isSchedulable, isTestLike } from './schedulable.js';

/**
 * The graph the partitioner works on: only schedulable selected nodes, numbered 0..n-1 in sorted
 * id order (so every loop over indices is deterministic), with **effective** edges: a node's
 * parents are its nearest schedulable ancestors, reached through anything not scheduled (ephemeral
 * models, unselected nodes, sources), as dbt's get_subset_graph does.
 */
export interface WorkDag {
  ids: string[];
  cost: Float64Array;
  parents: number[][];
  children: number[][];
  /** tests with at least one parent and no children: they follow their parents into a shard */
  attached: Uint8Array;
  /** parents before children; ties by index */
  topo: Int32Array;
  /** earliest start with unlimited workers */
  est: Float64Array;
  /** longest path from this node's start to a sink, own cost included: the list-scheduling priority */
  tail: Float64Array;
  criticalPath: number;
  totalWork: number;
}

const EMPTY: readonly number[] = Object.freeze([]);

export function buildWorkDag(graph: DbtGraph, selected: ReadonlySet<string>, costs: CostTable): WorkDag {
  const ids = [...selected].filter((id) => {
    const node = graph.get(id);
    return node !== undefined && isSchedulable(node);
  });
  ids.sort();
  const indexOf = new Map<string, number>();
  ids.forEach((id, i) => indexOf.set(id, i));

  const n = ids.length;
  const cost = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const node = graph.get(ids[i]!)!;
    cost[i] = costs.seconds.get(ids[i]!) ?? defaultSecondsFor(node.resourceType);
  }
  const parents = effectiveParents(graph, ids, indexOf);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) for (const p of parents[v]!) children[p]!.push(v);

  const attached = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const testLike = isTestLike(graph.get(ids[v]!)!);
    if (testLike && parents[v]!.length > 0 && children[v]!.length === 0) attached[v] = 1;
  }

  const topo = topologicalOrder(ids, parents, children);
  const est = new Float64Array(n);
  const tail = new Float64Array(n);
  for (const v of topo) for (const p of parents[v]!) est[v] = Math.max(est[v]!, est[p]! + cost[p]!);
  let criticalPath = 0;
  let totalWork = 0;
  for (let k = n - 1; k >= 0; k--) {
    const v = topo[k]!;
    let longest = 0;
    for (const c of children[v]!) longest = Math.max(longest, tail[c]!);
    tail[v] = cost[v]! + longest;
    criticalPath = Math.max(criticalPath, tail[v]!);
    totalWork += cost[v]!;
  }
  return { ids, cost, parents, children, attached, topo, est, tail, criticalPath, totalWork };
}

/**
 * Nearest schedulable ancestors of every schedulable node. The set a non-scheduled node passes on
 * is memoised once per node, and shared (not copied) when it comes from a single parent, so long
 * chains of ephemeral or unselected nodes cost O(nodes + edges), not a copy per hop. Iterative:
 * 10k-deep chains must not overflow the stack.
 */
function effectiveParents(graph: DbtGraph, ids: string[], indexOf: Map<string, number>): number[][] {
  const through = new Map<string, readonly number[]>();
  const seen = new Int32Array(ids.length);
  let mark = 0;

  // union of the contributions of `parentIds`; `share` allows returning a memoised array as is
  const union = (parentIds: readonly string[], share: boolean): readonly number[] => {
    const parts: (readonly number[])[] = [];
    for (const p of parentIds) {
      const i = indexOf.get(p);
      const part = i !== undefined ? [i] : (through.get(p) ?? EMPTY);
      if (part.length > 0) parts.push(part);
    }
    if (parts.length === 0) return EMPTY;
    if (parts.length === 1 && share) return parts[0]!;
    mark++;
    const out: number[] = [];
    for (const part of parts) {
      for (const i of part) {
        if (seen[i] !== mark) {
          seen[i] = mark;
          out.push(i);
        }
      }
    }
    return out.sort((a, b) => a - b);
  };

  const resolve = (start: string): void => {
    // post-order DFS over non-scheduled ancestors. `open` holds the nodes on the current path: a
    // parent found there would be a cycle, which dbt rejects at parse time; it contributes nothing.
    const stack: Array<[string, boolean]> = [[start, false]];
    const open = new Set<string>();
    while (stack.length > 0) {
      const [id, expanded] = stack.pop()!;
      if (expanded) {
        through.set(id, union(graph.parents(id), true));
        open.delete(id);
        continue;
      }
      if (through.has(id) || open.has(id)) continue;
      open.add(id);
      stack.push([id, true]);
      for (const p of graph.parents(id)) {
        if (!indexOf.has(p) && !through.has(p) && !open.has(p)) stack.push([p, false]);
      }
    }
  };

  return ids.map((id) => {
    const direct = graph.parents(id);
    for (const p of direct) if (!indexOf.has(p) && !through.has(p)) resolve(p);
    return [...union(direct, false)];
  });
}

function topologicalOrder(ids: string[], parents: number[][], children: number[][]): Int32Array {
  const n = ids.length;
  const indegree = new Int32Array(n);
  const order = new Int32Array(n);
  let head = 0;
  let tailPos = 0;
  for (let v = 0; v < n; v++) {
    indegree[v] = parents[v]!.length;
    if (indegree[v] === 0) order[tailPos++] = v;
  }
  while (head < tailPos) {
    const v = order[head++]!;
    for (const c of children[v]!) if (--indegree[c]! === 0) order[tailPos++] = c;
  }
  if (tailPos < n) {
    const stuck = ids.find((_, v) => indegree[v]! > 0);
    throw new UserError(`manifest: dependency cycle through ${JSON.stringify(stuck)}, expected a DAG`);
  }
  return order;
}
