import { describe, expect, it } from 'vitest';
import { LOCAL_OPTIONS } from '../../src/local/inputs.js';
import { MERGE_OPTIONS } from '../../src/merge/inputs.js';
import { PLAN_OPTIONS } from '../../src/plan/inputs.js';
import { RUN_OPTIONS } from '../../src/run/inputs.js';
import { bool, int, oneOf, text, type Option } from '../../src/shared/options.js';

const LISTS: Array<[string, readonly Option<unknown>[]]> = [
  ['plan', PLAN_OPTIONS],
  ['run', RUN_OPTIONS],
  ['merge', MERGE_OPTIONS],
  ['local', LOCAL_OPTIONS],
];

describe('option declarations', () => {
  it.each(LISTS)('%s: the default shown in help and action.yml is the one the parser applies', (_, options) => {
    const shown = options.filter((o) => o.defaultText !== undefined && !o.defaultText.startsWith('${{'));
    expect(shown.length).toBeGreaterThan(0);
    for (const o of shown) expect([o.name, String(o.read({}))]).toEqual([o.name, o.defaultText]);
  });

  it('an unset action input (empty string) means the default; a CLI list takes its last value', () => {
    const n = int({ name: 'n', description: 'n' }, { min: 1, max: 9 }, 3);
    expect(n.read({ n: '' })).toBe(3);
    expect(n.read({ n: ['2', '5'] })).toBe(5);
    expect(() => n.read({ n: '10' })).toThrow(/^--n: got "10", expected a whole number in 1\.\.9$/);
    expect(text({ name: 't', description: 't' }).read({})).toBeNull();
  });

  it('booleans: a bare CLI flag, action strings, one clear line otherwise', () => {
    const b = bool({ name: 'b', description: 'b' }, false);
    expect([b.read({ b: true }), b.read({ b: 'Yes' }), b.read({ b: 'off' }), b.read({})]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(() => b.read({ b: 'maybe' })).toThrow(/^--b: got "maybe", expected true or false$/);
  });

  it('choices are compared trimmed and lower-cased', () => {
    const c = oneOf({ name: 'c', description: 'c' }, ['error', 'warn'] as const, 'error');
    expect(c.read({ c: ' WARN ' })).toBe('warn');
    expect(() => c.read({ c: 'sometimes' })).toThrow(/^--c: got "sometimes", expected one of error, warn$/);
  });
});
