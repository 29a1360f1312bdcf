import type { WorkDag } from './dag.js';
import { stageSeconds, type LayoutPlan, type Limits } from './evaluate.js';
import type { ShardSimulator } from './simulate.js';

/** Candidates tried per direction and shard in each round. */
const TRIES = 6;

/**
 * Local search over a simulated plan. Cuts are made from components and estimates; on deep DAGs
 * glued by shared models a stage then often waits on one long shard while the others idle. This
 * takes the longest shard of each stage and moves one of its nodes out when the simulated makespan
 * drops (or stays and the two shards touched get more even):
 * - a node with no parent in its stage, to the previous stage (the shard holding its parents there,
 *   else the least loaded one);
 * - a node with no child in its stage but its own tests (moved with it), to the next stage (the
 *   shard holding its children there, else the least loaded one).
 * Every move keeps the plan's rule: a node's parents run in an earlier stage or in its own shard,
 * its children in a later stage or in its own shard (final tests count as after every stage).
 *
 * `budget`: node-simulations allowed (each candidate re-simulates the two shards it touches), so
 * the time is bounded on any DAG and the result is deterministic.
 */
export function refinePlan(
  dag: WorkDag,
  plan: LayoutPlan,
  limits: Limits,
  sim: ShardSimulator,
  budget: number,
): LayoutPlan {
  const n = dag.ids.length;
  const count = plan.stages.length;
  if (count < 2) return plan;
  const stageOf = new Int32Array(n).fill(count + 1); // final tests: after every stage
  const shardOf = new Int32Array(n).fill(-1);
  const shards = plan.stages.map((s) => s.shards.map((nodes) => [...nodes]));
  const durations = plan.stages.map((s) => [...s.durations]);
  shards.forEach((stage, s) =>
    stage.forEach((nodes, b) => nodes.forEach((v) => ((stageOf[v] = s + 1), (shardOf[v] = b)))),
  );
  const seconds = plan.stages.map((s) => s.seconds);
  const inGroup = new Uint8Array(n);

  // may `group` (nodes of one shard) run in shard b of stage s (1-based)?
  const fits = (group: number[], s: number, b: number): boolean => {
    for (const v of group) {
      for (let e = dag.parentStart[v]!; e < dag.parentStart[v + 1]!; e++) {
        const p = dag.parentList[e]!;
        if (!inGroup[p] && (stageOf[p]! > s || (stageOf[p] === s && shardOf[p] !== b))) return false;
      }
      for (let e = dag.childStart[v]!; e < dag.childStart[v + 1]!; e++) {
        const c = dag.childList[e]!;
        if (!inGroup[c] && (stageOf[c]! < s || (stageOf[c] === s && shardOf[c] !== b))) return false;
      }
    }
    return true;
  };
  // the shard of stage s the group's neighbours there pin it to, or -1 when none do
  const pinnedShard = (group: number[], s: number): number => {
    for (const v of group) {
      for (const [start, list] of [
        [dag.parentStart, dag.parentList],
        [dag.childStart, dag.childList],
      ] as const) {
        for (let e = start[v]!; e < start[v + 1]!; e++)
          if (!inGroup[list[e]!] && stageOf[list[e]!] === s) return shardOf[list[e]!]!;
      }
    }
    return -1;
  };
  // a stage's wall-clock; emptied shards are dropped, so they cost no job start
  const timeOf = (durs: number[], sizes: number[]): number => {
    const kept = sizes.flatMap((size, b) => (size > 0 ? [b] : []));
    return stageSeconds(
      kept.map((b) => durs[b]!),
      limits,
      kept.map((b) => sizes[b]!),
    );
  };
  const stageTime = (s: number): number =>
    timeOf(
      durations[s]!,
      shards[s]!.map((x) => x.length),
    );

  let spent = 0;
  for (let improved = true; improved && spent < budget;) {
    improved = false;
    for (let k = 0; k < count && spent < budget; k++) {
      const d = durations[k]!;
      if (d.length === 0) continue;
      const from = d.reduce((best, x, b) => (x > d[best]! ? b : best), 0);
      const move = bestMove(k, from);
      if (move) {
        apply(move);
        improved = true;
      }
    }
  }

  /** `drop`: makespan saved; `evener`: fall in the two shards' sum of squared durations */
  interface Move {
    group: number[];
    toStage: number;
    toShard: number;
    drop: number;
    evener: number;
    fromLeft: number[];
    fromTime: number;
    toTime: number;
  }
  function beats(a: Move, b: Move | undefined): boolean {
    return !b || a.drop > b.drop || (a.drop === b.drop && a.evener > b.evener);
  }
  function bestMove(k: number, from: number): Move | undefined {
    let best: Move | undefined;
    for (const [v, toStage] of candidates(k, from)) {
      if (spent >= budget) break;
      const group = toStage < k + 1 ? [v] : withTests(v, k + 1, from);
      if (!group) continue;
      for (const g of group) inGroup[g] = 1;
      // pinned by its neighbours there, or free: the least loaded shard (a new shard helped no plan of the quality bench)
      const pinned = pinnedShard(group, toStage);
      const d = durations[toStage - 1]!;
      const toShard = pinned >= 0 ? pinned : d.reduce((b, x, i) => (x < d[b]! ? i : b), 0);
      const move = fits(group, toStage, toShard) ? evaluate(k, from, group, toStage, toShard) : undefined;
      if (move && beats(move, best)) best = move;
      for (const g of group) inGroup[g] = 0;
    }
    return best;
  }

  /**
   * Nodes worth moving out of shard `from` of stage k + 1 (0-based k), with the stage they go to:
   * the roots that head the longest paths (to the stage before) and the nodes that finish last (to
   * the stage after). Others rarely shorten the shard, and each try costs two shard simulations.
   */
  function candidates(k: number, from: number): Array<[number, number]> {
    const nodes = shards[k]![from]!;
    spent += nodes.length;
    sim.duration(nodes, limits.threads);
    const s = k + 1;
    const roots: number[] = [];
    const lasts: number[] = [];
    for (const v of nodes) {
      let root = true;
      for (let e = dag.parentStart[v]!; e < dag.parentStart[v + 1]! && root; e++)
        if (stageOf[dag.parentList[e]!] === s) root = false;
      if (root && s > 1) roots.push(v);
      if (s < count) lasts.push(v);
    }
    roots.sort((a, b) => dag.tail[b]! - dag.tail[a]! || a - b);
    lasts.sort((a, b) => sim.finishOf(b) - sim.finishOf(a) || a - b);
    return [
      ...roots.slice(0, TRIES).map((v): [number, number] => [v, s - 1]),
      ...lasts.slice(0, TRIES).map((v): [number, number] => [v, s + 1]),
    ];
  }

  // v and its tests in the same shard, if nothing else of this shard depends on v
  function withTests(v: number, s: number, b: number): number[] | undefined {
    const group = [v];
    for (let e = dag.childStart[v]!; e < dag.childStart[v + 1]!; e++) {
      const c = dag.childList[e]!;
      if (stageOf[c] !== s || shardOf[c] !== b) continue;
      if (!dag.attached[c]) return undefined;
      group.push(c);
    }
    return group;
  }

  function evaluate(k: number, from: number, group: number[], toStage: number, toShard: number): Move | undefined {
    const t = toStage - 1;
    const fromLeft = shards[k]![from]!.filter((x) => !inGroup[x]);
    const toNodes = [...shards[t]![toShard]!, ...group];
    spent += fromLeft.length + toNodes.length;
    const fromTime = fromLeft.length > 0 ? sim.duration(fromLeft, limits.threads) : 0;
    const toTime = sim.duration(toNodes, limits.threads);
    const before = seconds[k]! + seconds[t]!;
    const was = [durations[k]![from]!, durations[t]![toShard]!];
    const changed = (s: number, b: number, time: number, size: number): [number[], number[]] => {
      const durs = [...durations[s]!];
      const sizes = shards[s]!.map((x) => x.length);
      durs[b] = time;
      sizes[b] = size;
      return [durs, sizes];
    };
    const after =
      timeOf(...changed(k, from, fromTime, fromLeft.length)) + timeOf(...changed(t, toShard, toTime, toNodes.length));
    const eps = 1e-9 * Math.max(1, before);
    // equal makespan: accept when the two shards get more even (the sum of squares drops), so ties at a stage's top can be undone one by one
    const evener = was[0]! ** 2 + was[1]! ** 2 - fromTime ** 2 - toTime ** 2;
    const drop = after < before - eps ? before - after : 0;
    if (drop === 0 && (after > before + eps || evener <= 1e-6 * (1 + before))) return undefined;
    return { group, toStage, toShard, drop, evener, fromLeft, fromTime, toTime };
  }

  function apply(m: Move): void {
    const k = stageOf[m.group[0]!]! - 1;
    const from = shardOf[m.group[0]!]!;
    const t = m.toStage - 1;
    shards[k]![from] = m.fromLeft;
    durations[k]![from] = m.fromTime;
    shards[t]![m.toShard]!.push(...m.group);
    durations[t]![m.toShard] = m.toTime;
    for (const v of m.group) {
      stageOf[v] = m.toStage;
      shardOf[v] = m.toShard;
    }
    seconds[k] = stageTime(k);
    seconds[t] = stageTime(t);
  }

  // drop emptied shards (and stages): they would cost a job start for nothing
  const stages = plan.stages
    .map((stage, s) => {
      const keep = shards[s]!.map((x, b) => b).filter((b) => shards[s]![b]!.length > 0);
      const kept = {
        ...stage,
        shards: keep.map((b) => shards[s]![b]!),
        durations: keep.map((b) => durations[s]![b]!),
        estimates: keep.map((b) => durations[s]![b]!),
      };
      return {
        ...kept,
        seconds: stageSeconds(
          kept.durations,
          limits,
          kept.shards.map((x) => x.length),
        ),
      };
    })
    .filter((s) => s.shards.length > 0);
  const finalSeconds = plan.makespan - plan.stages.reduce((sum, s) => sum + s.seconds, 0);
  return {
    stages,
    finalTests: plan.finalTests,
    makespan: stages.reduce((sum, s) => sum + s.seconds, 0) + finalSeconds,
    shardCount: stages.reduce((sum, s) => sum + s.shards.length, 0),
  };
}
