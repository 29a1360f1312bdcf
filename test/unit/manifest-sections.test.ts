import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonSectionSplitter } from '../../src/core/manifest/json-sections.js';

function split(
  text: string,
  chunkSize: number,
  keep?: string[],
): { whole: Record<string, unknown>; entries: Array<[string, string, unknown]> } {
  const whole: Record<string, unknown> = {};
  const entries: Array<[string, string, unknown]> = [];
  const s = new JsonSectionSplitter({
    whole: new Set(['metadata']),
    entries: new Set(['nodes', 'sources']),
    keepEntryFields: keep && new Set(keep),
    onWhole: (sec, json) => (whole[sec] = JSON.parse(json)),
    onEntry: (sec, key, json) => entries.push([sec, key, JSON.parse(json)]),
  });
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += chunkSize) s.push(buf.subarray(i, i + chunkSize));
  s.end();
  return { whole, entries };
}

const doc = {
  metadata: {
    dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
    note: 'a "quoted" } { [ value \\',
  },
  macros: { 'macro.x': { macro_sql: '{% macro x() %}"}"{% endmacro %}', nodes: { fake: 1 } } },
  nodes: {
    'model.p.a': { name: 'a', raw_code: 'select \'}\' as "x\\"y", ünïcödé 🚀', depends_on: { nodes: [] } },
    'model.p.b\\"odd': { name: 'b', list: [[1, 2], { k: ['}'] }], depends_on: { nodes: ['model.p.a'] } },
  },
  sources: {},
  exposures: { 'exposure.p.e': { name: 'e' } },
  parent_map: { 'model.p.a': [] },
};

