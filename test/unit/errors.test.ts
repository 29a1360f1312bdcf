import { describe, expect, it } from 'vitest';
import { badInput, UserError } from '../../src/core/errors.js';
import { MAX_SELECTOR_DEPTH, selectorsFromManifest } from '../../src/core/select/selectors-file.js';
import { parseSelectorsYaml } from '../../src/core/select/index.js';

describe('user errors are one printable line', () => {
  it('control bytes from a file or an input are escaped, whatever built the message', () => {
    const e = new UserError(
      `--plan: x.json is not valid JSON (Unexpected token \u0000 in "\u001b[31mred\nline2\r\u2028")`,
    );
    expect(e.message).toBe(
      '--plan: x.json is not valid JSON (Unexpected token \\u0000 in "\\u001b[31mred\\nline2\\r\\u2028")',
    );
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(badInput('--x', 'a\u0007b', 'y').message).toBe('--x: got "a\\u0007b", expected y');
  });
});

describe('selectors nested deeper than anyone writes', () => {
  const nested = (levels: number): unknown => {
    let def: unknown = 'tag:x';
    for (let i = 0; i < levels; i++) def = { union: [def] };
    return def;
  };

  it('a manifest selector nested 2,000 deep is one line naming it, not a stack overflow', () => {
    expect(() => selectorsFromManifest({ deep: { name: 'deep', definition: nested(2000) } }, 'manifest.json')).toThrow(
      new UserError(
        `manifest.json: selector "deep": the definition is nested more than ${MAX_SELECTOR_DEPTH} levels deep; expected a flatter union/intersection`,
      ),
    );
    let excl: unknown = 'tag:x';
    for (let i = 0; i < 2000; i++) excl = { method: 'tag', value: 'y', exclude: [excl] };
    expect(() => selectorsFromManifest({ deep: { name: 'deep', definition: excl } }, 'manifest.json')).toThrow(
      UserError,
    );
  });

  it('selectors.yml nested 2,000 deep, or with a recursive alias, is one line too', () => {
    const yaml = `selectors:\n  - name: deep\n    definition: ${'{union: ['.repeat(2000)}tag:x${']}'.repeat(2000)}`;
    expect(() => parseSelectorsYaml(yaml, 'selectors.yml')).toThrow(UserError);
    expect(() =>
      parseSelectorsYaml('selectors:\n  - name: r\n    definition: &d {union: [*d]}', 'selectors.yml'),
    ).toThrow(UserError);
  });

  it('100 levels still work', () => {
    expect(
      selectorsFromManifest({ ok: { name: 'ok', definition: nested(MAX_SELECTOR_DEPTH) } }, 'm').selectors.has('ok'),
    ).toBe(true);
  });
});
