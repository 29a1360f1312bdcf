import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a synthetic dbt manifest (schema v12) of `models` models in layered domains, with two
 * tests per model, a relationships test per fourth model, sources, macros and parent/child maps.
 * Node sizes follow a real manifest (allvue, dbt 1.11: ~5.1 KB per model, ~2.2 KB per test):
 * models carry `padBytes` of raw and of compiled SQL, tests a compiled query, so the ratio of
 * bytes to nodes — what plan time is compared against — is realistic.
 * Streams to disk: a 600 MB manifest never exists as one string here either.
 */
export interface GenerateOptions {
  models: number;
  padBytes?: number;
  macros?: number;
  seed?: number;
}

export async function generateManifest(file: string, opts: GenerateOptions): Promise<{ bytes: number; nodes: number }> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const rand = mulberry32(opts.seed ?? 42);
  const pad = 'select 1 as x -- '.padEnd(opts.padBytes ?? 2300, 'x');
  const layers = 8;
  const perLayer = Math.ceil(opts.models / layers);
  await write(
    '{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json","dbt_version":"1.11.2","project_name":"gen","adapter_type":"duckdb"},"nodes":{',
  );
  let nodes = 0;
  for (let i = 0; i < opts.models; i++) {
    const layer = Math.floor(i / perLayer);
    const domain = `d${i % 12}`;
    const deps: string[] = [];
    if (layer === 0) deps.push(`source.gen.raw.t${i % 50}`);
    else {
      const k = 1 + Math.floor(rand() * 3);
      for (let d = 0; d < k; d++) deps.push(`model.gen.m${Math.floor(rand() * layer * perLayer)}`);
    }
    const id = `model.gen.m${i}`;
    await write(
      `${nodes++ ? ',' : ''}${JSON.stringify(id)}:${JSON.stringify(modelNode(id, `m${i}`, domain, layer, [...new Set(deps)], pad))}`,
    );
    for (const t of ['not_null', 'unique']) {
      const tid = `test.gen.${t}_m${i}_id.${i.toString(16)}`;
      await write(`,${JSON.stringify(tid)}:${JSON.stringify(testNode(tid, t, [id]))}`);
      nodes++;
    }
    if (layer > 0 && i % 4 === 0) {
      const other = deps[0]!;
      const tid = `test.gen.relationships_m${i}.${i.toString(16)}`;
      await write(`,${JSON.stringify(tid)}:${JSON.stringify(testNode(tid, 'relationships', [id, other]))}`);
      nodes++;
    }
  }
  await write('},"sources":{');
  for (let s = 0; s < 50; s++) {
    const id = `source.gen.raw.t${s}`;
    await write(
      `${s ? ',' : ''}${JSON.stringify(id)}:${JSON.stringify({ unique_id: id, resource_type: 'source', name: `t${s}`, source_name: 'raw', package_name: 'gen', fqn: ['gen', 'raw', `t${s}`], path: 'models/sources.yml', original_file_path: 'models/sources.yml', tags: [], config: { enabled: true } })}`,
    );
  }
  await write('},"macros":{');
  for (let m = 0; m < (opts.macros ?? 500); m++) {
    const id = `macro.gen.mac${m}`;
    await write(
      `${m ? ',' : ''}${JSON.stringify(id)}:${JSON.stringify({ unique_id: id, name: `mac${m}`, macro_sql: pad, depends_on: { macros: [] } })}`,
    );
  }
  // parent_map / child_map: real manifests carry both (about 5% of the file); the reader skips them
  await write('},"exposures":{},"unit_tests":{},"parent_map":{');
  for (let i = 0; i < opts.models; i++)
    await write(`${i ? ',' : ''}"model.gen.m${i}":["model.gen.m${Math.max(0, i - 1)}"]`);
  await write('},"child_map":{');
  for (let i = 0; i < opts.models; i++)
    await write(`${i ? ',' : ''}"model.gen.m${i}":["model.gen.m${i + 1}","test.gen.not_null_m${i}_id"]`);
  await write('},"disabled":{}}\n');
  out.end();
  await once(out, 'finish');
  return { bytes, nodes: nodes + 50 };
}

function modelNode(id: string, name: string, domain: string, layer: number, deps: string[], pad: string): object {
  return {
    unique_id: id,
    resource_type: 'model',
    name,
    package_name: 'gen',
    fqn: ['gen', domain, `layer${layer}`, name],
    path: `${domain}/layer${layer}/${name}.sql`,
    original_file_path: `models/${domain}/layer${layer}/${name}.sql`,
    tags: [domain, `layer${layer}`],
    config: { enabled: true, materialized: layer === 0 ? 'view' : 'table', tags: [domain] },
    depends_on: { nodes: deps, macros: [] },
    checksum: { name: 'sha256', checksum: id },
    raw_code: pad,
    compiled_code: pad,
    relation_name: `"db"."main"."${name}"`,
    description: '',
    columns: {},
  };
}

function testNode(id: string, test: string, parents: string[]): object {
  return {
    unique_id: id,
    resource_type: 'test',
    name: id.split('.')[2],
    package_name: 'gen',
    fqn: ['gen', id.split('.')[2]],
    path: `${id.split('.')[2]}.sql`,
    original_file_path: 'models/schema.yml',
    tags: [],
    config: { enabled: true, severity: 'ERROR' },
    depends_on: { nodes: parents, macros: [`macro.dbt.test_${test}`] },
    test_metadata: { name: test, namespace: null, kwargs: {} },
    attached_node: parents[0],
    checksum: { name: 'none', checksum: '' },
    raw_code: '{{ test_' + test + '(**_dbt_generic_test_kwargs) }}',
    compiled_code: TEST_SQL,
    column_name: 'id',
    description: '',
    columns: {},
    meta: {},
    docs: { show: true, node_color: null },
  };
}

const TEST_SQL = `
with child as (
    select id as from_field
    from "db"."main"."child"
    where id is not null
),
parent as (
    select id as to_field
    from "db"."main"."parent"
)
select
    from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null
`.repeat(4);

/** A small seeded PRNG: the same seed gives the same manifest and the same timing draws. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