describe('JsonSectionSplitter', () => {
  it('hands over wanted sections and entries, skipping the rest', () => {
    const { whole, entries } = split(JSON.stringify(doc), 1 << 20);
    expect(whole['metadata']).toEqual(doc.metadata);
    expect(entries.map(([s, k]) => `${s}/${k}`)).toEqual(['nodes/model.p.a', 'nodes/model.p.b\\"odd']);
    expect(entries[1]![2]).toEqual(doc.nodes['model.p.b\\"odd']);
  });

  it('gives the same result for every chunk size (boundaries inside strings, escapes, UTF-8)', () => {
    const text = JSON.stringify(doc, null, 1);
    const expected = split(text, 1 << 20);
    for (let size = 1; size <= 40; size++) expect(split(text, size)).toEqual(expected);
  });

  it('agrees with JSON.parse on random documents at random chunk sizes', () => {
    const entry = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), entry), fc.integer({ min: 1, max: 64 }), (nodes, size) => {
        const text = JSON.stringify({ metadata: { v: 1 }, nodes, other: nodes });
        const { entries } = split(text, size);
        const parsed = JSON.parse(text) as { nodes: Record<string, unknown> };
        // JSON.parse moves integer-like keys first, so compare as sorted pairs
        const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
        const got = entries.map(([, k, v]) => [k, v] as [string, unknown]).sort(byKey);
        expect(got).toEqual(Object.entries(parsed.nodes).sort(byKey));
      }),
      { numRuns: 200 },
    );
  });

  const only = (e: Record<string, unknown>, keep: string[]): Record<string, unknown> =>
    Object.fromEntries(Object.entries(e).filter(([k]) => keep.includes(k)));
  const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

  it('leaves out the fields not kept, whatever their value and place, at every chunk size', () => {
    const nodes = {
      a: {
        raw_code: 'select "}" -- \\"',
        columns: { id: { description: 'x' } },
        docs: [1, [2]],
        description: null,
        config: { description: 'kept' },
        name: 'a',
      },
      b: { description: 7, name: 'b', raw_code: '', n: -1.5e3, t: true, last: 'x' },
      c: { only: 'dropped' },
      d: { name: 'd' },
      e: { x: false, y: null, name: 'e', z: 0 },
    };
    const keep = ['config', 'name'];
    const text = JSON.stringify({ metadata: {}, nodes }, null, 1);
    const expected = Object.entries(nodes).map(([k, v]) => ['nodes', k, only(v, keep)]);
    for (let size = 1; size <= 60; size++) expect(split(text, size, keep).entries).toEqual(expected);
    expect(split(JSON.stringify({ metadata: {}, nodes }), 1 << 20, keep).entries).toEqual(expected);
  });

  it('agrees with JSON.parse, other fields left out, on random documents at random chunk sizes', () => {
    const keep = ['name', 'x'];
    const entry = fc.dictionary(
      fc.constantFrom('raw_code', 'name', 'columns', 'x', 'y'),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), entry),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (nodes, size, pretty) => {
          const text = JSON.stringify({ metadata: { v: 1 }, nodes }, null, pretty ? 2 : undefined);
          const { entries } = split(text, size, keep);
          const got = entries.map(([, k, v]) => [k, v] as [string, unknown]).sort(byKey);
          const want = Object.entries(JSON.parse(text).nodes as Record<string, Record<string, unknown>>)
            .map(([k, v]) => [k, only(v, keep)] as [string, unknown])
            .sort(byKey);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps any Unicode intact when characters straddle chunks next to left-out fields', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const entry = fc.record({
      name: text,
      raw_code: text,
      meta: fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }),
      columns: fc.dictionary(text, text, { maxKeys: 2 }),
    });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), entry, { maxKeys: 4 }),
        fc.integer({ min: 1, max: 48 }),
        (nodes, size) => {
          const json = JSON.stringify({ metadata: { v: 'é' }, nodes });
          const { whole, entries } = split(json, size, ['name', 'meta']);
          expect(whole['metadata']).toEqual({ v: 'é' });
          const got = entries.map(([, k, v]) => [k, v] as [string, unknown]).sort(byKey);
          // as JSON has it: -0 comes back as 0
          const want = Object.entries(JSON.parse(json).nodes as typeof nodes)
            .map(([k, v]) => [k, { name: v.name, meta: v.meta }] as [string, unknown])
            .sort(byKey);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps fields with names of any length, and only at the top of an entry', () => {
    const long = 'a_field_name_longer_than_thirty_one_characters';
    const text = JSON.stringify({
      metadata: {},
      nodes: { a: { [long]: 'x', b: 'dropped', c: { [long]: 'nested: kept with c', b: 1 } } },
    });
    expect(split(text, 1 << 20, [long, 'c', 'b_']).entries).toEqual([
      ['nodes', 'a', { [long]: 'x', c: { [long]: 'nested: kept with c', b: 1 } }],
    ]);
  });

  it('hands over more entries than the scanner logs per call, from one chunk', () => {
    // the WebAssembly scanner's event log holds 16384 events (about 3 per entry): this needs refills
    const nodes = Object.fromEntries(
      Array.from({ length: 20000 }, (_, i) => [`n${i}`, { raw_code: 'x', i, columns: {} }]),
    );
    const { entries } = split(JSON.stringify({ metadata: {}, nodes }), 1 << 30, ['i']);
    expect(entries.length).toBe(20000);
    expect(entries[19999]).toEqual(['nodes', 'n19999', { i: 19999 }]);
  });

  it('keeps an entry larger than the scanner memory, whether it arrives in one chunk or many', () => {
    const big = 'é'.repeat(3 << 20); // 6 MiB of UTF-8, kept (not a dropped field)
    const text = JSON.stringify({ metadata: {}, nodes: { a: { name: big, raw_code: big }, b: { name: 'b' } } });
    for (const size of [1 << 30, 65536, 4093]) {
      const { entries } = split(text, size, ['name']);
      expect(entries.map(([, k, v]) => [k, Object.keys(v as object), (v as { name: string }).name.length])).toEqual([
        ['a', ['name'], big.length],
        ['b', ['name'], 1],
      ]);
    }
  });

  it('rejects a closing bracket without an opening one', () => {
    expect(() => split('{"metadata": {}}}', 4)).toThrow(/closing bracket/);
  });

  it('rejects a truncated file instead of returning fewer nodes', () => {
    const text = JSON.stringify(doc);
    expect(() => split(text.slice(0, text.length - 10), 7)).toThrow(/ends early/);
  });

  it('refuses a raw control character or a bad escape in any string, skipped or kept, at every chunk size', () => {
    const places = ['macros', 'left-out field', 'kept field', 'entry key', 'section key'];
    for (const [bad, message] of [
      ['\u0000', /raw control character/],
      ['\n', /raw control character/],
      ['\u001f', /raw control character/],
      ['\\x', /escape/],
      ['\\u12"', /escape/],
    ] as const) {
      for (const place of places) {
        const text = withString(place, `abcdefghijklmnopqrstuvwxyz-${bad}-0123456789`);
        expect(() => JSON.parse(text)).toThrow();
        for (let size = 1; size <= 40; size++) expect(() => split(text, size, ['name'])).toThrow(message);
        expect(() => split(text, 1 << 20, ['name'])).toThrow(message);
      }
    }
  });

  it('agrees with JSON.parse on strings with raw control characters and escapes of every kind, at random chunk sizes', () => {
    // a string's JSON text from pieces: plain text (escaped as JSON does) or a raw token, good or bad
    const token = fc.constantFrom(
      '\u0000',
      '\t',
      '\n',
      '\u001f',
      '\u007f',
      '\\n',
      '\\u00e9',
      '\\uABcd',
      '\\u12',
      '\\uzzzz',
      '\\q',
      '\\',
      '\\/',
      'é',
      '🚀',
    );
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }).map((t) => JSON.stringify(t).slice(1, -1)),
      token,
    );
    const place = fc.constantFrom('macros', 'left-out field', 'kept field', 'entry key', 'section key');
    fc.assert(
      fc.property(place, fc.array(piece, { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), (where, pieces, size) => {
        const text = withString(where, pieces.join(''));
        let parsed = true;
        try {
          JSON.parse(text);
        } catch {
          parsed = false;
        }
        let streamed = true;
        try {
          split(text, size, ['name']);
        } catch {
          streamed = false;
        }
        expect(streamed).toBe(parsed);
      }),
      { numRuns: 400, seed: 12 },
    );
  });

  it('names the byte where the JSON goes wrong and what was expected, at every chunk size', () => {
    // the value, the bad byte's place in it, the message
    for (const [raw, bad, message] of [
      ['tru ', 3, /number or literal JSON does not have/],
      ['01', 1, /number or literal JSON does not have/],
      ['[1,]', 3, /comma, colon, bracket or value out of place/],
      ['{"a" 1}', 5, /comma, colon, bracket or value out of place/],
    ] as const) {
      const text = withValue('macros', raw); // ASCII: a byte is a character
      const at = text.indexOf(raw) + bad;
      for (let size = 1; size <= 40; size++) {
        expect(() => split(text, size)).toThrow(message);
        expect(() => split(text, size)).toThrow(`malformed JSON at byte ${at} ${JSON.stringify(text[at])}:`);
      }
    }
  });

  it('takes values nested as deep as a real file may be, and says so past 524288 levels', () => {
    const deep = (n: number): string => withValue('macros', '[{"a":'.repeat(n) + '1' + '}]'.repeat(n));
    expect(() => split(deep(5000), 4096)).not.toThrow();
    expect(() => split(deep(300_000), 1 << 20)).toThrow(/nested more than 524288 deep/);
  });

  it('agrees with JSON.parse on values broken at any depth (literals, numbers, commas, colons, brackets), at random chunk sizes', () => {
    // a value's JSON text, then pieces of JSON spliced in at random places: mostly good JSON
    // turned bad (`tru`, `01`, `[1,]`, `{"a" 1}`, a bracket too many), sometimes still good
    const splice = fc.constantFrom(
      'tru',
      'nul',
      'fals',
      'true',
      'null',
      '0',
      '01',
      '-',
      '-0',
      '1.',
      '.5',
      '1e',
      '1e+',
      '2E-3',
      '+1',
      ',',
      ':',
      '[',
      ']',
      '{',
      '}',
      '"k"',
      '"k":',
      ' ',
      '\n',
      'x',
      '@',
    );
    const edit = fc.tuple(fc.nat(), splice, fc.boolean());
    const broken = fc
      .tuple(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), fc.array(edit, { maxLength: 3 }))
      .map(([value, pretty, edits]) => {
        let text = JSON.stringify(value, null, pretty ? 1 : undefined);
        for (const [at, piece, replace] of edits) {
          const k = at % (text.length + 1);
          text = text.slice(0, k) + piece + text.slice(replace ? k + 1 : k);
        }
        return text;
      });
    const place = fc.constantFrom('macros', 'left-out field', 'kept field', 'metadata');
    fc.assert(
      fc.property(place, broken, fc.integer({ min: 1, max: 64 }), (where, raw, size) => {
        const text = withValue(where, raw);
        let parsed: boolean;
        try {
          const m = JSON.parse(text) as { nodes: Record<string, unknown> };
          // a value spliced in may make JSON with another shape: an entry that is no object, which
          // the splitter refuses by design
          parsed = Object.values(m.nodes).every((e) => typeof e === 'object' && e !== null);
        } catch {
          parsed = false;
        }
        let streamed = true;
        try {
          split(text, size, ['name']);
        } catch {
          streamed = false;
        }
        expect(streamed).toBe(parsed);
      }),
      { numRuns: 600, seed: 7 },
    );
  });
});

