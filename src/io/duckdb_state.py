"""DuckDB files for `dbt-matrix local`, run by the Python interpreter that runs dbt.

dbt-duckdb guarantees the `duckdb` module in that interpreter, so no Node binding is needed and the
file format always matches the dbt that wrote it. src/io/duckdb-state.ts runs this program with
`python -c` (its text is embedded at build time into duckdb-state-script.ts, so it works from the
ncc bundle where no side file exists). Paths, names and the merge spec (JSON) arrive as argv, never
spliced into code; names reach SQL only quoted by q().

Commands:
  create FILE            make an empty database file
  check FILE             open read-only: fails while another process writes it
  checkpoint FILE        write the write-ahead log into the file
  merge BASE SPEC_JSON   copy the shards' relations into BASE; prints one JSON line of counts
"""

import json
import sys

import duckdb


def q(name):
    return '"' + name.replace('"', '""') + '"'


def create(path):
    duckdb.connect(path).close()


def kind_of(con, catalog, schema, name):
    row = con.execute(
        'select table_type from information_schema.tables'
        ' where table_catalog = ? and table_schema = ? and table_name = ?',
        [catalog, schema, name],
    ).fetchone()
    return None if row is None else ('view' if row[0] == 'VIEW' else 'table')


def drop_other(con, catalog, schema, name, keep):
    # a relation that changed materialization (view <-> table) must go before its replacement
    existing = kind_of(con, catalog, schema, name)
    if existing is not None and existing != keep:
        con.execute('drop ' + existing + ' ' + q(catalog) + '.' + q(schema) + '.' + q(name))


def relations_of(con, catalog):
    return con.execute(
        'select table_schema, table_name, table_type from information_schema.tables'
        " where table_catalog = ? and table_schema not in ('information_schema', 'pg_catalog')",
        [catalog],
    ).fetchall()


def view_sql(con, catalog, rel):
    return con.execute(
        'select sql from duckdb_views() where database_name = ? and schema_name = ? and view_name = ?',
        [catalog, rel['schema'], rel['name']],
    ).fetchone()[0]


def first_line(err):
    return str(err).splitlines()[0]


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
                views.append((rel, view_sql(con, alias, rel)))
        if spec.get('hookWrites'):
            for schema, name, ttype in relations_of(con, alias):
                if (schema.lower(), name.lower()) not in owned:
                    extra.append((alias, {'schema': schema, 'name': name}, 'view' if ttype == 'VIEW' else 'table'))

    def target(rel):
        return q(catalog) + '.' + q(rel['schema']) + '.' + q(rel['name'])

    def source(alias, rel):
        return q(alias) + '.' + q(rel['schema']) + '.' + q(rel['name'])

    def new_rows_table(k):
        return q('dbt_matrix_new_' + str(k))

    # Relations no dbt node owns were written by hooks (or were there before): the rows each shard
    # added to a table are added to the base (an audit log keeps every shard's lines); a table or
    # view new in a shard is created. Differences are taken against the base before this merge.
    hook_rows, hook_errors, pending_extra = 0, [], []
    for k, (alias, rel, kind) in enumerate(extra):
        try:
            existing = kind_of(con, catalog, rel['schema'], rel['name'])
            if kind == 'view':
                if existing is None:
                    views.append((rel, view_sql(con, alias, rel)))
                continue
            if existing == 'table':
                new_rows = source(alias, rel) + ' except all select * from ' + target(rel)
                con.execute('create temp table ' + new_rows_table(k) + ' as select * from ' + new_rows)
                pending_extra.append((k, alias, rel, True))
            elif existing is None:
                pending_extra.append((k, alias, rel, False))
        except duckdb.Error as err:
            hook_errors.append({'name': rel['schema'] + '.' + rel['name'], 'error': first_line(err)})
    for alias, rel in tables:
        drop_other(con, catalog, rel['schema'], rel['name'], 'table')
        con.execute('create or replace table ' + target(rel) + ' as select * from ' + source(alias, rel))
    for k, alias, rel, existed in pending_extra:
        try:
            con.execute('create schema if not exists ' + q(catalog) + '.' + q(rel['schema']))
            if existed:
                n = con.execute('insert into ' + target(rel) + ' select * from ' + new_rows_table(k)).fetchone()[0]
            elif kind_of(con, catalog, rel['schema'], rel['name']) is None:
                con.execute('create table ' + target(rel) + ' as select * from ' + source(alias, rel))
                n = con.execute('select count(*) from ' + target(rel)).fetchone()[0]
            else:
                # created by an earlier shard of this stage: every row of this one is new too
                n = con.execute('insert into ' + target(rel) + ' select * from ' + source(alias, rel)).fetchone()[0]
            hook_rows += n
        except duckdb.Error as err:
            hook_errors.append({'name': rel['schema'] + '.' + rel['name'], 'error': first_line(err)})
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
                errors[rel['schema'] + '.' + rel['name']] = first_line(err)
                left.append((rel, sql))
        if len(left) == len(pending):
            break
        pending = left
    con.execute('use ' + q(catalog) + '.main')
    for i in range(len(spec['sources'])):
        con.execute('detach ' + q('dbt_matrix_src_' + str(i)))
    con.execute('checkpoint')
    con.close()
    failed = [
        {'name': r['schema'] + '.' + r['name'], 'error': errors.get(r['schema'] + '.' + r['name'], '')}
        for r, _ in pending
    ]
    return {
        'tables': len(tables),
        'views': len(views) - len(pending),
        'missing': missing,
        'failedViews': failed,
        'hookRows': hook_rows,
        'hookErrors': hook_errors,
    }


def check(path):
    # read-only: takes no write lock and changes nothing, but fails while another process writes
    duckdb.connect(path, read_only=True).close()


def checkpoint(path):
    con = duckdb.connect(path)
    con.execute('checkpoint')
    con.close()


def main(argv):
    command = argv[0] if argv else ''
    if command == 'create':
        create(argv[1])
    elif command == 'check':
        check(argv[1])
    elif command == 'checkpoint':
        checkpoint(argv[1])
    elif command == 'merge':
        print(json.dumps(merge(argv[1], argv[2])))
    else:
        raise SystemExit('unknown command ' + command)


if __name__ == '__main__':
    main(sys.argv[1:])
