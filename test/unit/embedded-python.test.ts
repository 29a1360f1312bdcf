/**
 * The Python helpers under src/ (*.py) reach the code as generated string modules (*-script.ts,
 * written by `npm run build`): a stale copy would run old Python in every test and bundle, so the
 * suite fails until it is rebuilt.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedModule, embeddedPythonFiles } from '../../scripts/embed-python.mjs';

const helpers = embeddedPythonFiles();

describe('the embedded Python helpers', () => {
  it('finds the helpers', () => {
    expect(helpers.map((h) => path.basename(h.source))).toEqual(expect.arrayContaining(['duckdb_state.py']));
  });

  it.each(helpers.map((h) => [path.basename(h.source), h] as const))(
    '%s is embedded as it is (else run `npm run build`)',
    async (_name, h) => {
      const python = readFileSync(h.source, 'utf8');
      expect(existsSync(h.target), `${h.target} is missing`).toBe(true);
      expect(readFileSync(h.target, 'utf8')).toBe(embeddedModule(h.source, h.constant, python));
      const mod = (await import(h.target)) as Record<string, unknown>;
      expect(mod[h.constant]).toBe(python);
    },
  );
});
