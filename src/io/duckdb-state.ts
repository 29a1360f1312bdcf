import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';

/**
 * DuckDB files for `dbt-matrix local` (DuckDB allows one writing process per database file).
 *
 * DuckDB is used through the Python interpreter that runs dbt: dbt-duckdb guarantees its
 * `duckdb` module there, so no Node binding is needed and the file format always matches the
 * dbt that wrote it. The script below is a string constant passed with `-c` (it works from the
 * ncc bundle, where no side file exists); paths, names and SQL-free JSON arrive as argv, never
 * spliced into code.
 */
const SCRIPT = String.raw`
import json, sys, duckdb

def q(name):
    return '"' + name.replace('"', '""') + '"'

def create(path):
    duckdb.connect(path).close()

def kind_of(con, catalog, schema, name):
    row = con.execute(
        "select table_type from information_schema.tables where table_catalog = ? and table_schema = ? and table_name = ?",
        [catalog, schema, name]).fetchone()
    return None if row is None else ('view' if row[0] == 'VIEW' else 'table')

def drop_other(con, catalog, schema, name, keep):
    # a relation that changed materialization (view <-> table) must go before its replacement
    existing = kind_of(con, catalog, schema, name)
    if existing is not None and existing != keep:
        con.execute('drop ' + existing + ' ' + q(catalog) + '.' + q(schema) + '.' + q(name))

def relations_of(con, catalog):
    return con.execute(
        "select table_schema, table_name, table_type from information_schema.tables where table_catalog = ? and table_schema not in ('information_schema', 'pg_catalog')",
        [catalog]).fetchall()

def merge(base, spec_json):
    spec = json.loads(spec_json)
    con = duckdb.connect(base)
    catalog = con.execute('select current_database()').fetchone()[0]
    owned = set((s.lower(), n.lower()) for s, n in spec.get('owned', []))
    tables, views, missing, extra = [], [], [], []
    for i, src in enumerate(spec['sources']):
        alias = 'dbt_matrix_src_' + str(i)
        con.execute('attach ' + "'" + src['file'].replace("'", "''") + "'" + ' as ' + q(alias) + ' (read_only)')
        for rel in src['relations']:
            kind = kind_of(con, alias, rel['schema'], rel['name'])
            if kind is None:
                missing.append({'file': src['file'], 'schema': rel['schema'], 'name': rel['name']})
                continue
            con.execute('create schema if not exists ' + q(catalog) + '.' + q(rel['schema']))
            if kind == 'table':
                tables.append((alias, rel))
            else:
                sql = con.execute(
                    "select sql from duckdb_views() where database_name = ? and schema_name = ? and view_name = ?",
                    [alias, rel['schema'], rel['name']]).fetchone()[0]
                views.append((rel, sql))
        if spec.get('hookWrites'):
            for schema, name, ttype in relations_of(con, alias):
                if (schema.lower(), name.lower()) not in owned:
                    extra.append((alias, {'schema': schema, 'name': name}, 'view' if ttype == 'VIEW' else 'table'))
    target = lambda rel: q(catalog) + '.' + q(rel['schema']) + '.' + q(rel['name'])
    source = lambda alias, rel: q(alias) + '.' + q(rel['schema']) + '.' + q(rel['name'])
    # Relations no dbt node owns were written by hooks (or were there before): the rows each shard
    # added to a table are added to the base (an audit log keeps every shard's lines); a table or
    # view new in a shard is created. Differences are taken against the base before this merge.
    hook_rows, hook_errors, pending_extra = 0, [], []
    for k, (alias, rel, kind) in enumerate(extra):
        try:
            existing = kind_of(con, catalog, rel['schema'], rel['name'])
            if kind == 'view':
                if existing is None:
                    sql = con.execute("select sql from duckdb_views() where database_name = ? and schema_name = ? and view_name = ?", [alias, rel['schema'], rel['name']]).fetchone()[0]
                    views.append((rel, sql))
                continue
            if existing == 'table':
                con.execute('create temp table ' + q('dbt_matrix_new_' + str(k)) + ' as select * from ' + source(alias, rel) + ' except all select * from ' + target(rel))
                pending_extra.append((k, alias, rel, True))
            elif existing is None:
                pending_extra.append((k, alias, rel, False))
        except duckdb.Error as err:
            hook_errors.append({'name': rel['schema'] + '.' + rel['name'], 'error': str(err).splitlines()[0]})
    for alias, rel in tables:
        drop_other(con, catalog, rel['schema'], rel['name'], 'table')
        con.execute('create or replace table ' + target(rel) + ' as select * from ' + source(alias, rel))
    for k, alias, rel, existed in pending_extra:
        try:
            con.execute('create schema if not exists ' + q(catalog) + '.' + q(rel['schema']))
            if existed:
                n = con.execute('insert into ' + target(rel) + ' select * from ' + q('dbt_matrix_new_' + str(k))).fetchone()[0]
            elif kind_of(con, catalog, rel['schema'], rel['name']) is None:
                con.execute('create table ' + target(rel) + ' as select * from ' + source(alias, rel))
                n = con.execute('select count(*) from ' + target(rel)).fetchone()[0]
            else:
                # created by an earlier shard of this stage: every row of this one is new too
                n = con.execute('insert into ' + target(rel) + ' select * from ' + source(alias, rel)).fetchone()[0]
            hook_rows += n
        except duckdb.Error as err:
            hook_errors.append({'name': rel['schema'] + '.' + rel['name'], 'error': str(err).splitlines()[0]})
    # DuckDB binds a view when it is created: a view over another view of this batch waits for it.
    pending, errors = views, {}
    while pending:
        left = []
        for rel, sql in pending:
            try:
                drop_other(con, catalog, rel['schema'], rel['name'], 'view')
                con.execute('create schema if not exists ' + q(catalog) + '.' + q(rel['schema']))
                con.execute('use ' + q(catalog) + '.' + q(rel['schema']))
                con.execute(sql.replace('CREATE VIEW', 'CREATE OR REPLACE VIEW', 1))
            except duckdb.Error as err:
                errors[rel['schema'] + '.' + rel['name']] = str(err).splitlines()[0]
                left.append((rel, sql))
        if len(left) == len(pending):
            break
        pending = left
    con.execute('use ' + q(catalog) + '.main')
    for i in range(len(spec['sources'])):
        con.execute('detach ' + q('dbt_matrix_src_' + str(i)))
    con.execute('checkpoint')
    con.close()
    failed = [{'name': r['schema'] + '.' + r['name'], 'error': errors.get(r['schema'] + '.' + r['name'], '')} for r, _ in pending]
    print(json.dumps({'tables': len(tables), 'views': len(views) - len(pending), 'missing': missing, 'failedViews': failed, 'hookRows': hook_rows, 'hookErrors': hook_errors}))

def check(path):
    # read-only: takes no write lock and changes nothing, but fails while another process writes
    duckdb.connect(path, read_only=True).close()

def checkpoint(path):
    con = duckdb.connect(path)
    con.execute('checkpoint')
    con.close()

if sys.argv[1] == 'create':
    create(sys.argv[2])
elif sys.argv[1] == 'check':
    check(sys.argv[2])
elif sys.argv[1] == 'checkpoint':
    checkpoint(sys.argv[2])
elif sys.argv[1] == 'merge':
    merge(sys.argv[2], sys.argv[3])
else:
    raise SystemExit('unknown command ' + sys.argv[1])
`;

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
      throw new UserError(`${input}: ${file} cannot be opened (${(err as Error).message.replace(/^duckdb check failed \([^)]*\): /, '')}); close the program that holds it (a DuckDB shell, an IDE, a running dbt) and try again`);
    }
  }

  /** Writes the write-ahead log into the file, so the file alone is the whole database. */
  async checkpoint(file: string): Promise<void> {
    await this.exec(['checkpoint', file]);
  }

  private exec(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.python, ['-c', SCRIPT, ...args], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(String(stdout));
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new UserError(`--python: ${this.python} was not found; expected the Python interpreter that runs dbt (it has the duckdb module)`));
        const detail = String(stderr).trim().split('\n').slice(-3).join(' | ') || err.message;
        reject(new Error(`duckdb ${args[0]} failed (${this.python}): ${detail}`));
      });
    });
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

