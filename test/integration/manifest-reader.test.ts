import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest, readManifest as readManifestWith } from '../../src/io/manifest-reader.js';

const REAL = path.resolve(__dirname, '../fixtures/real-manifests');
const realManifests = readdirSync(REAL).filter((f) => f.endsWith('manifest.json'));
const tmp = mkdtempSync(path.join(tmpdir(), 'manifest-reader-'));

describe('readManifest on real manifests', () => {
  it.each(realManifests)('%s: every node, source, exposure and unit test, as JSON.parse sees them', async (name) => {
    const file = path.join(REAL, name);
    const m = await readManifest(file);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    const ids = ['nodes', 'sources', 'exposures', 'unit_tests', 'functions'].flatMap((s) => Object.keys(j[s] ?? {}));
    expect([...m.nodes.keys()].sort()).toEqual(ids.sort());
    expect(m.metadata.dbtVersion).toBe(j.metadata.dbt_version);
    // the streaming path (used from 32 MiB up) reads exactly the same manifest
    expect(await readManifest(file, { streamFromBytes: 0 })).toEqual(m);
    for (const [id, node] of m.nodes) {
      const raw = j.nodes[id] ?? j.sources[id] ?? j.exposures?.[id] ?? j.unit_tests?.[id] ?? j.functions?.[id];
      expect(node.resourceType).toBe(raw.resource_type);
      expect(node.dependsOn).toEqual(raw.depends_on?.nodes ?? []);
      expect(node.originalFilePath).toBe(raw.original_file_path);
    }
  });
});

describe.each([
  ['parsed whole', {}],
  ['streamed', { streamFromBytes: 0 }],
])('readManifest (%s) rejects bad input with one clear line', (_name, opts) => {
  const readManifest = (file: string) => readManifestWith(file, opts);
  const write = (name: string, text: string): string => {
    const f = path.join(tmp, `${_name.replace(' ', '-')}-${name}`);
    writeFileSync(f, text);
    return f;
  };
  const meta = (v: number) =>
    `{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v${v}.json","dbt_version":"9.9.9"},"nodes":{}}`;

  it('missing file', async () => {
    await expect(readManifest(path.join(tmp, 'nope.json'))).rejects.toThrow(
      /^--manifest: cannot read .*nope\.json \(ENOENT\)/,
    );
  });
  it('corrupt JSON', async () => {
    await expect(readManifest(write('corrupt.json', meta(12).slice(0, 40)))).rejects.toThrow(
      /^--manifest: .* is not valid JSON/,
    );
  });
  it('a newer schema than supported', async () => {
    await expect(readManifest(write('v13.json', meta(13)))).rejects.toThrow(
      /manifest v13 \(dbt 9\.9\.9\), newer than the v12/,
    );
  });
  it('an older schema than supported', async () => {
    await expect(readManifest(write('v3.json', meta(3)))).rejects.toThrow(/older than v4/);
  });
  it('not a manifest at all', async () => {
    await expect(readManifest(write('other.json', '{"results": []}'))).rejects.toThrow(/no "metadata" object/);
  });
  it('a node missing required fields', async () => {
    const text = meta(12).replace('"nodes":{}', '"nodes":{"model.a.b":{"name":"b"}}');
    await expect(readManifest(write('badnode.json', text))).rejects.toThrow(/nodes\.model\.a\.b is not a dbt node/);
  });
});

describe.each([
  ['parsed whole', {}],
  ['streamed', { streamFromBytes: 0 }],
])('readManifest (%s) on what other dbt engines and versions write', (name, opts) => {
  const V = (v: number) => `https://schemas.getdbt.com/dbt/manifest/v${v}.json`;
  // the shape dbt 1.11 writes: UDFs in their own section, and a model calling one depends on it
  const doc = {
    metadata: { dbt_schema_version: V(12), dbt_version: '1.11.16' },
    nodes: {
      'model.p.m': {
        unique_id: 'model.p.m',
        resource_type: 'model',
        name: 'm',
        package_name: 'p',
        fqn: ['p', 'm'],
        depends_on: { macros: [], nodes: ['function.p.double_it'] },
      },
    },
    sources: {},
    functions: {
      'function.p.double_it': {
        unique_id: 'function.p.double_it',
        resource_type: 'function',
        name: 'double_it',
        package_name: 'p',
        fqn: ['p', 'double_it'],
        original_file_path: 'functions/double_it.sql',
        depends_on: { macros: [], nodes: [] },
      },
    },
  };

  const write = (file: string, text: string): string => {
    const f = path.join(tmp, `${name.replace(' ', '-')}-${file}`);
    writeFileSync(f, text);
    return f;
  };
  const readManifest = (file: string) => readManifestWith(file, opts);

  it('dbt 1.11 user-defined functions: read as nodes, so the model keeps its edge to the function', async () => {
    const m = await readManifest(write('udf.json', JSON.stringify(doc)));
    expect(m.nodes.get('function.p.double_it')).toMatchObject({ resourceType: 'function', name: 'double_it' });
    expect(m.nodes.get('model.p.m')?.dependsOn).toEqual(['function.p.double_it']);
  });
  it('dbt Fusion previews label the v12 layout v20: read, not refused as newer', async () => {
    const fusion = JSON.stringify({ ...doc, metadata: { ...doc.metadata, dbt_schema_version: V(20) } }).replace(
      '1.11.16',
      '2.0.0-preview.120',
    );
    const m = await readManifest(write('fusion-v20.json', fusion));
    expect(m.metadata).toMatchObject({ schemaVersion: 20, dbtVersion: '2.0.0-preview.120' });
    await expect(
      readManifest(
        write('v19.json', JSON.stringify({ ...doc, metadata: { ...doc.metadata, dbt_schema_version: V(19) } })),
      ),
    ).rejects.toThrow(/manifest v19 \(dbt 1\.11\.16\), newer than the v12/);
  });
});
