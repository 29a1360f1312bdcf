import type { Manifest, ManifestNode } from '../manifest/types.js';
import { isEnabled } from '../manifest/types.js';

/**
 * The dependency graph of a manifest: every enabled node (models, seeds, snapshots, tests,
 * unit tests, sources, exposures, analyses...) with parent and child edges. Edges to ids that are
 * not in the manifest (disabled nodes, macros) are dropped. Lookups are O(1); neighbour lists
 * are sorted so every traversal is deterministic.
 */
export class DbtGraph {
  readonly nodes: ReadonlyMap<string, ManifestNode>;
  private readonly parentMap = new Map<string, string[]>();
  private readonly childMap = new Map<string, string[]>();

  constructor(nodes: Iterable<ManifestNode>) {
    const byId = new Map<string, ManifestNode>();
    for (const n of nodes) if (isEnabled(n)) byId.set(n.uniqueId, n);
    this.nodes = byId;
    for (const id of byId.keys()) this.childMap.set(id, []);
    for (const n of byId.values()) {
      const parents = [...new Set(n.dependsOn)].filter((p) => byId.has(p) && p !== n.uniqueId).sort();
      this.parentMap.set(n.uniqueId, parents);
      for (const p of parents) this.childMap.get(p)!.push(n.uniqueId);
    }
    for (const list of this.childMap.values()) list.sort();
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

  parents(id: string): readonly string[] {
    return this.parentMap.get(id) ?? [];
  }

  children(id: string): readonly string[] {
    return this.childMap.get(id) ?? [];
  }

  /** All ancestors (or descendants) of `start` up to `depth` hops (Infinity = all), excluding `start`. */
  reach(start: Iterable<string>, direction: 'up' | 'down', depth = Infinity): Set<string> {
    const next = direction === 'up' ? (id: string) => this.parents(id) : (id: string) => this.children(id);
    const seen = new Set<string>();
    let frontier = [...start];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const nextFrontier: string[] = [];
      for (const id of frontier) {
        for (const n of next(id)) {
          if (!seen.has(n)) {
            seen.add(n);
            nextFrontier.push(n);
          }
        }
      }
      frontier = nextFrontier;
    }
    return seen;
  }
}
