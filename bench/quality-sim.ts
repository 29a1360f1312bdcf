/**
 * The quality benchmark's own simulator, written apart from the planner's (src/core/partition/
 * simulate.ts) so that a plan is judged by code that did not make it. Two schedules of the same
 * DAG and the same costs:
 * - `planMakespan`: the plan as the workflow runs it: stage after stage, a stage's jobs started in
 *   plan order on `maxParallel` slots, each job paying the overhead, inside a job dbt's threads
 *   taking ready nodes (longest remaining path first); then the final-tests job.
 * - `dynamicMakespan`: the reference without stage barriers: every worker the budget allows
 *   (slots × threads) takes any ready node of the whole DAG, after one job's overhead.
 */
import type { WorkDag } from '../src/core/partition/dag.js';
import type { PartitionResult } from '../src/core/partition/index.js';

/** List scheduling of `nodes` (indices into `dag`) on `workers`; edges to nodes outside are done. */
export function listSchedule(dag: WorkDag, nodes: readonly number[], workers: number): number {
  const inSet = new Set(nodes);
  const pending = new Map<number, number>();
  const ready: number[] = [];
  for (const v of nodes) {
    let count = 0;
    for (let e = dag.parentStart[v]!; e < dag.parentStart[v + 1]!; e++) if (inSet.has(dag.parentList[e]!)) count++;
    pending.set(v, count);
    if (count === 0) ready.push(v);
  }
  const running: Array<{ v: number; end: number }> = [];
  let now = 0;
  while (ready.length > 0 || running.length > 0) {
    ready.sort((a, b) => dag.tail[b]! - dag.tail[a]! || a - b);
    while (running.length < workers && ready.length > 0) {
      const v = ready.shift()!;
      running.push({ v, end: now + dag.cost[v]! });
    }
    running.sort((a, b) => a.end - b.end || a.v - b.v);
    const done = running.shift()!;
    now = done.end;
    for (let e = dag.childStart[done.v]!; e < dag.childStart[done.v + 1]!; e++) {
      const c = dag.childList[e]!;
      if (!inSet.has(c)) continue;
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return now;
}

/** Jobs in the given order, each to the slot that frees first. */
function jobsInOrder(durations: readonly number[], slots: number): number {
  const free = new Array<number>(Math.max(1, slots)).fill(0);
  for (const d of durations) {
    let k = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[k]!) k = i;
    free[k]! += d;
  }
  return Math.max(...free);
}

/**
 * `cpuPerNode`: dbt's own CPU per node, done on one core whatever the threads: a job takes at
 * least its nodes × this (what one dbt process can do, measured by `npm run bench -- threads`).
 */
export function planMakespan(dag: WorkDag, plan: PartitionResult, overhead: number, cpuPerNode: number): number {
  const index = new Map(dag.ids.map((id, v) => [id, v]));
  const job = (ids: string[]): number =>
    overhead +
    Math.max(
      ids.length * cpuPerNode,
      listSchedule(
        dag,
        ids.map((id) => index.get(id)!),
        plan.threads,
      ),
    );
  let total = 0;
  for (let stage = 1; stage <= plan.stages; stage++) {
    const jobs = plan.shards.filter((s) => s.stage === stage).map((s) => job(s.nodes));
    total += jobsInOrder(jobs, plan.maxParallel);
  }
  if (plan.finalTests.length > 0) total += job(plan.finalTests);
  return total;
}

export function dynamicMakespan(dag: WorkDag, workers: number, overhead: number): number {
  return (
    overhead +
    listSchedule(
      dag,
      dag.ids.map((_, v) => v),
      workers,
    )
  );
}
