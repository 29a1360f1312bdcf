import type { WorkDag } from './dag.js';

/** A binary min-heap of node indices under a comparator; small and allocation-free per push. */
class Heap {
  private readonly items: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items[0]!;
  }

  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.less(a[i]!, a[up]!)) break;
      [a[i], a[up]] = [a[up]!, a[i]!];
      i = up;
    }
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Simulates one dbt process: list scheduling on `threads` workers, a node starts when its parents
 * in the same shard have finished (parents elsewhere ran in an earlier stage), the ready node with
 * the longest remaining path first. Scratch arrays are reused across calls: planning runs this
 * thousands of times.
 */
export class ShardSimulator {
  private readonly mark: Int32Array;
  private readonly pending: Int32Array;
  private readonly finish: Float64Array;
  private stamp = 0;

  constructor(private readonly dag: WorkDag) {
    const n = dag.ids.length;
    this.mark = new Int32Array(n);
    this.pending = new Int32Array(n);
    this.finish = new Float64Array(n);
  }

  /** Wall-clock seconds for `nodes` on `threads` workers. */
  duration(nodes: readonly number[], threads: number): number {
    const { dag, mark, pending, finish } = this;
    const stamp = ++this.stamp;
    for (const v of nodes) mark[v] = stamp;
    const ready = new Heap((a, b) => dag.tail[a]! > dag.tail[b]! || (dag.tail[a] === dag.tail[b] && a < b));
    const running = new Heap((a, b) => finish[a]! < finish[b]! || (finish[a] === finish[b] && a < b));
    for (const v of nodes) {
      let count = 0;
      for (const p of dag.parents[v]!) if (mark[p] === stamp) count++;
      pending[v] = count;
      if (count === 0) ready.push(v);
    }
    let now = 0;
    while (ready.size > 0 || running.size > 0) {
      while (running.size < threads && ready.size > 0) {
        const v = ready.pop();
        finish[v] = now + dag.cost[v]!;
        running.push(v);
      }
      const done = running.pop();
      now = finish[done]!;
      for (const c of dag.children[done]!) {
        if (mark[c] === stamp && --pending[c]! === 0) ready.push(c);
      }
    }
    return now;
  }
}

/**
 * Longest-processing-time-first: items in the given order (callers pass them largest first), each
 * to the bin with the least load (ties: lowest bin). Returns each item's bin and the bins' loads.
 */
export function lpt(sizes: readonly number[], bins: number): { binOf: Int32Array; loads: Float64Array } {
  const loads = new Float64Array(bins);
  const binOf = new Int32Array(sizes.length);
  const heap = new Heap((a, b) => loads[a]! < loads[b]! || (loads[a] === loads[b] && a < b));
  for (let b = 0; b < bins; b++) heap.push(b);
  sizes.forEach((size, i) => {
    const b = heap.pop();
    binOf[i] = b;
    loads[b] = loads[b]! + size;
    heap.push(b);
  });
  return { binOf, loads };
}

/** Stage wall-clock: jobs (already including their overhead) started largest first on `slots` slots. */
export function jobsMakespan(durations: readonly number[], slots: number): number {
  const sorted = [...durations].sort((a, b) => b - a);
  const { loads } = lpt(sorted, Math.max(1, Math.min(slots, sorted.length)));
  return loads.reduce((m, x) => Math.max(m, x), 0);
}
