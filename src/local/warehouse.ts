import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../core/manifest/types.js';
import { copyDatabase, DuckDbTool, removeDatabase, type MergeSource, type RelationRef } from '../io/duckdb-state.js';
import { shardFolder } from '../io/folders/index.js';
import { readRunResults } from '../io/run-results.js';
import type { Logger } from '../shared/log.js';
import type { DuckDbProfile } from './profile.js';
import { builtRelations, parseRelationName } from './relations.js';

/**
 * How the shards of a `local` run see each other's tables.
 *
 * A server warehouse (PostgreSQL, Snowflake, …): shards share it; nothing to do.
 *
 * DuckDB allows one writing process per file, so every shard gets a file of its own:
 *   DIR/db/<catalog>.duckdb                the base: the merged state after the stages so far
 *   DIR/db/shards/<id>/<catalog>.duckdb    a shard's copy of the base, written by its dbt alone
 * Every shard's profile (DIR/profile/profiles.yml, derived from the user's: see profile.ts) says
 * `path: <catalog>.duckdb`, and each dbt runs in its own folder, so one profile serves all.
 * `<catalog>` is the stem of the user's path: DuckDB names a file's catalog after its stem, so
 * compiled SQL and stored view definitions are the same in every copy. The base starts as a copy
 * of the user's database (what `dbt build` would find there); before a stage every shard starts
 * from a copy of the base (the plan guarantees a shard reads only earlier stages and its own
 * nodes); after the stage every relation the stage built is copied into the base, and so are the
 * rows hooks added to tables no node owns; the final tests run on the base. At the end the base
 * replaces the user's database, unless that file changed meanwhile (then it is left alone).
 */
export interface WarehouseState {
  /** one line for the log */
  readonly description: string;
  /** the profiles folder every dbt of the run uses (null: the user's, unchanged) */
  readonly profilesDir: string | null;
  prepareStage(shardIds: readonly string[]): Promise<void>;
  /** env for a shard's dbt (or `final`, which runs on the merged state) */
  envFor(shardId: string | 'final'): NodeJS.ProcessEnv;
  /** working folder for a shard's dbt (undefined: this process's) */
  cwdFor(shardId: string | 'final'): string | undefined;
  /** folds what the stage's shards built into the shared state */
  finishStage(shards: ReadonlyArray<{ id: string; shardDir: string }>): Promise<void>;
  /** puts the result where it belongs; returns where it is (null on a server warehouse) */
  finish(): Promise<string | null>;
}

export function sharedWarehouse(env: NodeJS.ProcessEnv, adapter: string | null): WarehouseState {
  return {
    description: `${adapter ?? 'warehouse'}: shards share the server`,
    profilesDir: null,
    prepareStage: async () => undefined,
    envFor: () => env,
    cwdFor: () => undefined,
    finishStage: async () => undefined,
    finish: async () => null,
  };
}

export interface DuckDbStateOptions {
  /** DIR/db */
  dir: string;
  /** the derived profile (written to profilesDir by the caller) */
  profile: DuckDbProfile;
  profilesDir: string;
  /** where the result goes: the user's database unless an option says otherwise */
  result: string;
  env: NodeJS.ProcessEnv;
  tool: DuckDbTool;
  manifest: Pick<Manifest, 'nodes'>;
  log: Pick<Logger, 'info' | 'warning'>;
}

export async function duckDbState(opts: DuckDbStateOptions): Promise<WarehouseState> {
  const { catalog, shardPath, userDatabase } = opts.profile;
  const base = path.join(opts.dir, shardPath);
  const shardDir = (id: string): string => path.join(opts.dir, 'shards', id);
  const shardFile = (id: string): string => path.join(shardDir(id), shardPath);
  await fs.rm(opts.dir, { recursive: true, force: true });
  const startFrom = existsSync(userDatabase) ? userDatabase : null;
  if (startFrom !== null) {
    await opts.tool.checkNotInUse(startFrom, '--profiles-dir');
    await copyDatabase(startFrom, base);
  } else {
    await opts.tool.create(base);
  }
  const before = await fileStamp(opts.result);
  const owned = ownedRelations(opts.manifest, catalog);

  return {
    description:
      `DuckDB: one file per shard (profile ${opts.profilesDir}/profiles.yml, path ${shardPath}), merged into ${base} after each stage` +
      `${startFrom ? `, starting from a copy of ${startFrom}` : ''}; the result goes to ${opts.result}` +
      (opts.profile.attached.length > 0 ? `; attached ${opts.profile.attached.join(', ')} opened read-only` : ''),
    profilesDir: opts.profilesDir,
    prepareStage: async (ids) => {
      await Promise.all(ids.map((id) => copyDatabase(base, shardFile(id))));
    },
    envFor: () => opts.env,
    cwdFor: (id) => (id === 'final' ? opts.dir : shardDir(id)),
    finishStage: async (shards) => {
      const sources: MergeSource[] = [];
      for (const s of shards) {
        const { results } = await readRunResults(shardFolder(s.shardDir).runResults);
        const built = builtRelations(results?.results ?? [], opts.manifest, catalog);
        for (const name of built.elsewhere)
          opts.log.warning(
            `shard ${s.id}: ${name} is not in database ${catalog}; local does not copy it between shards`,
          );
        if (existsSync(shardFile(s.id))) sources.push({ file: shardFile(s.id), relations: built.relations });
      }
      const stats = await opts.tool.merge(base, sources, { owned });
      if (stats.missing.length > 0) {
        const m = stats.missing[0]!;
        throw new Error(
          `dbt reported ${m.schema}.${m.name} built, but ${m.file} does not hold it (${stats.missing.length} relation(s) missing): the shard's dbt wrote elsewhere`,
        );
      }
      for (const v of stats.failedViews)
        opts.log.warning(`view ${v.name} could not be copied into the merged database: ${v.error}`);
      for (const h of stats.hookErrors)
        opts.log.warning(`rows hooks wrote to ${h.name} could not be copied into the merged database: ${h.error}`);
      await Promise.all(shards.map(async (s) => removeDatabase(shardFile(s.id))));
    },
    finish: async () => {
      const now = await fileStamp(opts.result);
      if (now !== before) {
        opts.log.warning(
          `${opts.result} changed while local ran (another process wrote to it): left alone; the result is ${base}`,
        );
        return base;
      }
      await opts.tool.checkpoint(base);
      await replaceDatabase(base, opts.result);
      return opts.result;
    },
  };
}

/** Relations that dbt nodes own in `catalog` (models, seeds, snapshots, tests storing failures). */
function ownedRelations(manifest: Pick<Manifest, 'nodes'>, catalog: string): RelationRef[] {
  const out: RelationRef[] = [];
  for (const n of manifest.nodes.values()) {
    const parsed = n.relationName ? parseRelationName(n.relationName) : null;
    if (parsed?.schema && (parsed.database === null || parsed.database === catalog))
      out.push({ schema: parsed.schema, name: parsed.name });
  }
  return out;
}

async function fileStamp(file: string): Promise<string | null> {
  try {
    const st = await fs.stat(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
}

/** Copies `from` beside `to` and renames it over `to`: readers never see half a file. */
async function replaceDatabase(from: string, to: string): Promise<void> {
  const tmp = `${to}.dbt-matrix-${process.pid}.tmp`;
  await copyDatabase(from, tmp);
  await fs.rm(`${tmp}.wal`, { force: true });
  await fs.rm(`${to}.wal`, { force: true });
  await fs.rename(tmp, to);
}
