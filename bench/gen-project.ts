/**
 * Generated dbt projects for benchmarks that need real dbt: `models` models in `depth` layers,
 * each reading one model of the layer before (and one of any earlier layer on every third), one
 * not_null test each. The model body is the caller's: `select 1` measures dbt itself, pg_sleep a
 * warehouse that takes known time. The profile reads its connection from the environment.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mulberry32 } from './quality-cases.js';

export interface ProjectSpec {
  dir: string;
  models: number;
  depth: number;
  adapter: 'duckdb' | 'postgres';
  /** the SELECT of model i (refs are added as a CTE the body may ignore) */
  body: (i: number) => string;
  seed?: number;
}

export const modelName = (i: number): string => `m${String(i).padStart(4, '0')}`;

/** Layer of model i: the first `depth` models make one chain, the rest spread over the layers. */
export function layerOf(i: number, depth: number, rand: () => number): number {
  return i < depth ? i : Math.floor(rand() * depth);
}

export async function writeProject(spec: ProjectSpec): Promise<{ parents: string[][] }> {
  const rand = mulberry32(spec.seed ?? 5);
  const layers: number[][] = Array.from({ length: spec.depth }, () => []);
  const parents: string[][] = [];
  await mkdir(path.join(spec.dir, 'models'), { recursive: true });
  const yml: string[] = ['version: 2', 'models:'];
  for (let i = 0; i < spec.models; i++) {
    const layer = layerOf(i, spec.depth, rand);
    const deps = new Set<number>();
    if (layer > 0) {
      const before = layers[layer - 1]!;
      deps.add(before[Math.floor(rand() * before.length)]!);
      if (i % 3 === 0) {
        const l = Math.floor(rand() * layer);
        deps.add(layers[l]![Math.floor(rand() * layers[l]!.length)]!);
      }
    }
    layers[layer]!.push(i);
    parents.push([...deps].map(modelName));
    const refs = [...deps].map((d) => `select 1 as one from {{ ref('${modelName(d)}') }} where false`);
    const sql =
      refs.length > 0
        ? `-- depends on: ${refs.length}\nwith upstream as (${refs.join(' union all ')})\n${spec.body(i)}\n`
        : `${spec.body(i)}\n`;
    await writeFile(path.join(spec.dir, 'models', `${modelName(i)}.sql`), sql);
    yml.push(`  - name: ${modelName(i)}`, '    columns:', '      - name: id', '        data_tests: [not_null]');
  }
  await writeFile(path.join(spec.dir, 'models', 'schema.yml'), `${yml.join('\n')}\n`);
  await writeFile(
    path.join(spec.dir, 'dbt_project.yml'),
    [
      'name: gen',
      "version: '1.0'",
      'profile: gen',
      "model-paths: ['models']",
      'models:',
      '  gen:',
      '    +materialized: table',
      '',
    ].join('\n'),
  );
  const profile =
    spec.adapter === 'duckdb'
      ? ['      type: duckdb', '      path: "{{ env_var(\'DBT_DUCKDB_PATH\') }}"', '      schema: main']
      : [
          '      type: postgres',
          "      host: \"{{ env_var('PGHOST', '127.0.0.1') }}\"",
          "      port: \"{{ env_var('PGPORT', '5432') | as_number }}\"",
          "      user: \"{{ env_var('PGUSER', 'postgres') }}\"",
          "      password: \"{{ env_var('DBT_PG_PASSWORD', '') }}\"",
          "      dbname: \"{{ env_var('PGDATABASE', 'postgres') }}\"",
          "      schema: \"{{ env_var('DBT_SCHEMA', 'gen') }}\"",
        ];
  await writeFile(
    path.join(spec.dir, 'profiles.yml'),
    [
      'gen:',
      '  target: main',
      '  outputs:',
      '    main:',
      ...profile,
      "      threads: \"{{ env_var('DBT_THREADS', '4') | as_number }}\"",
      '',
    ].join('\n'),
  );
  return { parents };
}
