/**
 * src/io/duckdb-state-script.ts is generated from src/io/duckdb_state.py by `npm run build`: a
 * stale copy would run old Python in every test and bundle, so the suite fails until it is rebuilt.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { embeddedModule } from '../../scripts/embed-python.mjs';
import { DUCKDB_STATE_SCRIPT } from '../../src/io/duckdb-state-script.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const python = readFileSync(path.join(root, 'src', 'io', 'duckdb_state.py'), 'utf8');

describe('the embedded DuckDB helper', () => {
  it('is the text of src/io/duckdb_state.py (else run `npm run build`)', () => {
    expect(DUCKDB_STATE_SCRIPT).toBe(python);
    expect(readFileSync(path.join(root, 'src', 'io', 'duckdb-state-script.ts'), 'utf8')).toBe(embeddedModule(python));
  });
});
