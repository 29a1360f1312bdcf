"""Tests of src/io/duckdb_state.py as Python, against the real duckdb module of the dbt virtualenv.

Run by test/integration/python-helpers.test.ts (`python -m unittest` with .venv's python), or
by hand: .venv/bin/python -m unittest discover -s test/python -v
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, '..', '..', 'src', 'io', 'duckdb_state.py')
sys.path.insert(0, os.path.dirname(SCRIPT))
import duckdb_state  # noqa: E402  (found through the path above)


class DuckDbStateTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def db(self, name, *sql):
        path = os.path.join(self.dir.name, name + '.duckdb')
        con = duckdb.connect(path)
        for statement in sql:
            con.execute(statement)
        con.close()
        return path

    def rows(self, path, sql):
        con = duckdb.connect(path, read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def merge(self, base, sources, owned=None):
        spec = {'sources': sources}
        if owned is not None:
            spec['owned'] = owned
            spec['hookWrites'] = True
        return duckdb_state.merge(base, json.dumps(spec))

    def test_q_quotes_names_with_double_quotes(self):
        self.assertEqual(duckdb_state.q('a"b'), '"a""b"')

    def test_tables_and_views_reach_the_base_in_dependency_order(self):
        base = self.db('base')
        shard = self.db(
            'shard',
            'create schema s',
            'create table s.t as select 1 as x union all select 2',
            # v2 reads v1: listed first, it cannot be created until v1 exists
            'create view s.v1 as select x * 10 as y from s.t',
            'create view s.v2 as select y + 1 as z from s.v1',
        )
        rels = [{'schema': 's', 'name': n} for n in ('t', 'v2', 'v1')]
        stats = self.merge(base, [{'file': shard, 'relations': rels}])
        self.assertEqual((stats['tables'], stats['views'], stats['failedViews'], stats['missing']), (1, 2, [], []))
        self.assertEqual(self.rows(base, 'select z from s.v2 order by z'), [(11,), (21,)])

    def test_a_relation_the_shard_lacks_is_reported_missing(self):
        base = self.db('base')
        shard = self.db('shard', 'create schema s')
        stats = self.merge(base, [{'file': shard, 'relations': [{'schema': 's', 'name': 'gone'}]}])
        self.assertEqual(stats['missing'], [{'file': shard, 'schema': 's', 'name': 'gone'}])
        self.assertEqual(stats['tables'], 0)

    def test_a_view_that_became_a_table_replaces_it(self):
        base = self.db('base', 'create schema s', 'create view s.m as select 1 as x')
        shard = self.db('shard', 'create schema s', 'create table s.m as select 2 as x')
        self.merge(base, [{'file': shard, 'relations': [{'schema': 's', 'name': 'm'}]}])
        self.assertEqual(
            self.rows(base, "select table_type from information_schema.tables where table_name = 'm'"),
            [('BASE TABLE',)],
        )
        self.assertEqual(self.rows(base, 'select x from s.m'), [(2,)])

    def test_a_view_whose_input_is_missing_is_reported_not_raised(self):
        base = self.db('base')
        shard = self.db(
            'shard', 'create schema s', 'create table s.t as select 1 as x', 'create view s.v as select * from s.t'
        )
        stats = self.merge(base, [{'file': shard, 'relations': [{'schema': 's', 'name': 'v'}]}])
        self.assertEqual(stats['views'], 0)
        self.assertEqual([v['name'] for v in stats['failedViews']], ['s.v'])
        self.assertNotEqual(stats['failedViews'][0]['error'], '')

    def test_rows_hooks_add_in_every_shard_are_appended_once(self):
        audit = 'create table main.audit (shard varchar)'
        base = self.db('base', audit, "insert into main.audit values ('before')")
        # each shard starts from a copy of the base: 'before' is old there, only the shard's rows are new
        one = self.db('one', audit, "insert into main.audit values ('before'), ('s1')")
        two = self.db('two', audit, "insert into main.audit values ('before'), ('s2'), ('s2')")
        stats = self.merge(base, [{'file': one, 'relations': []}, {'file': two, 'relations': []}], owned=[])
        self.assertEqual(stats['hookRows'], 3)
        self.assertEqual(stats['hookErrors'], [])
        self.assertEqual(
            self.rows(base, 'select shard from main.audit order by shard'), [('before',), ('s1',), ('s2',), ('s2',)]
        )

    def test_owned_relations_are_not_treated_as_hook_writes(self):
        base = self.db('base')
        shard = self.db('shard', 'create schema s', 'create table s.model as select 1 as x')
        stats = self.merge(base, [{'file': shard, 'relations': []}], owned=[['S', 'MODEL']])
        self.assertEqual(stats['hookRows'], 0)
        self.assertEqual(
            self.rows(base, "select count(*) from information_schema.tables where table_name = 'model'"), [(0,)]
        )

    def test_a_table_a_hook_creates_in_two_shards_gets_both_shards_rows(self):
        base = self.db('base')
        one = self.db('one', 'create schema h', "create table h.log as select 'a' as v")
        two = self.db('two', 'create schema h', "create table h.log as select 'b' as v")
        stats = self.merge(base, [{'file': one, 'relations': []}, {'file': two, 'relations': []}], owned=[])
        self.assertEqual(stats['hookRows'], 2)
        self.assertEqual(self.rows(base, 'select v from h.log order by v'), [('a',), ('b',)])

    def test_hook_rows_that_do_not_fit_the_base_are_reported(self):
        base = self.db('base', 'create table main.audit (a integer)')
        shard = self.db(
            'shard', 'create table main.audit (a integer, b integer)', 'insert into main.audit values (1, 2)'
        )
        stats = self.merge(base, [{'file': shard, 'relations': []}], owned=[])
        self.assertEqual([e['name'] for e in stats['hookErrors']], ['main.audit'])

    def test_names_and_paths_with_quotes_stay_data(self):
        base = self.db("ba'se")
        shard = self.db("sh'ard", 'create schema "we""ird"', 'create table "we""ird"."t""x" as select 7 as x')
        stats = self.merge(base, [{'file': shard, 'relations': [{'schema': 'we"ird', 'name': 't"x'}]}])
        self.assertEqual(stats['tables'], 1)
        self.assertEqual(self.rows(base, 'select x from "we""ird"."t""x"'), [(7,)])


class CommandLineTest(unittest.TestCase):
    """The program as src/io/duckdb-state.ts runs it: `python -c <text> COMMAND ARGS`."""

    def run_script(self, *args):
        with open(SCRIPT, encoding='utf-8') as f:
            text = f.read()
        return subprocess.run([sys.executable, '-c', text, *args], capture_output=True, text=True)

    def test_create_check_checkpoint_and_merge_from_argv(self):
        with tempfile.TemporaryDirectory() as d:
            base, shard = os.path.join(d, 'base.duckdb'), os.path.join(d, 'shard.duckdb')
            for args in (('create', base), ('check', base), ('checkpoint', base)):
                result = self.run_script(*args)
                self.assertEqual(result.returncode, 0, result.stderr)
            con = duckdb.connect(shard)
            con.execute('create table main.t as select 1 as x')
            con.close()
            spec = json.dumps({'sources': [{'file': shard, 'relations': [{'schema': 'main', 'name': 't'}]}]})
            result = self.run_script('merge', base, spec)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(json.loads(result.stdout.strip().splitlines()[-1])['tables'], 1)

    def test_check_fails_while_another_process_writes(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'busy.duckdb')
            holder = subprocess.Popen(
                [
                    sys.executable,
                    '-c',
                    'import duckdb, sys; c = duckdb.connect(sys.argv[1]); print("open", flush=True); sys.stdin.read()',
                    path,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            try:
                self.assertEqual(holder.stdout.readline().strip(), 'open')
                self.assertNotEqual(self.run_script('check', path).returncode, 0)
            finally:
                holder.stdin.close()
                holder.wait()
                holder.stdout.close()

    def test_an_unknown_command_fails(self):
        result = self.run_script('frobnicate')
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('unknown command frobnicate', result.stderr)


if __name__ == '__main__':
    unittest.main()
