/**
 * The offline search of `npm run bench -- quality-search`: simulated annealing over plans, far
 * slower than the planner may be, to learn how good a plan of the same shape (stages of shards,
 * ≤ maxStages stages, ≤ maxShards shards per stage, the final-tests job) can get. Deterministic:
 * seeded random numbers and fixed iteration counts, never the clock.
 *
 * A plan is a stage and a shard for every node. Every move keeps it DAG-safe (a node's parents run
 * in an earlier stage or in its own shard; the final-tests job runs after every stage, and only
 * tests, which nothing depends on, go there), checked edge by edge before the move is scored:
 * - a node (with the tests of it in its shard) to the stage before or after (a parent's or child's
 *   shard there, another shard, or a new one), to another shard of its stage, or to a new stage;
 * - a node with everything it reaches in its shard (descendants forward, ancestors back) likewise;
 * - a weakly connected group of one shard's nodes (same-stage edges) to another or a new shard of
 *   its stage, or to the stage before (so stages can merge);
 * - two shards of one stage merged; a test to its parents' shard, a later shard or the final job.
 * Moves are scored by re-simulating the two shards they touch; worse plans are accepted with the
 * annealing probability, and the best plan seen is kept.
 */
import type { WorkDag } from '../src/core/partition/dag.js';
import { ShardSimulator, jobsMakespan } from '../src/core/partition/simulate.js';
import { mulberry32 } from './quality-cases.js';

export interface SearchLimits {
  threads: number;
  slots: number;
  maxShards: number;
  maxStages: number;
  overhead: number;
}

/** A plan as the search holds it: stage rank (1-based; FINAL for the final-tests job) and shard of every node. */
export interface Assignment {
  stageOf: Int32Array;
  /** shards numbered within the whole plan */
  shardOf: Int32Array;
}
export const FINAL = 1 << 20;

const NEW = -1;

export class Annealer {
  private readonly sim: ShardSimulator;
  private readonly rand: () => number;
  // state: shard ids are global; a shard belongs to one stage; stages are ranked
  private stageOfShard: number[] = [];
  private members: number[][] = [];
  private dur: number[] = [];
  private rank: number[] = []; // per stage id: its rank (1-based), FINAL for the final job
  private shardOf: Int32Array;
  private stageTime: number[] = [];
  total = 0;
  best: Assignment;
  bestTotal = Infinity;

  constructor(
    private readonly dag: WorkDag,
    private readonly limits: SearchLimits,
    start: Assignment,
    seed: number,
  ) {
    this.sim = new ShardSimulator(dag);
    this.rand = mulberry32(seed);
    const n = dag.ids.length;
    this.shardOf = new Int32Array(n);
    const ids = new Map<string, number>();
    const stageIds = new Map<number, number>();
    for (let v = 0; v < n; v++) {
      const s = start.stageOf[v]!;
      if (!stageIds.has(s)) {
        stageIds.set(s, this.rank.length);
        this.rank.push(s);
        this.stageTime.push(0);
      }
      const key = s === FINAL ? 'final' : `${s}/${start.shardOf[v]}`;
      if (!ids.has(key)) {
        ids.set(key, this.members.length);
        this.members.push([]);
        this.stageOfShard.push(stageIds.get(s)!);
        this.dur.push(0);
      }
      this.shardOf[v] = ids.get(key)!;
      this.members[ids.get(key)!]!.push(v);
    }
    if (!this.rank.includes(FINAL)) {
      this.rank.push(FINAL);
      this.stageTime.push(0);
      this.members.push([]);
      this.stageOfShard.push(this.rank.length - 1);
      this.dur.push(0);
    }
    this.members.forEach((_, b) => (this.dur[b] = this.duration(this.members[b]!)));
    this.rank.forEach((_, s) => (this.stageTime[s] = this.timeOfStage(s)));
    this.total = this.stageTime.reduce((a, x) => a + x, 0);
    this.best = this.snapshot();
    this.bestTotal = this.total;
  }

  private duration(nodes: number[]): number {
    return nodes.length === 0 ? 0 : this.sim.duration(nodes, this.limits.threads);
  }

