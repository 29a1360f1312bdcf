import { UserError } from '../errors.js';
import type { DbtGraph, DenseGraph } from '../graph/graph.js';
import { defaultSecondsFor, type CostTable } from './costs.js';
import { isSchedulable, isTestLike } from './schedulable.js';

/**
 * The graph the partitioner works on: only schedulable selected nodes, numbered 0..n-1 in sorted
 * id order (so every loop over indices is deterministic), with **effective** edges: a node's
 * parents are its nearest schedulable ancestors, reached through anything not scheduled (ephemeral
 * models, unselected nodes, sources), as dbt's get_subset_graph does.
 *
 * Edges are flat arrays (CSR): the parents of v are `parentList[parentStart[v] .. parentStart[v+1])`,
 * ascending; children likewise. Planning walks them dozens of times, and arrays of arrays cost
 * more in pointer chasing and garbage than the walks themselves.
 */
export interface WorkDag {
  ids: string[];
  cost: Float64Array;
  parentStart: Int32Array;
  parentList: Int32Array;
  childStart: Int32Array;
  childList: Int32Array;
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

export function buildWorkDag(graph: DbtGraph, selected: ReadonlySet<string>, costs: CostTable): WorkDag {
  const dense = graph.dense;
  const ids: string[] = [];
  for (const id of selected) {
    const node = graph.get(id);
    if (node !== undefined && isSchedulable(node)) ids.push(id);
  }
  ids.sort(); // selections usually arrive sorted: then this is one linear pass
  const n = ids.length;
  const workOf = new Int32Array(dense.ids.length).fill(-1);
  const graphOf = new Int32Array(n);
  const cost = new Float64Array(n);
  const testLike = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const g = graph.indexOf(ids[v]!);
    graphOf[v] = g;
    workOf[g] = v;
    const node = dense.nodes[g]!;
    cost[v] = costs.seconds.get(ids[v]!) ?? defaultSecondsFor(node.resourceType);
    testLike[v] = isTestLike(node) ? 1 : 0;
  }
  const { parentStart, parentList } = effectiveParents(dense, graphOf, workOf);
  const { childStart, childList } = invert(parentStart, parentList, n);

  const attached = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    if (testLike[v] && parentStart[v + 1]! > parentStart[v]! && childStart[v + 1] === childStart[v]) attached[v] = 1;
  }
  const topo = topologicalOrder(ids, parentStart, parentList, childStart, childList);
  const est = new Float64Array(n);
  const tail = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = topo[k]!;
    let start = 0;
    for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) {
      const p = parentList[e]!;
      const f = est[p]! + cost[p]!;
      if (f > start) start = f;
    }
    est[v] = start;
  }
  let criticalPath = 0;
  let totalWork = 0;
  for (let k = n - 1; k >= 0; k--) {
    const v = topo[k]!;
    let longest = 0;
    for (let e = childStart[v]!; e < childStart[v + 1]!; e++)
      if (tail[childList[e]!]! > longest) longest = tail[childList[e]!]!;
    tail[v] = cost[v]! + longest;
    if (tail[v]! > criticalPath) criticalPath = tail[v]!;
    totalWork += cost[v]!;
  }
  return {
    ids,
    cost,
    parentStart,
    parentList,
    childStart,
    childList,
    attached,
    topo,
    est,
    tail,
    criticalPath,
    totalWork,
  };
}

/** Non-attached nodes by earliest start, ties in topological order (parents first). */
export function coreByStart(dag: WorkDag): Int32Array {
  const core: number[] = [];
  for (const v of dag.topo) if (!dag.attached[v]) core.push(v);
  const { est } = dag;
  core.sort((a, b) => est[a]! - est[b]!); // stable: ties keep the topological order
  return Int32Array.from(core);
}

/**
 * Non-attached nodes by remaining path, longest first (so the critical chains are placed first and
 * short leaves are the ones deferred); ties in topological order. With positive costs a parent's
 * tail exceeds its child's, so this is a topological order too.
 */
export function coreByTail(dag: WorkDag): Int32Array {
  const core: number[] = [];
  for (const v of dag.topo) if (!dag.attached[v]) core.push(v);
  const { tail } = dag;
  core.sort((a, b) => tail[b]! - tail[a]!);
  return Int32Array.from(core);
}

/**
 * Nearest schedulable ancestors of every schedulable node, ascending. The set a non-scheduled node
 * passes on is memoised once per graph node and shared (not copied) when it comes from a single
 * parent, so long chains of ephemeral or unselected nodes cost O(nodes + edges), not a copy per hop.
 * Iterative: 10k-deep chains must not overflow the stack.
 */
