"""A dbt process started ahead of its work, run by the Python interpreter that runs dbt.

Most of a dbt process's start-up is Python importing dbt and its adapter (3-4 CPU seconds of a
6-second `dbt parse` with partial parsing, measured on dbt-core 1.11 + DuckDB). src/io/warm-dbt.ts
starts this program while something else runs (the plan's parse, other shards): it imports those
modules, then waits for one line on stdin, the invocation as JSON: {"args": [...], "cwd": ..., "env":
{...}}. It then runs the dbt executable (SCRIPT, a Python console script) exactly as its own
shebang would, once, with that argv, folder and environment, and exits with dbt's exit code. Every
dbt invocation is still a process of its own (dbt's in-process runner is not thread-safe); only
the imports happened earlier.

argv: SCRIPT MODULE...  (modules that fail to import are left to dbt: it imports what it needs)
An empty stdin (the caller closed it unused) exits 0 without running anything.
"""

import json
import os
import runpy
import sys


def preload(modules):
    for name in modules:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - dbt itself reports what it cannot import
            pass


def main(argv):
    script, modules = argv[0], argv[1:]
    # `python -c` puts the current folder first on the import path, `python SCRIPT` the script's
    # folder: imports must resolve as they would for the script (a shard's folder may hold .py files)
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    preload(modules)
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    request = json.loads(line)
    # dbt reads no stdin; give it what a process started with stdin ignored gets
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.environ.clear()
    os.environ.update(request['env'])
    if request.get('cwd'):
        os.chdir(request['cwd'])
    sys.argv = [script, *request['args']]
    runpy.run_path(script, run_name='__main__')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