/** A small manifest with `raw` (a value's JSON text, not checked) as one value in `place`, at depth 4 or more. */
function withValue(place: string, raw: string): string {
  const marker = '"MARKER_7f3a"';
  const nodes: Record<string, unknown> = {
    'model.p.a': { name: 'a', raw_code: 'select 1', depends_on: { nodes: [] } },
  };
  const d: Record<string, unknown> = { metadata: { v: 1 }, macros: { m: { x: 1 } }, nodes, sources: {} };
  const at = { deep: [JSON.parse(marker) as string] };
  if (place === 'macros') d['macros'] = { m: { x: at } };
  else if (place === 'left-out field') nodes['model.p.a'] = { name: 'a', raw_code: at, depends_on: { nodes: [] } };
  else if (place === 'kept field') nodes['model.p.a'] = { name: at, raw_code: 'x' };
  else d['metadata'] = { v: at };
  const text = JSON.stringify(d);
  expect(text.split(marker)).toHaveLength(2);
  return text.replace(marker, raw);
}

/** A small manifest with `raw` (a string's JSON text, not checked) as one string in `place`. */
function withString(place: string, raw: string): string {
  const marker = 'MARKER_7f3a';
  const nodes: Record<string, unknown> = {
    'model.p.a': { name: 'a', raw_code: 'select 1', depends_on: { nodes: [] } },
  };
  const d: Record<string, unknown> = { metadata: { v: 1 }, macros: { m: { macro_sql: 'x' } }, nodes, sources: {} };
  if (place === 'macros') d['macros'] = { m: { macro_sql: marker } };
  else if (place === 'left-out field') nodes['model.p.a'] = { name: 'a', raw_code: marker, depends_on: { nodes: [] } };
  else if (place === 'kept field') nodes['model.p.a'] = { name: marker, raw_code: 'x' };
  else if (place === 'entry key') nodes[marker] = { name: 'b' };
  else d[marker] = { x: 1 };
  const text = JSON.stringify(d);
  expect(text.split(marker)).toHaveLength(2);
  return text.replace(marker, raw);
}
