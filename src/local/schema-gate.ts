import type { Manifest } from '../core/manifest/types.js';
import { parseRelationName } from './relations.js';

/**
 * Parallel dbt processes on one server race to create the same schema: PostgreSQL's
 * `create schema if not exists` is not safe against a concurrent twin (one of them fails with a
 * duplicate key on pg_namespace, and that shard fails before running a node). dbt creates a
 * run's schemas before its first node starts, so the gate lets the first shard that needs a
 * schema go, and holds every later shard needing it until that first one has started a node
 * (or ended). Schemas created in an earlier stage never wait again; shards on schemas of
 * their own start at once.
 */
export class SchemaGate {
  private readonly created = new Map<string, Promise<void>>();

  constructor(private readonly schemasOf: (nodes: readonly string[]) => string[]) {}

  /** Waits for the creators of this shard's schemas; returns what to call once dbt is past creating them. */
  async enter(nodes: readonly string[]): Promise<() => void> {
    const waits: Promise<void>[] = [];
    const mine: Array<() => void> = [];
    for (const schema of this.schemasOf(nodes)) {
      const existing = this.created.get(schema);
      if (existing) {
        waits.push(existing);
        continue;
      }
      let resolve!: () => void;
      this.created.set(schema, new Promise<void>((r) => (resolve = r)));
      mine.push(resolve);
    }
    await Promise.all(waits);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const r of mine) r();
    };
  }
}

/** `database.schema` of every relation the nodes build, from the manifest. */
export function schemasFromManifest(manifest: Pick<Manifest, 'nodes'>): (nodes: readonly string[]) => string[] {
  return (nodes) => {
    const out = new Set<string>();
    for (const id of nodes) {
      const rel = manifest.nodes.get(id)?.relationName;
      const parsed = rel ? parseRelationName(rel) : null;
      if (parsed?.schema) out.add(`${parsed.database ?? ''}.${parsed.schema}`);
    }
    return [...out];
  };
}
