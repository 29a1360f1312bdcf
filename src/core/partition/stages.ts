import { coreByStart, type WorkDag } from './dag.js';

/**
 * A cut of the work DAG into stages. Stage k runs after stage k-1 has finished, so within a stage
 * only the stage's own edges matter: its weakly connected components are the units shards are
 * made of. Tests follow their parents and are not cut.
 *
 * Components are columns of typed arrays rather than objects: a cut of a 30k-node DAG can have
 * thousands of them, and the planner makes a dozen cuts.
 */
export interface Stage {
  /** components, largest first (by work), ties by lowest node index: the LPT order */
  size: number;
  /** per component: core nodes plus the attached tests whose parents in this stage all lie in it */
  componentWork: Float64Array;
  /** per component: longest path inside the stage, tests included */
  componentPath: Float64Array;
  /** nodes of component c (core, then its tests): members[memberStart[c] .. memberStart[c + 1]) */
  memberStart: Int32Array;
  members: Int32Array;
  /** attached tests whose parents in this stage span components: placed once shards are known */
  looseTests: Int32Array;
  /** work and longest path of the components (loose tests excluded) */
  work: number;
  criticalPath: number;
}

export interface StageLayout {
  /** 1-based stage of every node; for an attached test, the latest stage of its parents */
  stageOf: Int32Array;
  /** component index within its stage, for core nodes; -1 for attached tests */
  componentOf: Int32Array;
  stages: Stage[];
}

/**
 * Cuts at `count` equal slices of the critical path by earliest start: a node whose earliest start
 * falls in slice k goes to stage k, and never before a parent's stage. Empty stages are dropped,
 * so the layout may have fewer stages than asked.
 */
export function layoutStages(dag: WorkDag, count: number): StageLayout {
  const { topo, attached, est, parentStart, parentList } = dag;
  const raw = new Int32Array(dag.ids.length);
  const slice = dag.criticalPath / count;
  for (let k = 0; k < topo.length; k++) {
    const v = topo[k]!;
    if (attached[v]) continue;
    let s = slice > 0 ? Math.min(count, 1 + Math.floor(est[v]! / slice)) : 1;
    for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) if (raw[parentList[e]!]! > s) s = raw[parentList[e]!]!;
    raw[v] = s;
  }
  return finishLayout(dag, raw, count);
}

/**
 * Real DAGs are one big component whichever way they are sliced by time: shared dimensions glue
 * the domains together. This cut grows each stage greedily in `order` (a topological order of the
 * core nodes) and defers a node (and so its descendants) to the next stage when joining it would
 * make its component bigger than `cap`, so every stage but the last splits into components no
 * bigger than a shard should be. Size is work (seconds of one thread) when `threads` is 0, else the
 * component's shard time max(longest path in the stage, work / threads).
 */
export function layoutCapped(
  dag: WorkDag,
  count: number,
  cap: number,
  order: Int32Array = coreByStart(dag),
  threads = 0,
  horizon = Infinity,
): StageLayout {
  const { attached, parentStart, parentList, est, cost, tail } = dag;
  const n = dag.ids.length;
  const weight = new Float64Array(cost);
  for (let v = 0; v < n; v++) {
    if (!attached[v]) continue;
    let host = parentList[parentStart[v]!]!;
    for (let e = parentStart[v]! + 1; e < parentStart[v + 1]!; e++)
      if (est[parentList[e]!]! > est[host]!) host = parentList[e]!;
    weight[host] = weight[host]! + cost[v]!;
  }
  const raw = new Int32Array(n);
  const root = new Int32Array(n);
  const load = new Float64Array(n);
  const path = new Float64Array(n); // per root: the component's longest path in the stage
  const finish = new Float64Array(n); // per node: its longest path in the stage
  const find = (v: number): number => {
    while (root[v] !== v) v = root[v] = root[root[v]!]!;
    return v;
  };
  const joined: number[] = [];
  for (let stage = 1; stage <= count; stage++) {
    for (let k = 0; k < order.length; k++) {
      const v = order[k]!;
      if (raw[v] !== 0) continue;
      let merged = weight[v]!;
      let longest = 0;
      let start = 0;
      let blocked = false;
      joined.length = 0;
      for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) {
        const p = parentList[e]!;
        if (raw[p] === 0) blocked = true; // a parent deferred in this stage
        if (raw[p] !== stage) continue;
        if (finish[p]! > start) start = finish[p]!;
        const r = find(p);
        if (!joined.includes(r)) {
          joined.push(r);
          merged += load[r]!;
          if (path[r]! > longest) longest = path[r]!;
        }
      }
      if (blocked) continue;
      finish[v] = start + cost[v]!;
      if (finish[v]! > longest) longest = finish[v]!;
      const size = threads > 0 ? Math.max(longest, merged / threads) : merged;
      // a node whose remaining path would end past the horizon if it waited for this stage's end stays
      if (stage < count && joined.length > 0 && size > cap && stage * cap + tail[v]! <= horizon) continue;
      raw[v] = stage;
      root[v] = v;
      load[v] = merged;
      path[v] = longest;
      for (const r of joined) root[r] = v;
    }
  }
  return finishLayout(dag, raw, count);
}

