import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonSectionSplitter } from '../../src/core/manifest/json-sections.js';

function split(text: string, chunkSize: number, drop: string[] = []): { whole: Record<string, unknown>; entries: Array<[string, string, unknown]> } {
  const whole: Record<string, unknown> = {};
  const entries: Array<[string, string, unknown]> = [];
  const s = new JsonSectionSplitter({
    whole: new Set(['metadata']),
    entries: new Set(['nodes', 'sources']),
    dropEntryFields: new Set(drop),
    onWhole: (sec, json) => (whole[sec] = JSON.parse(json)),
    onEntry: (sec, key, json) => entries.push([sec, key, JSON.parse(json)]),
  });
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += chunkSize) s.push(buf.subarray(i, i + chunkSize));
  s.end();
  return { whole, entries };
}

const doc = {
  metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', note: 'a "quoted" } { [ value \\' },
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

  it('hands dropped fields over as null: strings, objects and arrays; scalars and nested names stay', () => {
    const nodes = {
      a: { raw_code: 'select "}" -- \\"', columns: { id: { description: 'x' } }, docs: [1, [2]], description: null, config: { description: 'kept' }, name: 'a' },
      b: { description: 7, raw_code: '', name: 'b' },
    };
    const text = JSON.stringify({ metadata: {}, nodes });
    const expected = [
      ['nodes', 'a', { raw_code: null, columns: null, docs: null, description: null, config: { description: 'kept' }, name: 'a' }],
      ['nodes', 'b', { description: 7, raw_code: null, name: 'b' }],
    ];
    for (let size = 1; size <= 50; size++) {
      const { entries } = split(text, size, ['raw_code', 'columns', 'docs', 'description']);
      // a field name split across two chunks is kept rather than compared: accept either form there
      for (const [i, [, , got]] of entries.entries()) {
        const want = expected[i]![2] as Record<string, unknown>;
        const orig = (nodes as Record<string, Record<string, unknown>>)[expected[i]![1] as string]!;
        for (const [k, v] of Object.entries(got as Record<string, unknown>)) expect([want[k], orig[k]]).toContainEqual(v);
      }
    }
    expect(split(text, 1 << 20, ['raw_code', 'columns', 'docs', 'description']).entries).toEqual(expected);
  });

  it('agrees with JSON.parse, dropped fields as null, on random documents at random chunk sizes', () => {
    const entry = fc.dictionary(fc.constantFrom('raw_code', 'name', 'columns', 'x', 'y'), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), entry), (nodes) => {
        const text = JSON.stringify({ metadata: { v: 1 }, nodes });
        const { entries } = split(text, 1 << 20, ['raw_code', 'columns']);
        const nulled = (e: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(e).map(([k, v]) => [k, ['raw_code', 'columns'].includes(k) && v !== null && typeof v === 'object' || (['raw_code', 'columns'].includes(k) && typeof v === 'string') ? null : v]));
        const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
        const got = entries.map(([, k, v]) => [k, v] as [string, unknown]).sort(byKey);
        const want = Object.entries(JSON.parse(text).nodes as Record<string, Record<string, unknown>>).map(([k, v]) => [k, nulled(v)] as [string, unknown]).sort(byKey);
        expect(got).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps any Unicode intact when characters straddle chunks next to dropped fields', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const entry = fc.record({ name: text, raw_code: text, meta: fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }), columns: fc.dictionary(text, text, { maxKeys: 2 }) });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), entry, { maxKeys: 4 }), fc.integer({ min: 1, max: 48 }), (nodes, size) => {
        const json = JSON.stringify({ metadata: { v: 'é' }, nodes });
        const { whole, entries } = split(json, size, ['raw_code', 'columns']);
        expect(whole['metadata']).toEqual({ v: 'é' });
        const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
        const got = entries.map(([, k, v]) => [k, v] as [string, unknown]).sort(byKey);
        // a dropped field's name split across two chunks is kept: accept the original value there
        // (as JSON has it: -0 comes back as 0)
        const want = Object.entries(JSON.parse(json).nodes as typeof nodes).sort(byKey);
        expect(got.map(([k]) => k)).toEqual(want.map(([k]) => k));
        got.forEach(([, v], i) => {
          const orig = want[i]![1];
          const e = v as typeof orig;
          expect(e.name).toBe(orig.name);
          expect(e.meta).toEqual(orig.meta);
          expect([null, orig.raw_code]).toContainEqual(e.raw_code);
          expect([null, orig.columns]).toContainEqual(e.columns);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('drops fields with names of any length', () => {
    const long = 'a_field_name_longer_than_thirty_one_characters';
    const text = JSON.stringify({ metadata: {}, nodes: { a: { [long]: 'x', b: 'kept', c: { [long]: 'nested: kept' } } } });
    expect(split(text, 1 << 20, [long, 'b_']).entries).toEqual([['nodes', 'a', { [long]: null, b: 'kept', c: { [long]: 'nested: kept' } }]]);
  });

  it('hands over more entries than the scanner logs per call, from one chunk', () => {
    // the WebAssembly scanner's event log holds 16384 events (about 3 per entry): this needs refills
    const nodes = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`n${i}`, { i, raw_code: 'x' }]));
    const { entries } = split(JSON.stringify({ metadata: {}, nodes }), 1 << 30, ['raw_code']);
    expect(entries.length).toBe(20000);
    expect(entries[19999]).toEqual(['nodes', 'n19999', { i: 19999, raw_code: null }]);
  });

  it('keeps an entry larger than the scanner memory, whether it arrives in one chunk or many', () => {
    const big = 'é'.repeat(3 << 20); // 6 MiB of UTF-8, kept (not a dropped field)
    const text = JSON.stringify({ metadata: {}, nodes: { a: { name: big, raw_code: big }, b: { name: 'b' } } });
    for (const size of [1 << 30, 65536, 4093]) {
      const { entries } = split(text, size, ['raw_code']);
      expect(entries.map(([, k, v]) => [k, (v as { name: string }).name.length])).toEqual([['a', big.length], ['b', 1]]);
    }
  });

  it('rejects a closing bracket without an opening one', () => {
    expect(() => split('{"metadata": {}}}', 4)).toThrow(/closing bracket/);
  });

  it('rejects a truncated file instead of returning fewer nodes', () => {
    const text = JSON.stringify(doc);
    expect(() => split(text.slice(0, text.length - 10), 7)).toThrow(/ends early/);
  });
});
