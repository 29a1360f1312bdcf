import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import type { Manifest } from '../core/manifest/types.js';
import { copyDatabase, DuckDbTool, removeDatabase, type MergeSource } from '../io/duckdb-state.js';
import { readRunResults } from '../io/run-results.js';
import type { Logger } from '../shared/log.js';
import { builtRelations } from './relations.js';

/**
 * How the shards of a `local` run see each other's tables.
 *
 * A server warehouse (PostgreSQL, Snowflake, …): shards share it; nothing to do.
 *
 * DuckDB allows one writing process per file (DESIGN §5), so every shard gets a file of its own:
 *   DIR/db/<db>.duckdb                the base: the merged state after the stages so far
 *   DIR/db/shards/<id>/<db>.duckdb    a shard's copy of the base, written by its dbt alone
 * `<db>` is the database name the manifest's relations use (`shop` in `"shop"."main"."x"`): DuckDB
 * names a file's catalog after its stem, so compiled SQL and stored view definitions are the same
 * in every copy. Before a stage every shard starts from a copy of the base (the plan guarantees a
 * shard reads only earlier stages and its own nodes); after the stage every relation the stage
 * built is copied into the base; the final tests run on the base, which is the result.
 * The profile must read its path from env_var('DBT_DUCKDB_PATH') — that is how a shard is pointed
 * at its file.
 */
export interface WarehouseState {
  /** one line for the log */
  readonly description: string;
  /** the result database file (DuckDB), null on a server warehouse */
  readonly resultDatabase: string | null;
  prepareStage(shardIds: readonly string[]): Promise<void>;
  /** env for a shard's dbt (or `final`, which runs on the merged state) */
  envFor(shardId: string | 'final'): NodeJS.ProcessEnv;
  /** folds what the stage's shards built into the shared state */
  finishStage(shards: ReadonlyArray<{ id: string; shardDir: string }>): Promise<void>;
}

export function sharedWarehouse(env: NodeJS.ProcessEnv, adapter: string | null): WarehouseState {
  return {
    description: `${adapter ?? 'warehouse'}: shards share the server`,
    resultDatabase: null,
    prepareStage: async () => undefined,
    envFor: () => env,
    finishStage: async () => undefined,
  };
}

export interface DuckDbStateOptions {
  /** DIR/db */
  dir: string;
  /** catalog name, the file stem */
  database: string;
  /** an existing database to start from (the user's DBT_DUCKDB_PATH), or null for empty */
  startFrom: string | null;
  env: NodeJS.ProcessEnv;
  tool: DuckDbTool;
  manifest: Pick<Manifest, 'nodes'>;
  log: Pick<Logger, 'info' | 'warning'>;
}

export async function duckDbState(opts: DuckDbStateOptions): Promise<WarehouseState> {
  const file = `${opts.database}.duckdb`;
  const base = path.join(opts.dir, file);
  const shardFile = (id: string): string => path.join(opts.dir, 'shards', id, file);
  await fs.rm(opts.dir, { recursive: true, force: true });
  const from = opts.startFrom !== null && existsSync(opts.startFrom) ? path.resolve(opts.startFrom) : null;
  if (from !== null) await copyDatabase(from, base);
  else await opts.tool.create(base);

  return {
    description: `DuckDB: one file per shard, merged into ${base} after each stage${from ? ` (started from a copy of ${from})` : ''}`,
    resultDatabase: base,
    prepareStage: async (ids) => {
      await Promise.all(ids.map((id) => copyDatabase(base, shardFile(id))));
    },
    envFor: (id) => ({ ...opts.env, DBT_DUCKDB_PATH: id === 'final' ? base : shardFile(id) }),
    finishStage: async (shards) => {
      const sources: MergeSource[] = [];
      for (const s of shards) {
        const { results } = await readRunResults(path.join(s.shardDir, 'run_results.json'));
        const built = builtRelations(results?.results ?? [], opts.manifest, opts.database);
        for (const name of built.elsewhere) opts.log.warning(`shard ${s.id}: ${name} is not in database ${opts.database}; local does not copy it between shards`);
        if (built.relations.length > 0) sources.push({ file: shardFile(s.id), relations: built.relations });
      }
      const stats = await opts.tool.merge(base, sources);
      if (stats.missing.length > 0) {
        const m = stats.missing[0]!;
        throw new UserError(
          `DBT_DUCKDB_PATH: dbt reported ${m.schema}.${m.name} built, but ${m.file} does not hold it (${stats.missing.length} relation(s) missing); ` +
            "expected a DuckDB profile whose path is \"{{ env_var('DBT_DUCKDB_PATH') }}\" so each local shard writes its own file",
        );
      }
      for (const v of stats.failedViews) opts.log.warning(`view ${v.name} could not be copied into the merged database: ${v.error}`);
      await Promise.all(shards.map(async (s) => removeDatabase(shardFile(s.id))));
    },
  };
}
