import { describe, expect, it } from 'vitest';
import { isUserError, UserError } from '../../src/core/errors.js';
import {
  RESERVED_VARS,
  buildDbtVars,
  dispatchInputsToForward,
  formatArray,
  parseExtraVars,
  secretVarValues,
} from '../../src/core/vars/index.js';

function userError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('parseExtraVars', () => {
  it('blank or comment-only text is no vars', () => {
    expect(parseExtraVars(undefined, '--vars')).toEqual({});
    expect(parseExtraVars('', '--vars')).toEqual({});
    expect(parseExtraVars('  \n ', '--vars')).toEqual({});
    expect(parseExtraVars('# nothing yet\n', '--vars')).toEqual({});
  });

  it('reads JSON objects', () => {
    expect(parseExtraVars('{"region": "eu", "ids": [1, 2], "cfg": {"a": true}}', '--vars')).toEqual({
      region: 'eu',
      ids: [1, 2],
      cfg: { a: true },
    });
  });

  it('reads YAML objects, block and flow', () => {
    expect(parseExtraVars('region: eu\ncountries:\n  - DE\n  - FR\nlimit: 10\n', '--vars')).toEqual({
      region: 'eu',
      countries: ['DE', 'FR'],
      limit: 10,
    });
    expect(parseExtraVars('{region: eu, countries: [DE, FR]}', '--vars')).toEqual({
      region: 'eu',
      countries: ['DE', 'FR'],
    });
  });

  it('keeps YAML 1.2 core scalars: yes/on and dates stay strings', () => {
    expect(parseExtraVars('a: yes\nb: on\nc: 2024-01-15\nd: true\ne: null\nf: "007"', '--vars')).toEqual({
      a: 'yes',
      b: 'on',
      c: '2024-01-15',
      d: true,
      e: null,
      f: '007',
    });
  });

  it('keeps unicode, quotes, $() and newlines unchanged', () => {
    const text = JSON.stringify({
      name: 'Zürich 東京 🚀',
      sql: `it's "quoted"`,
      cmd: '$(rm -rf /) `id`',
      multi: 'line1\nline2',
    });
    expect(parseExtraVars(text, '--vars')).toEqual(JSON.parse(text));
  });

  it('a "__proto__" key stays a plain key and pollutes nothing', () => {
    const vars = parseExtraVars('{"__proto__": {"polluted": 1}, "x": 1}', '--vars');
    expect(Object.keys(vars)).toContain('__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const built = buildDbtVars({ start: 's', end: 'e', overlap: false, extra: vars, arrayFormat: 'compat' });
    expect(Object.getPrototypeOf(built)).toBe(Object.prototype);
    expect(Object.keys(built)).toContain('__proto__');
  });

  it.each([
    ['a list', '[1, 2]', /^--vars: got "\[1, 2\]", expected a YAML or JSON object.*not a list$/],
    ['a string', 'just text', /not a string$/],
    ['a number', '42', /not a number$/],
    ['null', 'null', /not null$/],
    ['broken JSON', '{"a": ', /^--vars: got .*expected a YAML or JSON object/],
    ['duplicate keys', 'a: 1\na: 2', /^--vars: .*expected a YAML or JSON object.*keys must be unique/],
    ['NaN', 'a: .nan', /^--vars: got NaN at a, expected a finite number/],
    ['Infinity nested', 'a: {b: [1, .inf]}', /^--vars: got Infinity at a\.b\[1\]/],
  ])('rejects %s with one line naming the input', (_name, text, message) => {
    expect(userError(() => parseExtraVars(text, '--vars'))).toMatch(message);
  });

  it('names the input it was given and shortens long values', () => {
    const message = userError(() => parseExtraVars(`[${'"x",'.repeat(100)}"y"]`, 'vars'));
    expect(message).toMatch(/^vars: got "\[.*…", expected a YAML or JSON object/);
    expect(message.length).toBeLessThan(400);
  });
});

describe('formatArray', () => {
  it('compat: JSON-quoted strings, bare numbers, ("") for empty', () => {
    expect(formatArray(['a', 'b', 'c'], 'compat')).toBe('("a","b","c")');
    expect(formatArray([1, 2.5, -3], 'compat')).toBe('(1,2.5,-3)');
    expect(formatArray(['a', 1, true, null], 'compat')).toBe('("a",1,true,null)');
    expect(formatArray([], 'compat')).toBe('("")');
  });

  it('compat: quotes and backslashes escaped as JSON, unicode unchanged', () => {
    expect(formatArray(['say "hi"', 'back\\slash', 'Zürich', '東京'], 'compat')).toBe(
      '("say \\"hi\\"","back\\\\slash","Zürich","東京")',
    );
    expect(formatArray(["O'Brien"], 'compat')).toBe(`("O'Brien")`);
  });

  it('sql: single quotes doubled, bare numbers, TRUE/FALSE/NULL, (NULL) for empty', () => {
    expect(formatArray(['a', 'b'], 'sql')).toBe("('a','b')");
    expect(formatArray(["O'Brien", "it''s"], 'sql')).toBe("('O''Brien','it''''s')");
    expect(formatArray([1, 2.5, true, false, null], 'sql')).toBe('(1,2.5,TRUE,FALSE,NULL)');
    expect(formatArray([], 'sql')).toBe('(NULL)');
    expect(formatArray(['Zürich', 'say "hi"', '$(id)\nnext'], 'sql')).toBe(`('Zürich','say "hi"','$(id)\nnext')`);
  });

  it('sql: nested arrays become nested tuples, objects their quoted JSON text', () => {
    expect(
      formatArray(
        [
          [1, 'a'],
          [2, 'b'],
        ],
        'sql',
      ),
    ).toBe("((1,'a'),(2,'b'))");
    expect(formatArray([{ k: "v'" }], 'sql')).toBe(`('{"k":"v''"}')`);
  });

  it('a non-finite number is a UserError, not a silent null', () => {
    expect(userError(() => formatArray([Number.NaN], 'compat'))).toMatch(/finite number/);
    expect(userError(() => formatArray([Infinity], 'sql'))).toMatch(/finite number/);
  });
});

describe('buildDbtVars', () => {
  const base = { start: '2024-01-15T00:00:00+00:00', end: '2024-01-16T00:00:00+00:00', overlap: false };

  it('puts the interval first, then forwarded inputs and extra vars', () => {
    const vars = buildDbtVars({ ...base, extra: { region: 'eu' }, forwarded: { env: 'prod' }, arrayFormat: 'compat' });
    expect(vars).toEqual({ start_dttm: base.start, end_dttm: base.end, overlap: false, env: 'prod', region: 'eu' });
    expect(Object.keys(vars).slice(0, 3)).toEqual([...RESERVED_VARS]);
  });

  it('extra vars win over forwarded inputs of the same name', () => {
    expect(
      buildDbtVars({ ...base, extra: { env: 'dev' }, forwarded: { env: 'prod' }, arrayFormat: 'compat' })['env'],
    ).toBe('dev');
  });

  it('turns top-level arrays into tuple strings; everything else passes as is', () => {
    const vars = buildDbtVars({
      ...base,
      extra: {
        ids: [1, 2],
        names: ["O'Brien"],
        none: [],
        cfg: { list: ['a'] },
        n: 3,
        flag: true,
        nothing: null,
        text: 'a "b" $(c)\n',
      },
      arrayFormat: 'sql',
    });
    expect(vars).toMatchObject({
      ids: '(1,2)',
      names: "('O''Brien')",
      none: '(NULL)',
      cfg: { list: ['a'] },
      n: 3,
      flag: true,
      nothing: null,
      text: 'a "b" $(c)\n',
    });
    expect(buildDbtVars({ ...base, extra: { ids: ['a', 'b'], none: [] }, arrayFormat: 'compat' })).toMatchObject({
      ids: '("a","b")',
      none: '("")',
    });
  });

  it('survives the trip to dbt: one JSON argv element that parses back to the same object', () => {
    const vars = buildDbtVars({ ...base, extra: { q: `'"\\$(x)\n🚀` }, arrayFormat: 'compat' });
    expect(JSON.parse(JSON.stringify(vars))).toEqual(vars);
  });

  it.each(RESERVED_VARS.map((name) => [name]))(
    'a reserved name %s in extra vars is a UserError naming --vars',
    (name) => {
      expect(userError(() => buildDbtVars({ ...base, extra: { [name]: 'x' }, arrayFormat: 'compat' }))).toMatch(
        new RegExp(`^--vars: got the key "${name}"`),
      );
    },
  );

  it('a reserved name among forwarded inputs is a UserError naming the input', () => {
    expect(
      userError(() => buildDbtVars({ ...base, extra: {}, forwarded: { overlap: 'true' }, arrayFormat: 'compat' })),
    ).toMatch(/^workflow_dispatch input "overlap": .*--forward-inputs false/);
  });
});

describe('dispatchInputsToForward', () => {
  it('drops the interval inputs and empty values, keeps the rest untouched', () => {
    const inputs = {
      start_dttm: '2024-01-01',
      end_dttm: '2024-01-02',
      region: 'eu',
      empty: '',
      full_refresh: false,
      note: ' ',
      count: '3',
    };
    expect(dispatchInputsToForward(inputs)).toEqual({ region: 'eu', full_refresh: false, note: ' ', count: '3' });
  });

  it('feeds buildDbtVars without tripping the reserved-name check', () => {
    const forwarded = dispatchInputsToForward({ start_dttm: '2024-01-01', end_dttm: '2024-01-02', models: 'a' });
    expect(buildDbtVars({ start: 's', end: 'e', overlap: false, extra: {}, forwarded, arrayFormat: 'compat' })).toEqual(
      { start_dttm: 's', end_dttm: 'e', overlap: false, models: 'a' },
    );
  });
});

describe('hostile --vars', () => {
  const refused = (text: string): string => {
    try {
      parseExtraVars(text, '--vars');
    } catch (err) {
      expect(isUserError(err)).toBe(true);
      expect((err as Error).message).not.toMatch(/\n/);
      return (err as Error).message;
    }
    throw new Error(`accepted: ${text.slice(0, 80)}`);
  };
  const laughs = [
    'a: &a [x,x,x,x,x,x,x,x,x]',
    ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
  ].join('\n');

  it.each([
    ['a recursive alias in a list', 'a: &a [*a]', /--vars: /],
    ['a recursive alias in a mapping', 'a: &a {b: *a}', /--vars: /],
    ['a billion laughs', laughs, /--vars: .*expected a YAML or JSON object/],
    ['a list 2,000 deep', `a: ${'['.repeat(2000)}${']'.repeat(2000)}`, /--vars: /],
    ['a JSON object 2,000 deep', `{"a":${'{"b":'.repeat(2000)}1${'}'.repeat(2001)}`, /--vars: /],
  ])('%s: one line naming --vars, no stack overflow', (_name, text, why) => {
    expect(refused(text)).toMatch(why);
  });

  it('vars 64 levels deep still pass', () => {
    expect(parseExtraVars(`a: ${'['.repeat(63)}1${']'.repeat(63)}`, '--vars')).toHaveProperty('a');
  });
});

describe('secret-looking --vars keys', () => {
  it('their values, at any depth, are collected for redaction; other values are not', () => {
    const vars = {
      api_token: 'tok-123456',
      db: { password: 'pw-abcdef', host: 'h' },
      keys: ['k1-xyz', 'k2-xyz'],
      name: 'visible',
      port: 5432,
      SecretNumber: 123456,
    };
    expect(secretVarValues(vars).sort()).toEqual(['123456', 'k1-xyz', 'k2-xyz', 'pw-abcdef', 'tok-123456']);
  });
});