function effectiveParents(
  dense: DenseGraph,
  graphOf: Int32Array,
  workOf: Int32Array,
): { parentStart: Int32Array; parentList: Int32Array } {
  const { parentStart: gStart, parentList: gList } = dense;
  const through: Array<readonly number[] | undefined> = new Array(dense.ids.length);
  const open = new Uint8Array(dense.ids.length);
  const seen = new Int32Array(graphOf.length);
  let mark = 0;
  const out: number[] = [];

  // the work nodes the graph parents of `g` stand for, into `out` (deduplicated, unsorted)
  const gather = (g: number): void => {
    mark++;
    out.length = 0;
    for (let e = gStart[g]!; e < gStart[g + 1]!; e++) {
      const p = gList[e]!;
      const w = workOf[p]!;
      if (w >= 0) {
        if (seen[w] !== mark) {
          seen[w] = mark;
          out.push(w);
        }
        continue;
      }
      const part = through[p]; // undefined only for a node still open: a cycle, contributing nothing
      if (part === undefined) continue;
      for (let k = 0; k < part.length; k++) {
        if (seen[part[k]!] !== mark) {
          seen[part[k]!] = mark;
          out.push(part[k]!);
        }
      }
    }
  };
  // what a non-scheduled node passes on: a parent's memo as is when it is the only contributor
  const passOn = (g: number): readonly number[] => {
    let parts = 0;
    let only: readonly number[] | undefined;
    for (let e = gStart[g]!; e < gStart[g + 1]! && parts < 2; e++) {
      const p = gList[e]!;
      if (workOf[p]! >= 0) {
        parts++;
        only = undefined;
      } else if ((through[p]?.length ?? 0) > 0) {
        parts++;
        only = through[p];
      }
    }
    if (parts === 0) return EMPTY;
    if (parts === 1 && only !== undefined) return only;
    gather(g);
    return out.slice().sort(ascending);
  };

  // post-order DFS over non-scheduled ancestors (~g marks "children done")
  const stack: number[] = [];
  const resolve = (start: number): void => {
    stack.push(start);
    while (stack.length > 0) {
      const top = stack.pop()!;
      if (top < 0) {
        open[~top] = 0;
        through[~top] = passOn(~top);
        continue;
      }
      if (through[top] !== undefined || open[top]) continue;
      open[top] = 1;
      stack.push(~top);
      for (let e = gStart[top]!; e < gStart[top + 1]!; e++) {
        const p = gList[e]!;
        if (workOf[p]! < 0 && through[p] === undefined && !open[p]) stack.push(p);
      }
    }
  };

  const n = graphOf.length;
  const parentStart = new Int32Array(n + 1);
  let parentList = new Int32Array(Math.max(16, 2 * n));
  let size = 0;
  for (let v = 0; v < n; v++) {
    const g = graphOf[v]!;
    for (let e = gStart[g]!; e < gStart[g + 1]!; e++) {
      const p = gList[e]!;
      if (workOf[p]! < 0 && through[p] === undefined) resolve(p);
    }
    gather(g);
    if (out.length > 1) out.sort(ascending);
    if (size + out.length > parentList.length) {
      const grown = new Int32Array(2 * (size + out.length));
      grown.set(parentList);
      parentList = grown;
    }
    parentStart[v] = size;
    for (let k = 0; k < out.length; k++) parentList[size++] = out[k]!;
  }
  parentStart[n] = size;
  return { parentStart, parentList: parentList.slice(0, size) };
}

const EMPTY: readonly number[] = Object.freeze([]);
const ascending = (a: number, b: number): number => a - b;

/** Children lists from parent lists; filled in ascending child order, so each list is sorted. */
function invert(
  parentStart: Int32Array,
  parentList: Int32Array,
  n: number,
): { childStart: Int32Array; childList: Int32Array } {
  const childStart = new Int32Array(n + 1);
  for (let e = 0; e < parentList.length; e++) childStart[parentList[e]! + 1]!++;
  for (let v = 0; v < n; v++) childStart[v + 1]! += childStart[v]!;
  const fill = childStart.slice(0, n);
  const childList = new Int32Array(parentList.length);
  for (let v = 0; v < n; v++) {
    for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) childList[fill[parentList[e]!]!++] = v;
  }
  return { childStart, childList };
}

function topologicalOrder(
  ids: string[],
  parentStart: Int32Array,
  parentList: Int32Array,
  childStart: Int32Array,
  childList: Int32Array,
): Int32Array {
  const n = ids.length;
  const indegree = new Int32Array(n);
  const order = new Int32Array(n);
  let head = 0;
  let tailPos = 0;
  for (let v = 0; v < n; v++) {
    indegree[v] = parentStart[v + 1]! - parentStart[v]!;
    if (indegree[v] === 0) order[tailPos++] = v;
  }
  while (head < tailPos) {
    const v = order[head++]!;
    for (let e = childStart[v]!; e < childStart[v + 1]!; e++) {
      const c = childList[e]!;
      if (--indegree[c]! === 0) order[tailPos++] = c;
    }
  }
  if (tailPos < n) {
    const stuck = ids.find((_, v) => indegree[v]! > 0);
    throw new UserError(`manifest: dependency cycle through ${JSON.stringify(stuck)}, expected a DAG`);
  }
  return order;
}