/** Renumbers the stages in use 1..k and places each attached test in its latest parent's stage. */
export function finishLayout(dag: WorkDag, raw: Int32Array, count: number): StageLayout {
  const { attached, parentStart, parentList } = dag;
  const n = dag.ids.length;
  const used = new Int32Array(count + 1);
  for (let v = 0; v < n; v++) if (!attached[v]) used[raw[v]!] = 1;
  const renumber = new Int32Array(count + 1);
  let k = 0;
  for (let s = 1; s <= count; s++) if (used[s]) renumber[s] = ++k;

  const stageOf = new Int32Array(n);
  for (let v = 0; v < n; v++) if (!attached[v]) stageOf[v] = renumber[raw[v]!]!;
  for (let v = 0; v < n; v++) {
    if (!attached[v]) continue;
    let s = 1;
    for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++)
      if (stageOf[parentList[e]!]! > s) s = stageOf[parentList[e]!]!;
    stageOf[v] = s;
  }
  return buildStages(dag, stageOf, k);
}

/**
 * Components of every stage. Numbered globally first, in order of their lowest node index, then
 * ranked within their stage (work descending; the stable sort keeps that order on ties).
 */
function buildStages(dag: WorkDag, stageOf: Int32Array, count: number): StageLayout {
  const { attached, parentStart, parentList, cost, topo } = dag;
  const n = dag.ids.length;
  const root = unionFindRoots(dag, stageOf);
  const globalOf = new Int32Array(n).fill(-1); // component of a node, or -1 (attached test left loose)
  const byRoot = new Int32Array(n).fill(-1);
  const compStage: number[] = [];
  const compWork: number[] = [];
  for (let v = 0; v < n; v++) {
    if (attached[v]) continue;
    const r = root[v]!;
    if (byRoot[r] === -1) {
      byRoot[r] = compStage.length;
      compStage.push(stageOf[v]! - 1);
      compWork.push(0);
    }
    const c = byRoot[r]!;
    globalOf[v] = c;
    compWork[c]! += cost[v]!;
  }
  const looseCount = new Int32Array(count);
  const loose = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    if (!attached[v]) continue;
    const s = stageOf[v]!;
    let c = -1;
    for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) {
      const p = parentList[e]!;
      if (stageOf[p] !== s) continue;
      c = c === -1 || c === globalOf[p] ? globalOf[p]! : -2;
    }
    if (c >= 0) {
      globalOf[v] = c;
      compWork[c]! += cost[v]!;
    } else {
      loose[v] = 1;
      looseCount[s - 1]!++;
    }
  }

  // longest path inside each stage (parents of earlier stages are done when the stage starts)
  const finish = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = topo[k]!;
    let start = 0;
    for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) {
      const p = parentList[e]!;
      if (stageOf[p] === stageOf[v] && finish[p]! > start) start = finish[p]!;
    }
    finish[v] = start + cost[v]!;
  }
  const compPath = new Float64Array(compStage.length);
  const compSize = new Int32Array(compStage.length);
  const stageWork = new Float64Array(count);
  const stagePath = new Float64Array(count);
  // loose tests may end in finalTests: bounds computed from the stage must not count them
  for (let v = 0; v < n; v++) {
    if (loose[v]) continue;
    const s = stageOf[v]! - 1;
    const c = globalOf[v]!;
    stageWork[s]! += cost[v]!;
    if (finish[v]! > stagePath[s]!) stagePath[s] = finish[v]!;
    if (finish[v]! > compPath[c]!) compPath[c] = finish[v]!;
    compSize[c]!++;
  }
  return assemble(dag, stageOf, globalOf, loose, {
    compStage,
    compWork,
    compPath,
    compSize,
    looseCount,
    stageWork,
    stagePath,
  });
}

