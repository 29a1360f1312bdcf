/**
 * The Python helpers run with dbt's Python (src/io/duckdb_state.py, src/io/profile_render.py,
 * src/io/warm_dbt.py) tested as Python: the unittest suite in test/python/ under the dbt
 * virtualenv's interpreter, with its real dbt, duckdb and jinja2 modules. One vitest test carries the
 * whole Python suite; on failure it shows unittest's report.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DBT_BIN, REPO_ROOT } from '../helpers/dbt.js';

const PYTHON = path.join(path.dirname(DBT_BIN), 'python');

describe('the Python helpers (src/io/*.py)', () => {
  it('pass their Python tests (test/python, run with python -m unittest)', () => {
    const result = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', 'test/python', '-v'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const report = `${result.stderr}${result.error ? String(result.error) : ''}`;
    expect(result.status, report).toBe(0);
    // unittest exits 0 when it finds nothing: the suite must have run
    expect(report).toMatch(/Ran ([1-9]\d*) tests/);
  });
});
