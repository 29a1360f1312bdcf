"""Tests of src/io/profile_render.py as Python, with the jinja2 that dbt brings.

Run by test/integration/python-helpers.test.ts with the other Python tests.
"""

import json
import os
import subprocess
import sys
import unittest
from unittest import mock

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'io', 'profile_render.py')
sys.path.insert(0, os.path.dirname(SCRIPT))
import profile_render  # noqa: E402  (found through the path above)


class RenderTest(unittest.TestCase):
    def test_env_var_reads_the_environment_and_falls_back_to_its_default(self):
        with mock.patch.dict(os.environ, {'DBT_MATRIX_T_PATH': 'warehouse.duckdb'}, clear=False):
            result = profile_render.render(
                {
                    'path': "{{ env_var('DBT_MATRIX_T_PATH') }}",
                    'target': "{{ env_var('DBT_MATRIX_T_UNSET', 'dev') }}",
                }
            )
        self.assertEqual(result, {'values': {'path': 'warehouse.duckdb', 'target': 'dev'}, 'errors': {}})

    def test_a_missing_env_var_without_default_is_an_error_naming_it(self):
        os.environ.pop('DBT_MATRIX_T_UNSET', None)
        result = profile_render.render({'path': "{{ env_var('DBT_MATRIX_T_UNSET') }}"})
        self.assertEqual(result['values'], {})
        self.assertIn("Env var required but not provided: 'DBT_MATRIX_T_UNSET'", result['errors']['path'])

    def test_dbt_filters_and_var_render_as_dbt_renders_them(self):
        result = profile_render.render(
            {
                'threads': "{{ '4' | as_number }}",
                'flag': "{{ 'true' | as_bool }}",
                'schema': "{{ var('schema', 'analytics') }}",
            }
        )
        self.assertEqual(result['values'], {'threads': '4', 'flag': 'true', 'schema': 'analytics'})

    def test_an_undefined_name_is_an_error_not_an_empty_string(self):
        result = profile_render.render({'path': '{{ nope }}'})
        self.assertIn('nope', result['errors']['path'])

    def test_the_program_reads_stdin_and_writes_one_json_line(self):
        with open(SCRIPT, encoding='utf-8') as f:
            text = f.read()
        env = {**os.environ, 'DBT_MATRIX_T_DB': 'x.duckdb'}
        spec = json.dumps({'values': {'path': "{{ env_var('DBT_MATRIX_T_DB') }}", 'bad': '{% if %}'}})
        done = subprocess.run([sys.executable, '-c', text], input=spec, capture_output=True, text=True, env=env)
        self.assertEqual(done.returncode, 0, done.stderr)
        out = json.loads(done.stdout.strip().splitlines()[-1])
        self.assertEqual(out['values'], {'path': 'x.duckdb'})
        self.assertEqual(list(out['errors']), ['bad'])


if __name__ == '__main__':
    unittest.main()