interface Columns {
  compStage: number[];
  compWork: number[];
  compPath: Float64Array;
  compSize: Int32Array;
  looseCount: Int32Array;
  stageWork: Float64Array;
  stagePath: Float64Array;
}

/** Ranks each stage's components (LPT order) and lays out their member lists. */
function assemble(
  dag: WorkDag,
  stageOf: Int32Array,
  globalOf: Int32Array,
  loose: Uint8Array,
  cols: Columns,
): StageLayout {
  const n = dag.ids.length;
  const count = cols.stageWork.length;
  const perStage: number[][] = Array.from({ length: count }, () => []);
  cols.compStage.forEach((s, c) => perStage[s]!.push(c));
  const rank = new Int32Array(cols.compStage.length);
  const offset = new Int32Array(cols.compStage.length); // start of the component in its stage's members
  const stages: Stage[] = perStage.map((comps, s) => {
    comps.sort((a, b) => cols.compWork[b]! - cols.compWork[a]!);
    const size = comps.length;
    const componentWork = new Float64Array(size);
    const componentPath = new Float64Array(size);
    const memberStart = new Int32Array(size + 1);
    let at = 0;
    comps.forEach((c, i) => {
      rank[c] = i;
      componentWork[i] = cols.compWork[c]!;
      componentPath[i] = cols.compPath[c]!;
      memberStart[i] = at;
      offset[c] = at;
      at += cols.compSize[c]!;
    });
    memberStart[size] = at;
    return {
      size,
      componentWork,
      componentPath,
      memberStart,
      members: new Int32Array(at),
      looseTests: new Int32Array(cols.looseCount[s]!),
      work: cols.stageWork[s]!,
      criticalPath: cols.stagePath[s]!,
    };
  });
  const componentOf = new Int32Array(n).fill(-1);
  const looseFill = new Int32Array(count);
  for (let v = 0; v < n; v++) {
    const stage = stages[stageOf[v]! - 1]!;
    if (loose[v]) {
      stage.looseTests[looseFill[stageOf[v]! - 1]!++] = v;
      continue;
    }
    const c = globalOf[v]!;
    if (!dag.attached[v]) componentOf[v] = rank[c]!;
    stage.members[offset[c]!++] = v;
  }
  return { stageOf, componentOf, stages };
}

/** Roots of the weakly connected components formed by same-stage edges between core nodes. */
function unionFindRoots(dag: WorkDag, stageOf: Int32Array): Int32Array {
  const { attached, parentStart, parentList } = dag;
  const n = dag.ids.length;
  const parent = new Int32Array(n);
  for (let v = 0; v < n; v++) parent[v] = v;
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]!]!;
      v = parent[v]!;
    }
    return v;
  };
  for (let v = 0; v < n; v++) {
    if (attached[v]) continue;
    for (let e = parentStart[v]!; e < parentStart[v + 1]!; e++) {
      const p = parentList[e]!;
      if (stageOf[p] !== stageOf[v]) continue;
      const a = find(v);
      const b = find(p);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  for (let v = 0; v < n; v++) parent[v] = find(v);
  return parent;
}