  private timeOfStage(s: number, changed?: Map<number, { size: number; dur: number }>): number {
    const jobs: number[] = [];
    this.members.forEach((m, b) => {
      if (this.stageOfShard[b] !== s) return;
      const c = changed?.get(b);
      if ((c ? c.size : m.length) > 0) jobs.push((c ? c.dur : this.dur[b]!) + this.limits.overhead);
    });
    if (this.rank[s] === FINAL) return jobs.length > 0 ? jobs[0]! : 0;
    return jobs.length > 0 ? jobsMakespan(jobs, this.limits.slots) : 0;
  }

  private stageRank = (v: number): number => this.rank[this.stageOfShard[this.shardOf[v]!]!]!;

  /** Would `group` (marked in `inGroup`) be DAG-safe in shard b? */
  private fits(group: number[], inGroup: Set<number>, b: number): boolean {
    const { parentStart, parentList, childStart, childList } = this.dag;
    const r = this.rank[this.stageOfShard[b]!]!;
    for (const v of group) {
      if (r === FINAL && childStart[v + 1]! > childStart[v]!) return false;
      for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) {
        const p = parentList[e]!;
        if (inGroup.has(p)) continue;
        const pr = this.stageRank(p);
        if (pr > r || (pr === r && this.shardOf[p] !== b)) return false;
      }
      for (let e = childStart[v]!; e < childStart[v + 1]!; e++) {
        const c = childList[e]!;
        if (inGroup.has(c)) continue;
        const cr = this.stageRank(c);
        if (cr < r || (cr === r && this.shardOf[c] !== b)) return false;
      }
    }
    return true;
  }

  private stageAt(rank: number): number {
    return rank < 1 ? -1 : this.rank.indexOf(rank);
  }

  private shardsInStage(s: number): number[] {
    const out: number[] = [];
    this.members.forEach((m, b) => this.stageOfShard[b] === s && m.length > 0 && out.push(b));
    return out;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)]!;
  }

  private stageCount(): number {
    return this.rank.filter((r, s) => r !== FINAL && this.shardsInStage(s).length > 0).length;
  }

  /** A shard of stage s for a group: one its neighbours pin, else an existing or a new one. */
  private targetShard(s: number, group: number[]): number {
    const { parentStart, parentList, childStart, childList } = this.dag;
    for (const v of group)
      for (const [start, list] of [
        [parentStart, parentList],
        [childStart, childList],
      ] as const)
        for (let e = start[v]!; e < start[v + 1]!; e++) {
          const u = list[e]!;
          if (!group.includes(u) && this.stageOfShard[this.shardOf[u]!] === s) return this.shardOf[u]!;
        }
    const existing = this.shardsInStage(s);
    if (this.rank[s] === FINAL) return existing[0] ?? this.members.findIndex((_, b) => this.stageOfShard[b] === s);
    if (existing.length === 0 || (existing.length < this.limits.maxShards && this.rand() < 0.3)) return NEW;
    return this.rand() < 0.5 ? existing.reduce((a, b) => (this.dur[b]! < this.dur[a]! ? b : a)) : this.pick(existing);
  }

  private newShard(s: number): number {
    this.members.push([]);
    this.stageOfShard.push(s);
    this.dur.push(0);
    return this.members.length - 1;
  }

  /** A new stage ranked just after `rank` (later stages move up one). */
  private newStage(rank: number): number {
    this.rank = this.rank.map((r) => (r !== FINAL && r > rank ? r + 1 : r));
    this.rank.push(rank + 1);
    this.stageTime.push(0);
    return this.rank.length - 1;
  }

  /** Tries moving `group` to shard `to` (NEW: a new shard of stage `toStage`); anneals at temperature. */
  private tryMove(group: number[], to: number, toStage: number, temperature: number): boolean {
    if (group.length === 0) return false;
    const from = this.shardOf[group[0]!]!;
    if (to === from) return false;
    const fromStage = this.stageOfShard[from]!;
    const created = to === NEW;
    if (created) {
      if (this.shardsInStage(toStage).length >= this.limits.maxShards && this.rank[toStage] !== FINAL) return false;
      to = this.newShard(toStage);
    }
    const inGroup = new Set(group);
    if (!this.fits(group, inGroup, to)) return false;
    const fromLeft = this.members[from]!.filter((v) => !inGroup.has(v));
    const toNodes = [...this.members[to]!, ...group];
    const fromDur = this.duration(fromLeft);
    const toDur = this.duration(toNodes);
    const changed = new Map([
      [from, { size: fromLeft.length, dur: fromDur }],
      [to, { size: toNodes.length, dur: toDur }],
    ]);
    const stages = [...new Set([fromStage, toStage])];
    const after = stages.map((s) => this.timeOfStage(s, changed));
    const delta = after.reduce((a, x, i) => a + x - this.stageTime[stages[i]!]!, 0);
    if (delta > 1e-9 && (temperature <= 0 || this.rand() >= Math.exp(-delta / temperature))) return false;
    this.members[from] = fromLeft;
    this.members[to] = toNodes;
    this.dur[from] = fromDur;
    this.dur[to] = toDur;
    for (const v of group) this.shardOf[v] = to;
    stages.forEach((s, i) => (this.stageTime[s] = after[i]!));
    this.total += delta;
    if (this.total < this.bestTotal - 1e-9) {
      this.bestTotal = this.total;
      this.best = this.snapshot();
    }
    return true;
  }

  snapshot(): Assignment {
    const n = this.dag.ids.length;
    const stageOf = new Int32Array(n);
    // ranks in use, renumbered 1..k (emptied stages dropped)
    const used = [...new Set(Array.from({ length: n }, (_, v) => this.stageRank(v)))].sort((a, b) => a - b);
    for (let v = 0; v < n; v++) {
      const r = this.stageRank(v);
      stageOf[v] = r === FINAL ? FINAL : used.indexOf(r) + 1;
    }
    return { stageOf, shardOf: Int32Array.from(this.shardOf) };
  }

  /** The node and the tests of it in its shard (the tests would otherwise block a move forward). */
  private withTests(v: number): number[] {
    const { childStart, childList, attached } = this.dag;
    const group = [v];
    for (let e = childStart[v]!; e < childStart[v + 1]!; e++) {
      const c = childList[e]!;
      if (attached[c] && this.shardOf[c] === this.shardOf[v]) group.push(c);
    }
    return group;
  }

  /** Nodes of shard b connected to v by edges inside b. */
  private connected(v: number, b: number): number[] {
    const { parentStart, parentList, childStart, childList } = this.dag;
    const seen = new Set([v]);
    const todo = [v];
    while (todo.length > 0) {
      const u = todo.pop()!;
      for (const [start, list] of [
        [parentStart, parentList],
        [childStart, childList],
      ] as const)
        for (let e = start[u]!; e < start[u + 1]!; e++) {
          const w = list[e]!;
          if (this.shardOf[w] === b && !seen.has(w)) {
            seen.add(w);
            todo.push(w);
          }
        }
    }
    return [...seen];
  }

  /** Ranks 1..k for the stages that still have nodes; emptied ones are retired (rank 0). */
  private compact(): void {
    const live = this.rank.map((r, s) => r !== FINAL && r > 0 && this.shardsInStage(s).length > 0);
    const order = this.rank
      .map((_, s) => s)
      .filter((s) => live[s])
      .sort((a, b) => this.rank[a]! - this.rank[b]!);
    this.rank.forEach((r, s) => {
      if (r !== FINAL && !live[s]) this.rank[s] = 0;
    });
    order.forEach((s, i) => (this.rank[s] = i + 1));
  }

  /** v and what it reaches inside shard b along edges one way (descendants forward, ancestors back), tests of them included. */
  private closure(v: number, b: number, forward: boolean): number[] {
    const { parentStart, parentList, childStart, childList, attached } = this.dag;
    const [start, list] = forward ? [childStart, childList] : [parentStart, parentList];
    const seen = new Set([v]);
    const todo = [v];
    while (todo.length > 0) {
      const u = todo.pop()!;
      for (let e = start[u]!; e < start[u + 1]!; e++) {
        const w = list[e]!;
        if (this.shardOf[w] === b && !seen.has(w)) {
          seen.add(w);
          todo.push(w);
        }
      }
    }
    if (forward) return [...seen];
    // backward: the ancestors' tests stay behind unless all their parents go too
    return [...seen].filter((u) => !attached[u] || u === v);
  }

  private step(temperature: number): void {
    this.compact();
    const live = this.members.flatMap((m, b) => (m.length > 0 ? [b] : []));
    const real = live.filter((b) => this.rank[this.stageOfShard[b]!] !== FINAL);
    // most moves start at the longest shard of a random stage: it is what the stage waits for
    let from: number;
    if (this.rand() < 0.6 && real.length > 0) {
      const s = this.stageOfShard[this.pick(real)]!;
      from = this.shardsInStage(s).reduce((a, b) => (this.dur[b]! > this.dur[a]! ? b : a));
    } else from = this.pick(live);
    const s = this.stageOfShard[from]!;
    const r = this.rank[s]!;
    const v = this.pick(this.members[from]!);
    const roll = this.rand();
    const k = this.stageCount();
    if (roll < 0.5) {
      // a node to the stage before or after (or a new stage there)
      const forward = this.rand() < 0.5;
      const group = this.withTests(v);
      if (r === FINAL) {
        const last = this.stageAt(k);
        if (last >= 0) this.tryMove([v], this.targetShard(last, [v]), last, temperature);
        return;
      }
      let target = forward ? (r === k ? this.stageAt(FINAL) : this.stageAt(r + 1)) : this.stageAt(r - 1);
      if (k < this.limits.maxStages && (target < 0 || this.rand() < 0.15)) target = this.newStage(forward ? r : r - 1);
      if (target < 0) return;
      const whole = this.rand() < 0.4;
      const moved = whole ? this.closure(v, from, forward) : forward ? group : [v];
      if (this.rank[target] === FINAL && !moved.every((u) => this.dag.attached[u])) return;
      this.tryMove(moved, this.targetShard(target, moved), target, temperature);
    } else if (roll < 0.8) {
      if (r === FINAL) return;
      const group = this.connected(v, from);
      const before = this.stageAt(r - 1);
      if (before >= 0 && this.rand() < 0.3) {
        // the group into the stage before (what its parents there pin it to): how stages merge
        this.tryMove(group, this.targetShard(before, group), before, temperature);
        return;
      }
      if (group.length === this.members[from]!.length && this.rand() < 0.7) {
        // the whole shard: merge it into another of its stage
        const others = this.shardsInStage(s).filter((b) => b !== from);
        if (others.length > 0) this.tryMove(group, this.pick(others), s, temperature);
        return;
      }
      this.tryMove(group, this.targetShard(s, []), s, temperature);
    } else {
      // a test: to its latest parent's shard, the final job, or a shard of a later stage
      const tests = this.members[from]!.filter((u) => this.dag.attached[u]);
      if (tests.length === 0) return;
      const t = this.pick(tests);
      const { parentStart, parentList } = this.dag;
      let host = parentList[parentStart[t]!]!;
      for (let e = parentStart[t]!; e < parentStart[t + 1]!; e++)
        if (this.stageRank(parentList[e]!) > this.stageRank(host)) host = parentList[e]!;
      const options = [this.shardOf[host]!, this.stageAt(FINAL) >= 0 ? -2 : -3];
      const choice = this.pick(options);
      if (choice >= 0) this.tryMove([t], choice, this.stageOfShard[choice]!, temperature);
      else if (choice === -2) {
        const fin = this.stageAt(FINAL);
        this.tryMove([t], this.targetShard(fin, [t]), fin, temperature);
      }
    }
  }

  /** `iterations` moves, the temperature falling geometrically from `hot` to `hot` / 1000 of the makespan. */
  run(iterations: number, hot = 0.02): void {
    for (let i = 0; i < iterations; i++) {
      const temperature = hot * this.total * Math.pow(1e-3, i / iterations);
      this.step(i === iterations - 1 ? 0 : temperature);
    }
  }
}
