"""Tests of src/io/warm_dbt.py as Python, with the dbt of this virtualenv.

Run by test/integration/python-helpers.test.ts with the other Python tests. The TypeScript side
(src/io/warm-dbt.ts) is tested with a stand-in dbt in test/integration/warm-dbt.test.ts.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src', 'io', 'warm_dbt.py')
DBT = os.path.join(os.path.dirname(sys.executable), 'dbt')


def warm(script, request, modules=()):
    stdin = '' if request is None else json.dumps(request) + '\n'
    return subprocess.run(
        [sys.executable, SCRIPT, script, *modules], input=stdin, capture_output=True, text=True, timeout=120
    )


class WarmDbtTest(unittest.TestCase):
    def test_runs_real_dbt_as_its_console_script_would(self):
        with tempfile.TemporaryDirectory() as cwd:
            env = {**os.environ, 'DBT_SEND_ANONYMOUS_USAGE_STATS': 'false'}
            cold = subprocess.run([DBT, '--version'], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
            ran = warm(DBT, {'args': ['--version'], 'cwd': cwd, 'env': env}, ['dbt.cli.main', 'no.such.module'])
        self.assertEqual(ran.returncode, cold.returncode)
        self.assertEqual(ran.returncode, 0)
        self.assertIn('Core:', ran.stdout)
        self.assertEqual(ran.stdout.splitlines()[:2], cold.stdout.splitlines()[:2])

    def test_passes_dbt_exit_code_argv_folder_and_environment(self):
        with tempfile.TemporaryDirectory() as tmp:
            fake = os.path.join(tmp, 'fake-dbt')
            with open(fake, 'w') as f:
                f.write(
                    'import json, os, sys\n'
                    "print(json.dumps({'argv': sys.argv[1:], 'cwd': os.getcwd(), 'x': os.environ.get('X'),"
                    " 'path0': sys.path[0]}))\n"
                    'sys.exit(7)\n'
                )
            work = os.path.join(tmp, 'work')
            os.mkdir(work)
            ran = warm(fake, {'args': ['build', '--vars', '{"a": 1}'], 'cwd': work, 'env': {'X': 'y'}})
        self.assertEqual(ran.returncode, 7)
        seen = json.loads(ran.stdout)
        self.assertEqual(seen['argv'], ['build', '--vars', '{"a": 1}'])
        self.assertEqual(os.path.realpath(seen['cwd']), os.path.realpath(work))
        self.assertEqual(seen['x'], 'y')
        self.assertEqual(seen['path0'], tmp)  # the script's folder, as `python SCRIPT` has it

    def test_an_empty_stdin_runs_nothing(self):
        ran = warm(DBT, None, ['dbt.cli.main'])
        self.assertEqual((ran.returncode, ran.stdout), (0, ''))


if __name__ == '__main__':
    unittest.main()
