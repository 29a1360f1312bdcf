import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { DUCKDB_STATE_SCRIPT } from './duckdb-state-script.js';

/**
 * DuckDB files for `dbt-matrix local` (DuckDB allows one writing process per database file).
 *
 * DuckDB is used through the Python interpreter that runs dbt: dbt-duckdb guarantees its
 * `duckdb` module there, so no Node binding is needed and the file format always matches the
 * dbt that wrote it. The program is src/io/duckdb_state.py, embedded at build time and passed with
 * `-c` (so it works from the ncc bundle, where no side file exists); paths, names and SQL-free JSON
 * arrive as argv, never spliced into code.
 */

/** schema + name of a relation inside one DuckDB catalog */
export interface RelationRef {
  schema: string;
  name: string;
}

export interface MergeSource {
  /** a shard's database file, attached read-only */
  file: string;
  relations: RelationRef[];
}

export interface MergeOptions {
  /** schema/name of every relation a dbt node owns in this catalog: all others were written by hooks */
  owned: RelationRef[];
}

export interface MergeStats {
  tables: number;
  views: number;
  /** relations dbt reported as built but the shard's file does not hold */
  missing: Array<{ file: string; schema: string; name: string }>;
  /** views that could not be recreated in the base (their inputs are missing) */
  failedViews: Array<{ name: string; error: string }>;
  /** rows hooks added to tables no dbt node owns, copied into the base */
  hookRows: number;
  /** hook-written tables whose new rows could not be copied (changed columns, …) */
  hookErrors: Array<{ name: string; error: string }>;
}

const NameError = z.object({ name: z.string(), error: z.string() });
const MergeStatsSchema = z.object({
  tables: z.number(),
  views: z.number(),
  missing: z.array(z.object({ file: z.string(), schema: z.string(), name: z.string() })),
  failedViews: z.array(NameError),
  hookRows: z.number(),
  hookErrors: z.array(NameError),
});

export class DuckDbTool {
  constructor(readonly python: string) {}

  /** Creates an empty database file (DuckDB creates it on connect). */
  async create(file: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await this.exec(['create', file]);
  }

  /**
   * Copies every listed relation of every source into `base`: tables first (CREATE OR REPLACE
   * ... AS SELECT), then views from their stored definitions, retried while any makes progress.
   */
  async merge(base: string, sources: readonly MergeSource[], opts?: MergeOptions): Promise<MergeStats> {
    const spec = { sources, owned: (opts?.owned ?? []).map((r) => [r.schema, r.name]), hookWrites: opts !== undefined };
    const out = await this.exec(['merge', base, JSON.stringify(spec)]);
    return MergeStatsSchema.parse(JSON.parse(out.trim().split('\n').pop() ?? '{}'));
  }

  /** Fails with a message when another process has the database open for writing. */
  async checkNotInUse(file: string, input: string): Promise<void> {
    try {
      await this.exec(['check', file]);
    } catch (err) {
      if (err instanceof UserError) throw err;
      const reason = (err as Error).message.replace(/^duckdb check failed \([^)]*\): /, '');
      const fix = 'close the program that holds it (a DuckDB shell, an IDE, a running dbt) and try again';
      throw new UserError(`${input}: ${file} cannot be opened (${reason}); ${fix}`);
    }
  }

  /** Writes the write-ahead log into the file, so the file alone is the whole database. */
  async checkpoint(file: string): Promise<void> {
    await this.exec(['checkpoint', file]);
  }

  private exec(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const options = { maxBuffer: 16 * 1024 * 1024 };
      execFile(this.python, ['-c', DUCKDB_STATE_SCRIPT, ...args], options, (err, stdout, stderr) => {
        if (err) reject(this.failure(args[0], err, String(stderr)));
        else resolve(String(stdout));
      });
    });
  }

  private failure(command: string | undefined, err: Error, stderr: string): Error {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      const expected = 'the Python interpreter that runs dbt (it has the duckdb module)';
      return new UserError(`--python: ${this.python} was not found; expected ${expected}`);
    }
    const detail = stderr.trim().split('\n').slice(-3).join(' | ') || err.message;
    return new Error(`duckdb ${command} failed (${this.python}): ${detail}`);
  }
}

/**
 * Copies a database file (and its write-ahead log, which holds not-yet-checkpointed changes).
 * A reflink where the file system offers one, else a plain copy; never a hard link: DuckDB
 * writes in place, a link would let a shard change the base.
 */
export async function copyDatabase(from: string, to: string): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.copyFile(from, to, constants.COPYFILE_FICLONE);
  await fs.rm(`${to}.wal`, { force: true });
  try {
    await fs.copyFile(`${from}.wal`, `${to}.wal`, constants.COPYFILE_FICLONE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export async function removeDatabase(file: string): Promise<void> {
  await fs.rm(file, { force: true });
  await fs.rm(`${file}.wal`, { force: true });
}