/**
 * The interpreter that runs dbt, from the shebang of the resolved dbt executable
 * (`#!/venv/bin/python3`, or `#!/usr/bin/env python3`); null when dbt is not a Python script.
 */
export async function pythonOfDbt(dbtCommand: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const exe = await resolveExecutable(dbtCommand, env);
  if (exe === null) return null;
  let head: string;
  try {
    const handle = await fs.open(exe, 'r');
    try {
      const buf = Buffer.alloc(512);
      const { bytesRead } = await handle.read(buf, 0, 512, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
  return pythonFromShebang(head.split('\n')[0] ?? '');
}

/** `#!/x/python3.11` → `/x/python3.11`; `#!/usr/bin/env python3` → `python3`; else null. */
export function pythonFromShebang(line: string): string | null {
  if (!line.startsWith('#!')) return null;
  const words = line.slice(2).trim().split(/\s+/);
  const [first, ...rest] = words;
  if (first === undefined) return null;
  const candidate = path.basename(first) === 'env' ? rest.find((w) => !w.startsWith('-')) : first;
  return candidate !== undefined && /python/i.test(path.basename(candidate)) ? candidate : null;
}

async function resolveExecutable(command: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const candidates = command.includes(path.sep)
    ? [path.resolve(command)]
    : (env['PATH'] ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const file of candidates) {
    try {
      await fs.access(file, constants.X_OK);
      return file;
    } catch {
      // next PATH entry
    }
  }
  return null;
}
