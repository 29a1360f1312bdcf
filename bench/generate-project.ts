/**
 * A generated DuckDB dbt project for the start-up benchmark: `models` view models in folders of
 * 50, each reading one or two earlier models of its folder and filtering on the interval vars
 * like the example project, with `unique` and `not_null` tests on every model (3 nodes per
 * model: 1,500 models make 4,500 nodes). Written under the bench's temp folder, never committed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTERVAL_MACROS, INTERVAL_MACROS_UNGUARDED } from '../test/helpers/interval-macros.js';

const PER_FOLDER = 50;

export const GENERATED_PROJECT_NAME = 'startup_bench';

/**
 * How models read the interval: the vars, or the README's `--interval-env` macros (`env`), or
 * those macros reading the env vars while parsing too (`env-unguarded`).
 */
export type IntervalReading = 'vars' | 'env' | 'env-unguarded';

export async function generateProject(dir: string, models: number, reading: IntervalReading = 'vars'): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (reading !== 'vars') {
    await mkdir(path.join(dir, 'macros'), { recursive: true });
    await writeFile(
      path.join(dir, 'macros', 'matrix_interval.sql'),
      reading === 'env' ? INTERVAL_MACROS : INTERVAL_MACROS_UNGUARDED,
    );
  }
  await writeFile(
    path.join(dir, 'dbt_project.yml'),
    [
      `name: ${GENERATED_PROJECT_NAME}`,
      'version: "1.0.0"',
      'config-version: 2',
      `profile: ${GENERATED_PROJECT_NAME}`,
      'model-paths: ["models"]',
      'vars:',
      '  start_dttm: "2024-01-01T00:00:00+00:00"',
      '  end_dttm: "2024-01-02T00:00:00+00:00"',
      '  overlap: false',
      'models:',
      `  ${GENERATED_PROJECT_NAME}:`,
      '    +materialized: view',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'profiles.yml'),
    [
      `${GENERATED_PROJECT_NAME}:`,
      '  target: duckdb',
      '  outputs:',
      '    duckdb:',
      '      type: duckdb',
      '      path: "{{ env_var(\'DBT_DUCKDB_PATH\') }}"',
      '      schema: main',
      '      threads: 4',
      '',
    ].join('\n'),
  );
  for (let folder = 0; folder * PER_FOLDER < models; folder++) {
    const folderDir = path.join(dir, 'models', `f${String(folder).padStart(2, '0')}`);
    await mkdir(folderDir, { recursive: true });
    const names: string[] = [];
    for (let i = folder * PER_FOLDER; i < Math.min(models, (folder + 1) * PER_FOLDER); i++) {
      const name = `m${String(i).padStart(4, '0')}`;
      await writeFile(path.join(folderDir, `${name}.sql`), modelSql(names, reading));
      names.push(name);
    }
    const schema = [
      'version: 2',
      'models:',
      ...names.flatMap((n) => [
        `  - name: ${n}`,
        '    columns:',
        '      - name: id',
        '        data_tests: [unique, not_null]',
      ]),
    ];
    await writeFile(path.join(folderDir, 'schema.yml'), `${schema.join('\n')}\n`);
  }
}

/** The first model of a folder is a constant; the others join one or two earlier models of it (SQL that DuckDB and PostgreSQL both run). */
function modelSql(earlier: readonly string[], reading: IntervalReading): string {
  const [start, end] =
    reading === 'vars' ? ['var("start_dttm")', 'var("end_dttm")'] : ['matrix_start_dttm()', 'matrix_end_dttm()'];
  const interval = `where cast('{{ ${start} }}' as timestamptz) < cast('{{ ${end} }}' as timestamptz)`;
  if (earlier.length === 0) return `select id, id * 2 as value from (values (1), (2), (3), (4), (5)) as t (id)\n`;
  const a = earlier[earlier.length - 1]!;
  const b = earlier[Math.floor(earlier.length / 2)]!;
  return `select a.id, a.value + coalesce(b.value, 0) as value\nfrom {{ ref('${a}') }} a\nleft join {{ ref('${b}') }} b using (id)\n${interval}\n`;
}
