/**
 * One manifest validation whatever the size: the whole-file reader (under 32 MiB) and the
 * streaming one (from 32 MiB; forced here with streamFromBytes 0, and once with a real 32 MiB
 * file) refuse and accept the same documents, with the same one-line messages.
 */
import { mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/core/errors.js';
import { readManifest, STREAM_FROM_BYTES } from '../../src/io/manifest-reader.js';
import { tinyManifest } from '../helpers/tiny-manifest.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'manifest-validation-'));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const good = JSON.stringify(tinyManifest());
const without = (key: string): string => {
  const m = tinyManifest();
  delete m[key];
  return JSON.stringify(m);
};
const withSection = (key: string, value: unknown): string => JSON.stringify({ ...tinyManifest(), [key]: value });
/** the first node with one more field (or a field replaced) */
const withNodeField = (field: string, value: unknown): string => {
  const m = tinyManifest();
  const nodes = m['nodes'] as Record<string, Record<string, unknown>>;
  nodes['model.tiny.a']![field] = value;
  return JSON.stringify(m);
};
/** the one `@` in a JSON text replaced by a raw (unescaped) character */
const rawIn = (json: string, char: string): string => {
  expect(json.split('@')).toHaveLength(2);
  return json.replace('@', char);
};

/** `raw` (a value's JSON text, not checked) as the value at `"@"`: deep in a skipped section or a left-out field */
const rawValue = (json: string, raw: string): string => {
  expect(json.split('"@"')).toHaveLength(2);
  return json.replace('"@"', raw);
};
const deepInMacros = (raw: string): string => rawValue(withSection('macros', { m: { x: { y: '@' } } }), raw);
const inLeftOutField = (raw: string): string => rawValue(withNodeField('raw_code_parts', { meta: ['@'] }), raw);
/** values the streaming reader skips, which JSON.parse refuses (or accepts) all the same */
const deepValues: Array<[string, boolean]> = [
  ['tru', false],
  ['nul', false],
  ['01', false],
  ['-01', false],
  ['@@', false],
  ['-', false],
  ['1.', false],
  ['1e', false],
  ['1e+', false],
  ['.5', false],
  ['+1', false],
  ['[1,,2]', false],
  ['[1,]', false],
  ['[,1]', false],
  ['{"a" 1}', false],
  ['{"a":1,}', false],
  ['{"a":1 "b":2}', false],
  ['{1:2}', false],
  ['[1 2]', false],
  ['[1}', false],
  ['[[1]', false],
  ['[1]]', false],
  ['truex', false],
  ['-0.5e+10', true],
  ['[0, -0, 1E-2, 10.25e3, true, false, null, [], {}, {"a": [{"b": null}]}]', true],
];

const cases: Array<[string, string, RegExp | null]> = [
  ['a good manifest', good, null],
  ['white space around it', `\n\t ${good} \r\n`, null],
  ['empty nodes', withSection('nodes', {}), null],
  ['trailing garbage', `${good} garbage`, /not valid JSON/],
  ['a second document', `${good}{}`, /not valid JSON/],
  ['a trailing comma-and-value', `${good},1`, /not valid JSON/],
  ['leading garbage', `x${good}`, /not valid JSON/],
  ['a byte-order mark', `\ufeff${good}`, /not valid JSON/],
  ['an extra closing brace', `${good}}`, /not valid JSON/],
  ['"nodes": []', withSection('nodes', []), /has no "nodes" object/],
  ['no nodes', without('nodes'), /has no "nodes" object/],
  ['"nodes": null', withSection('nodes', null), /has no "nodes" object/],
  ['"nodes": 5', withSection('nodes', 5), /has no "nodes" object/],
  ['"sources": []', withSection('sources', []), /has "sources" as a list/],
  ['a truncated file', good.slice(0, -3), /not valid JSON/],
  // strings the streaming reader skips or leaves out (other sections, fields no plan reads,
  // keys) must follow the rules JSON.parse applies to every string
  [
    'a raw newline in a skipped section',
    rawIn(withSection('macros', { m: { macro_sql: 'a@b' } }), '\n'),
    /not valid JSON/,
  ],
  [
    'a raw NUL in a field the reader leaves out',
    rawIn(withNodeField('raw_code', 'select @1'), '\u0000'),
    /not valid JSON/,
  ],
  ['a raw tab in a kept field', rawIn(withNodeField('name', 'a@'), '\t'), /not valid JSON/],
  ['a raw ESC in a section name', rawIn(withSection('x@y', {}), '\u001b'), /not valid JSON/],
  ['a raw U+001F in an entry key', rawIn(withSection('docs', { 'doc.a@': {} }), '\u001f'), /not valid JSON/],
  [
    'a raw carriage return in the metadata',
    rawIn(
      JSON.stringify({ ...tinyManifest(), metadata: { ...(tinyManifest()['metadata'] as object), env: 'a@' } }),
      '\r',
    ),
    /not valid JSON/,
  ],
  [
    'DEL and escaped control characters (JSON allows both)',
    rawIn(withSection('macros', { m: { macro_sql: '\u0000\n\u001f@' } }), '\u007f'),
    null,
  ],
  [
    'an unknown escape in a skipped string',
    withSection('macros', { m: { macro_sql: 'a@b' } }).replace('@', '\\q'),
    /not valid JSON/,
  ],
  ['a short \\u escape in a left-out field', withNodeField('raw_code', 'a@"').replace('@', '\\u12'), /not valid JSON/],
  [
    'a \\u escape with a non-hex digit',
    withSection('docs', { d: { block_contents: 'a@' } }).replace('@', '\\u00g0'),
    /not valid JSON/,
  ],
  [
    'every escape JSON has, in a skipped string',
    withSection('docs', { d: { block_contents: '@' } }).replace(
      '@',
      '\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE80 \\uABCD',
    ),
    null,
  ],
  ...deepValues.flatMap(([raw, ok]): Array<[string, string, RegExp | null]> => [
    [`${raw} deep in a skipped section`, deepInMacros(raw), ok ? null : /not valid JSON/],
    [`${raw} in a left-out field`, inLeftOutField(raw), ok ? null : /not valid JSON/],
  ]),
];

async function outcome(file: string, streamFromBytes?: number): Promise<string> {
  try {
    const m = await readManifest(file, streamFromBytes === undefined ? {} : { streamFromBytes });
    return `accepted ${m.nodes.size} nodes`;
  } catch (err) {
    if (!isUserError(err)) throw err;
    expect(err.message.split('\n')).toHaveLength(1);
    return `refused: ${err.message.replace(/\(.*\)/, '(…)')}`;
  }
}

describe('whole-file and streamed reading agree', () => {
  it.each(cases)('%s', async (name, text, refused) => {
    const file = path.join(tmp, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, text);
    const whole = await outcome(file);
    const streamed = await outcome(file, 0);
    if (refused === null) expect(whole).toMatch(/^accepted/);
    else expect(whole).toMatch(refused);
    // the reason in brackets may differ (JSON.parse's words vs the scanner's), the verdict may not
    expect(streamed.replace(/is not valid JSON.*/, 'is not valid JSON')).toBe(
      whole.replace(/is not valid JSON.*/, 'is not valid JSON'),
    );
  });

  it('a real 32 MiB manifest with trailing garbage is refused like a small one', async () => {
    const m = tinyManifest();
    // padding in a field the reader leaves out, so the file crosses the streaming threshold
    (m as Record<string, unknown>)['macros'] = { pad: { text: 'x'.repeat(STREAM_FROM_BYTES) } };
    const file = path.join(tmp, 'large-garbage.json');
    writeFileSync(file, `${JSON.stringify(m)}\ngarbage`);
    expect((await fs.stat(file)).size).toBeGreaterThanOrEqual(STREAM_FROM_BYTES);
    expect(await outcome(file)).toMatch(/refused: --manifest: .* is not valid JSON/);
    writeFileSync(file, JSON.stringify({ ...m, nodes: [] }));
    expect(await outcome(file)).toMatch(/has no "nodes" object/);
  });
});
