import type { Manifest } from '../core/manifest/types.js';

/**
 * Relation names as dbt renders them (`"shop"."main"."orders"`), and which relations a shard
 * built: what `local` copies from a shard's DuckDB file into the shared state after a stage.
 */
export interface QualifiedName {
  database: string | null;
  schema: string | null;
  name: string;
}

/** Splits `"a"."b"."c"` / `a.b.c` (doubled quotes inside quotes) into its parts. */
export function parseRelationName(text: string): QualifiedName | null {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return null;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== '.') part += text[i++];
      part = part.trim();
      if (part === '') return null;
    }
    parts.push(part);
    if (i < text.length) {
      if (text[i] !== '.') return null;
      i++;
      if (i === text.length) return null;
    }
  }
  if (parts.length === 0 || parts.length > 3) return null;
  const [name] = parts.slice(-1);
  return {
    database: parts.length === 3 ? parts[0]! : null,
    schema: parts.length >= 2 ? parts[parts.length - 2]! : null,
    name: name!,
  };
}

/** Node kinds that leave a relation behind (ephemeral models do not; tests only when they store failures). */
const BUILDS_RELATION = /^(model|seed|snapshot)\./;
const TEST = /^test\./;
/** a test that ran leaves its failures table (store_failures) whatever its verdict */
const TEST_RAN = new Set(['pass', 'fail', 'warn']);

export interface ResultLike {
  unique_id: string;
  status: string;
  relation_name?: unknown;
}

/**
 * The relations a shard's successful models, seeds and snapshots left in its database: the
 * result's relation_name, else the manifest's. Relations of another database (catalog) than
 * `database` are returned apart: they do not live in the shard's file.
 */
export function builtRelations(
  results: readonly ResultLike[],
  manifest: Pick<Manifest, 'nodes'>,
  database: string,
): { relations: Array<{ schema: string; name: string }>; elsewhere: string[] } {
  const relations: Array<{ schema: string; name: string }> = [];
  const elsewhere: string[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    const storedFailures = TEST.test(r.unique_id) && TEST_RAN.has(r.status) && typeof r.relation_name === 'string';
    if (!storedFailures && (r.status !== 'success' || !BUILDS_RELATION.test(r.unique_id))) continue;
    const text =
      typeof r.relation_name === 'string' ? r.relation_name : (manifest.nodes.get(r.unique_id)?.relationName ?? null);
    const parsed = text === null ? null : parseRelationName(text);
    if (parsed === null || parsed.schema === null) {
      elsewhere.push(text ?? r.unique_id);
      continue;
    }
    if (parsed.database !== null && parsed.database !== database) {
      elsewhere.push(text!);
      continue;
    }
    const key = `${parsed.schema}\u0000${parsed.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    relations.push({ schema: parsed.schema, name: parsed.name });
  }
  return { relations, elsewhere };
}

/**
 * The database (catalog) name the project's relations use, e.g. `shop` for a profile path
 * `…/shop.duckdb`: the most common one among models, seeds and snapshots.
 */
export function projectDatabase(manifest: Pick<Manifest, 'nodes'>): string | null {
  const counts = new Map<string, number>();
  for (const node of manifest.nodes.values()) {
    if (!['model', 'seed', 'snapshot'].includes(node.resourceType) || node.relationName === null) continue;
    const db = parseRelationName(node.relationName)?.database;
    if (db) counts.set(db, (counts.get(db) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [db, n] of counts) if (best === null || n > counts.get(best)!) best = db;
  return best;
}
