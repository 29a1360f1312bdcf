import type { WorkDag } from './dag.js';

/**
 * A binary min-heap of small integers ordered by `key` (then by the integer itself, so pops are
 * deterministic whatever the push order). Typed storage and no comparator closure: the simulator
 * pushes and pops every node of a plan several times over.
 */
export class KeyHeap {
  private items: Int32Array;
  size = 0;

  constructor(
    private readonly key: Float64Array,
    capacity: number,
  ) {
    this.items = new Int32Array(Math.max(4, capacity));
  }

  clear(): void {
    this.size = 0;
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  /** the smallest item without removing it; -1 when empty */
  peek(): number {
    return this.size > 0 ? this.items[0]! : -1;
  }

  push(x: number): void {
    if (this.size === this.items.length) {
      const grown = new Int32Array(this.size * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.less(x, a[up]!)) break;
      a[i] = a[up]!;
      i = up;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a[--this.size]!;
    const size = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && this.less(a[r]!, a[l]!) ? r : l;
      if (!this.less(a[m]!, last)) break;
      a[i] = a[m]!;
      i = m;
    }
    if (size > 0) a[i] = last;
    return top;
  }
}

/**
 * Simulates one dbt process: list scheduling on `threads` workers, a node starts when its parents
 * in the same shard have finished (parents elsewhere ran in an earlier stage), the ready node with
 * the longest remaining path first; and never faster than dbt's own work on its one core.
 * Scratch arrays are reused across calls.
 */
export class ShardSimulator {
  private readonly mark: Int32Array;
  private readonly pending: Int32Array;
  private readonly finish: Float64Array;
  private readonly ready: KeyHeap;
  private readonly running: KeyHeap;
  private stamp = 0;

  /** `cpuPerNode`: dbt's own seconds per node, done on one core: a shard takes at least nodes × this */
  constructor(
    private readonly dag: WorkDag,
    private readonly cpuPerNode = 0,
  ) {
    const n = dag.ids.length;
    this.mark = new Int32Array(n);
    this.pending = new Int32Array(n);
    this.finish = new Float64Array(n);
    // the ready heap pops the longest tail first: a min-heap on the negated tail
    this.ready = new KeyHeap(
      dag.tail.map((t) => -t),
      n,
    );
    this.running = new KeyHeap(this.finish, 64);
  }

  /** When `v` finished in the last `duration` call that included it. */
  finishOf(v: number): number {
    return this.finish[v]!;
  }

  /** Wall-clock seconds for `nodes` on `threads` workers. */
  duration(nodes: ArrayLike<number>, threads: number): number {
    const { mark, pending, finish, ready, running } = this;
    const { parentStart, parentList, childStart, childList, cost } = this.dag;
    const stamp = ++this.stamp;
    for (let i = 0; i < nodes.length; i++) mark[nodes[i]!] = stamp;
    ready.clear();
    running.clear();
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i]!;
      let count = 0;
      for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) if (mark[parentList[e]!] === stamp) count++;
      pending[v] = count;
      if (count === 0) ready.push(v);
    }
    let now = 0;
    while (ready.size > 0 || running.size > 0) {
      while (running.size < threads && ready.size > 0) {
        const v = ready.pop();
        finish[v] = now + cost[v]!;
        running.push(v);
      }
      const done = running.pop();
      now = finish[done]!;
      for (let e = childStart[done]!; e < childStart[done + 1]!; e++) {
        const c = childList[e]!;
        if (mark[c] === stamp && --pending[c]! === 0) ready.push(c);
      }
    }
    return Math.max(now, nodes.length * this.cpuPerNode);
  }
}

/**
 * Longest-processing-time-first: items in the given order (callers pass them largest first), each
 * to the bin with the least load (ties: lowest bin). Returns each item's bin and the bins' loads.
 */
export function lpt(sizes: ArrayLike<number>, bins: number): { binOf: Int32Array; loads: Float64Array } {
  const loads = new Float64Array(bins);
  const binOf = new Int32Array(sizes.length);
  const heap = new KeyHeap(loads, bins);
  for (let b = 0; b < bins; b++) heap.push(b);
  for (let i = 0; i < sizes.length; i++) {
    const b = heap.pop();
    binOf[i] = b;
    loads[b] = loads[b]! + sizes[i]!;
    heap.push(b);
  }
  return { binOf, loads };
}

/** Stage wall-clock: jobs (already including their overhead) started largest first on `slots` slots. */
export function jobsMakespan(durations: readonly number[], slots: number): number {
  const sorted = [...durations].sort((a, b) => b - a);
  const { loads } = lpt(sorted, Math.max(1, Math.min(slots, sorted.length)));
  return loads.reduce((m, x) => Math.max(m, x), 0);
}
