import type { WorkDag } from './dag.js';
import { KeyHeap } from './simulate.js';
import { finishLayout, type StageLayout } from './stages.js';

/**
 * A stage cut made by running the plan: every stage but the last is a list schedule of `shards`
 * dbt processes of `threads` threads each, side by side. A free thread of shard b takes the ready
 * node with the longest remaining path among those b may run: nodes whose parents in this stage
 * all ran in b, and nodes with no parent in this stage (any shard may take them). A node whose
 * parents in this stage ran in two shards cannot run in this stage (shards of a stage never depend
 * on each other) and waits, with everything after it, for a later stage; so does whatever would
 * start after `cutoff` seconds. The last stage takes what is left.
 *
 * This is the dynamic schedule with barriers added only where the shard rule needs them, so long
 * chains stay in one shard and stages end where the schedule runs out of work it may do, which
 * uniform or capped cuts (components first, time second) miss on deep DAGs glued by shared models.
 */
export function layoutClustered(
  dag: WorkDag,
  count: number,
  threads: number,
  shards: number,
  cutoff: number,
): StageLayout {
  const { parentStart, parentList, childStart, childList, cost, tail, attached } = dag;
  const n = dag.ids.length;
  const raw = new Int32Array(n);
  const shardOf = new Int32Array(n).fill(-1);
  const doneParents = new Int32Array(n);
  const finish = new Float64Array(n);
  const negTail = tail.map((t) => -t);
  const free = new KeyHeap(negTail, 64);
  const affine = Array.from({ length: shards }, () => new KeyHeap(negTail, 16));
  const running = new KeyHeap(finish, 64);
  const idle = new Int32Array(shards);

  for (let stage = 1; stage < count; stage++) {
    free.clear();
    for (const h of affine) h.clear();
    idle.fill(threads);
    // ready: every parent done, in an earlier stage or (below) in this one
    const classify = (v: number): void => {
      let b = -1;
      for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) {
        const p = parentList[e]!;
        if (raw[p] === stage) b = b === -1 || b === shardOf[p] ? shardOf[p]! : -2;
      }
      if (b === -1) free.push(v);
      else if (b >= 0) affine[b]!.push(v);
    };
    for (let v = 0; v < n; v++)
      if (raw[v] === 0 && doneParents[v] === parentStart[v + 1]! - parentStart[v]!) classify(v);
    let now = 0;
    for (;;) {
      if (now < cutoff) {
        for (let b = 0; b < shards; b++) {
          const own = affine[b]!;
          while (idle[b]! > 0) {
            const a = own.peek();
            const f = free.peek();
            if (a < 0 && f < 0) break;
            const v = f < 0 || (a >= 0 && tail[a]! >= tail[f]!) ? own.pop() : free.pop();
            raw[v] = stage;
            shardOf[v] = b;
            finish[v] = now + cost[v]!;
            running.push(v);
            idle[b]!--;
          }
        }
      }
      if (running.size === 0) break;
      const done = running.pop();
      now = finish[done]!;
      idle[shardOf[done]!]!++;
      for (let e = childStart[done]!; e < childStart[done + 1]!; e++) {
        const c = childList[e]!;
        if (++doneParents[c]! === parentStart[c + 1]! - parentStart[c]!) classify(c);
      }
    }
  }
  for (let v = 0; v < n; v++) if (!attached[v] && raw[v] === 0) raw[v] = count;
  return finishLayout(dag, raw, count);
}
