import type { Manifest, ManifestNode } from '../manifest/types.js';
import { isEnabled } from '../manifest/types.js';

/**
 * The graph as dense integer indices, for hot loops (the planner walks 10⁵ edges many times):
 * node i's parents are `parentList[parentStart[i] .. parentStart[i + 1])`, children likewise.
 * Indices follow the order nodes were given in, so they are NOT canonical: callers that need
 * determinism order by id. Each neighbour appears once; self-edges and edges to unknown ids are
 * dropped.
 */
export interface DenseGraph {
  readonly ids: readonly string[];
  readonly nodes: readonly ManifestNode[];
  readonly parentStart: Int32Array;
  readonly parentList: Int32Array;
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * The dependency graph of a manifest: every enabled node (models, seeds, snapshots, tests,
 * unit tests, sources, exposures, analyses...) with parent and child edges. Edges to ids that are
 * not in the manifest (disabled nodes, macros) are dropped. Lookups are O(1); neighbour lists
 * are sorted so every traversal is deterministic.
 *
 * Built as integer arrays in one pass over the edges (a 40k-node manifest in a few ms); the sorted
 * id lists `parents`/`children` return are made on first use, since most callers touch few nodes.
 */
export class DbtGraph {
  readonly nodes: ReadonlyMap<string, ManifestNode>;
  readonly dense: DenseGraph;
  private readonly indexById = new Map<string, number>();
  private readonly parentIds: Array<readonly string[] | undefined>;
  private readonly childIds: Array<readonly string[] | undefined>;
  private byType: Map<string, ManifestNode[]> | undefined;

  constructor(nodes: Iterable<ManifestNode>) {
    const byId = new Map<string, ManifestNode>();
    const ids: string[] = [];
    const list: ManifestNode[] = [];
    for (const n of nodes) {
      if (!isEnabled(n)) continue;
      const known = this.indexById.get(n.uniqueId);
      if (known === undefined) {
        this.indexById.set(n.uniqueId, ids.length);
        ids.push(n.uniqueId);
        list.push(n);
      } else list[known] = n; // a repeated id: the last definition wins, as in a Map
      byId.set(n.uniqueId, n);
    }
    this.nodes = byId;
    this.dense = this.buildEdges(ids, list);
    this.parentIds = new Array<readonly string[] | undefined>(ids.length);
    this.childIds = new Array<readonly string[] | undefined>(ids.length);
  }

  static fromManifest(m: Manifest): DbtGraph {
    return new DbtGraph(m.nodes.values());
  }

  get(id: string): ManifestNode | undefined {
    return this.nodes.get(id);
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The nodes of one resource type, in graph order (grouped once, on first use). */
  ofType(resourceType: string): readonly ManifestNode[] {
    if (this.byType === undefined) {
      this.byType = new Map();
      for (const n of this.dense.nodes) {
        const list = this.byType.get(n.resourceType);
        if (list) list.push(n);
        else this.byType.set(n.resourceType, [n]);
      }
    }
    return this.byType.get(resourceType) ?? [];
  }

  /** Dense index of `id` in `dense`, or -1 when the graph does not hold it. */
  indexOf(id: string): number {
    return this.indexById.get(id) ?? -1;
  }

  parents(id: string): readonly string[] {
    const i = this.indexById.get(id);
    if (i === undefined) return NONE;
    return (this.parentIds[i] ??= this.sortedIds(this.dense.parentStart, this.dense.parentList, i));
  }

  children(id: string): readonly string[] {
    const i = this.indexById.get(id);
    if (i === undefined) return NONE;
    return (this.childIds[i] ??= this.sortedIds(this.dense.childStart, this.dense.childList, i));
  }

  /** All ancestors (or descendants) of `start` up to `depth` hops (Infinity = all), excluding `start`. */
  reach(start: Iterable<string>, direction: 'up' | 'down', depth = Infinity): Set<string> {
    const { ids } = this.dense;
    const [edgeStart, edgeList] =
      direction === 'up'
        ? [this.dense.parentStart, this.dense.parentList]
        : [this.dense.childStart, this.dense.childList];
    const seen = new Uint8Array(ids.length);
    const out = new Set<string>();
    let frontier: number[] = [];
    for (const id of start) {
      const i = this.indexById.get(id);
      if (i !== undefined) frontier.push(i);
    }
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: number[] = [];
      for (const i of frontier) {
        for (let e = edgeStart[i]!; e < edgeStart[i + 1]!; e++) {
          const j = edgeList[e]!;
          if (seen[j]) continue;
          seen[j] = 1;
          out.add(ids[j]!);
          next.push(j);
        }
      }
      frontier = next;
    }
    return out;
  }

  private sortedIds(start: Int32Array, list: Int32Array, i: number): readonly string[] {
    const from = start[i]!;
    const to = start[i + 1]!;
    if (from === to) return NONE;
    const out = new Array<string>(to - from);
    for (let k = from; k < to; k++) out[k - from] = this.dense.ids[list[k]!]!;
    return out.sort();
  }

  /** Parent lists in one flat array (deduplicated with a per-node stamp), children by counting. */
  private buildEdges(ids: string[], list: ManifestNode[]): DenseGraph {
    const n = ids.length;
    const parentStart = new Int32Array(n + 1);
    const stamp = new Int32Array(n);
    let parents = new Int32Array(Math.max(16, n * 2));
    let size = 0;
    for (let i = 0; i < n; i++) {
      parentStart[i] = size;
      const deps = list[i]!.dependsOn;
      for (let k = 0; k < deps.length; k++) {
        const p = this.indexById.get(deps[k]!);
        if (p === undefined || p === i || stamp[p] === i + 1) continue;
        stamp[p] = i + 1;
        if (size === parents.length) {
          const grown = new Int32Array(size * 2);
          grown.set(parents);
          parents = grown;
        }
        parents[size++] = p;
      }
    }
    parentStart[n] = size;
    const parentList = parents.slice(0, size);

    const childStart = new Int32Array(n + 1);
    for (let k = 0; k < size; k++) childStart[parentList[k]! + 1]!++;
    for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
    const fill = childStart.slice(0, n);
    const childList = new Int32Array(size);
    for (let i = 0; i < n; i++) {
      for (let k = parentStart[i]!; k < parentStart[i + 1]!; k++) childList[fill[parentList[k]!]!++] = i;
    }
    return { ids, nodes: list, parentStart, parentList, childStart, childList };
  }
}
