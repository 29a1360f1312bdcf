import type { WorkDag } from './dag.js';

/**
 * A cut of the work DAG into stages. Stage k runs after stage k-1 has finished, so within a stage
 * only the stage's own edges matter: its weakly connected components are the units shards are
 * made of. Tests follow their parents and are not cut.
 */
export interface Component {
  /** core (non-attached) nodes, ascending */
  core: number[];
  /** attached tests whose parents in this stage all lie in this component */
  tests: number[];
  work: number;
  /** longest path inside the stage, tests included */
  criticalPath: number;
}

export interface Stage {
  /** largest first (by work), ties by lowest node index: the LPT order */
  components: Component[];
  /** attached tests whose parents in this stage span components: placed once shards are known */
  looseTests: number[];
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
  const n = dag.ids.length;
  const slice = dag.criticalPath / count;
  const raw = new Int32Array(n);
  for (const v of dag.topo) {
    if (dag.attached[v]) continue;
    let s = slice > 0 ? Math.min(count, 1 + Math.floor(dag.est[v]! / slice)) : 1;
    for (const p of dag.parents[v]!) s = Math.max(s, raw[p]!);
    raw[v] = s;
  }
  // renumber the stages in use 1..k
  const used = new Int32Array(count + 1);
  for (let v = 0; v < n; v++) if (!dag.attached[v]) used[raw[v]!] = 1;
  const renumber = new Int32Array(count + 1);
  let k = 0;
  for (let s = 1; s <= count; s++) if (used[s]) renumber[s] = ++k;

  const stageOf = new Int32Array(n);
  for (let v = 0; v < n; v++) if (!dag.attached[v]) stageOf[v] = renumber[raw[v]!]!;
  for (let v = 0; v < n; v++) {
    if (!dag.attached[v]) continue;
    let s = 1;
    for (const p of dag.parents[v]!) s = Math.max(s, stageOf[p]!);
    stageOf[v] = s;
  }
  return buildStages(dag, stageOf, k);
}

function buildStages(dag: WorkDag, stageOf: Int32Array, count: number): StageLayout {
  const n = dag.ids.length;
  const root = unionFindRoots(dag, stageOf);
  // component ids per stage, in order of their lowest node index
  const componentOf = new Int32Array(n).fill(-1);
  const byRoot = new Map<number, number>();
  const comps: Component[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < n; v++) {
    if (dag.attached[v]) continue;
    const r = root[v]!;
    let c = byRoot.get(r);
    if (c === undefined) {
      c = comps[stageOf[v]! - 1]!.length;
      byRoot.set(r, c);
      comps[stageOf[v]! - 1]!.push({ core: [], tests: [], work: 0, criticalPath: 0 });
    }
    componentOf[v] = c;
    const comp = comps[stageOf[v]! - 1]![c]!;
    comp.core.push(v);
    comp.work += dag.cost[v]!;
  }

  const looseTests: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < n; v++) {
    if (!dag.attached[v]) continue;
    const s = stageOf[v]!;
    let c = -1;
    for (const p of dag.parents[v]!) {
      if (stageOf[p] !== s) continue;
      c = c === -1 || c === componentOf[p] ? componentOf[p]! : -2;
    }
    if (c >= 0) {
      comps[s - 1]![c]!.tests.push(v);
      comps[s - 1]![c]!.work += dag.cost[v]!;
    } else looseTests[s - 1]!.push(v);
  }

  // longest path inside each stage (parents of earlier stages are done when the stage starts)
  const finish = new Float64Array(n);
  for (const v of dag.topo) {
    let start = 0;
    for (const p of dag.parents[v]!) if (stageOf[p] === stageOf[v]) start = Math.max(start, finish[p]!);
    finish[v] = start + dag.cost[v]!;
  }
  const stages: Stage[] = comps.map((list, i) => ({
    components: list,
    looseTests: looseTests[i]!,
    work: 0,
    criticalPath: 0,
  }));
  for (let v = 0; v < n; v++) {
    const stage = stages[stageOf[v]! - 1]!;
    stage.work += dag.cost[v]!;
    stage.criticalPath = Math.max(stage.criticalPath, finish[v]!);
    const c = componentOf[v]!;
    if (c >= 0) stage.components[c]!.criticalPath = Math.max(stage.components[c]!.criticalPath, finish[v]!);
  }
  for (const comp of stages.flatMap((s) => s.components)) {
    for (const t of comp.tests) comp.criticalPath = Math.max(comp.criticalPath, finish[t]!);
  }
  for (const stage of stages) {
    stage.components.sort((a, b) => b.work - a.work || a.core[0]! - b.core[0]!);
  }
  // component indices changed with the sort: componentOf must follow
  for (const stage of stages) {
    stage.components.forEach((comp, i) => {
      for (const v of comp.core) componentOf[v] = i;
    });
  }
  return { stageOf, componentOf, stages };
}

/** Roots of the weakly connected components formed by same-stage edges between core nodes. */
function unionFindRoots(dag: WorkDag, stageOf: Int32Array): Int32Array {
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
    if (dag.attached[v]) continue;
    for (const p of dag.parents[v]!) {
      if (stageOf[p] !== stageOf[v]) continue;
      const a = find(v);
      const b = find(p);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  for (let v = 0; v < n; v++) parent[v] = find(v);
  return parent;
}
