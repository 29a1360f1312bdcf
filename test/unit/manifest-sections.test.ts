import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonSectionSplitter } from '../../src/core/manifest/json-sections.js';

function split(text: string, chunkSize: number): { whole: Record<string, unknown>; entries: Array<[string, string, unknown]> } {
  const whole: Record<string, unknown> = {};
  const entries: Array<[string, string, unknown]> = [];
  const s = new JsonSectionSplitter({
    whole: new Set(['metadata']),
    entries: new Set(['nodes', 'sources']),
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

  it('rejects a truncated file instead of returning fewer nodes', () => {
    const text = JSON.stringify(doc);
    expect(() => split(text.slice(0, text.length - 10), 7)).toThrow(/ends early/);
  });
});
