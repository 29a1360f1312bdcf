import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';

/**
 * Hand-written manifest nodes for selection tests. Ids follow dbt's shapes
 * (`model.pkg.name`, `source.pkg.src.table`, `test.pkg.name.hash`) so names and packages derive from them.
 */

const PKG = 'shop';

function base(uniqueId: string, resourceType: string, name: string, over: Partial<ManifestNode>): ManifestNode {
  return {
    uniqueId,
    resourceType,
    name,
    packageName: PKG,
    fqn: [PKG, name],
    path: `${name}.sql`,
    originalFilePath: `models/${name}.sql`,
    tags: [],
    config: { enabled: true, materialized: 'view' },
    dependsOn: [],
    checksum: `sum-${name}`,
    testMetadata: null,
    sourceName: null,
    relationName: `"db"."main"."${name}"`,
    ...over,
  };
}

/** A model in `models/<folder>/<name>.sql`; `deps` are unique ids. */
export function model(
  name: string,
  opts: { folder?: string; deps?: string[] } & Partial<ManifestNode> = {},
): ManifestNode {
  const { folder, deps, ...over } = opts;
  const dir = folder ? `${folder}/` : '';
  return base(`model.${PKG}.${name}`, 'model', name, {
    fqn: [PKG, ...(folder ? folder.split('/') : []), name],
    path: `${dir}${name}.sql`,
    originalFilePath: `models/${dir}${name}.sql`,
    dependsOn: deps ?? [],
    ...over,
  });
}

export function seed(name: string, over: Partial<ManifestNode> = {}): ManifestNode {
  return base(`seed.${PKG}.${name}`, 'seed', name, {
    originalFilePath: `seeds/${name}.csv`,
    path: `${name}.csv`,
    config: { enabled: true, materialized: 'seed' },
    ...over,
  });
}

export function source(src: string, table: string, over: Partial<ManifestNode> = {}): ManifestNode {
  return base(`source.${PKG}.${src}.${table}`, 'source', table, {
    fqn: [PKG, src, table],
    sourceName: src,
    originalFilePath: 'models/sources.yml',
    checksum: null,
    config: { enabled: true },
    ...over,
  });
}

/** A generic test (`testName` like not_null) on `deps`, defined in `yml`. */
export function genericTest(
  name: string,
  testName: string,
  deps: string[],
  over: Partial<ManifestNode> = {},
): ManifestNode {
  return base(`test.${PKG}.${name}.abc123`, 'test', name, {
    originalFilePath: 'models/schema.yml',
    dependsOn: deps,
    testMetadata: { name: testName, namespace: null },
    checksum: '',
    config: { enabled: true, materialized: 'test', severity: 'ERROR' },
    ...over,
  });
}

export function singularTest(name: string, deps: string[], over: Partial<ManifestNode> = {}): ManifestNode {
  return base(`test.${PKG}.${name}`, 'test', name, {
    originalFilePath: `tests/${name}.sql`,
    dependsOn: deps,
    config: { enabled: true, materialized: 'test', severity: 'ERROR' },
    ...over,
  });
}

export function unitTest(modelName: string, name: string, over: Partial<ManifestNode> = {}): ManifestNode {
  return base(`unit_test.${PKG}.${modelName}.${name}`, 'unit_test', name, {
    fqn: [PKG, 'sales', modelName, name], // dbt: package, model folder, model, test
    originalFilePath: 'models/schema.yml',
    dependsOn: [`model.${PKG}.${modelName}`],
    config: { enabled: true, tags: [] },
    ...over,
  });
}

export function exposure(name: string, deps: string[], over: Partial<ManifestNode> = {}): ManifestNode {
  return base(`exposure.${PKG}.${name}`, 'exposure', name, {
    originalFilePath: 'models/exposures.yml',
    dependsOn: deps,
    checksum: null,
    config: { enabled: true },
    ...over,
  });
}

export function analysis(name: string, deps: string[]): ManifestNode {
  return base(`analysis.${PKG}.${name}`, 'analysis', name, {
    originalFilePath: `analyses/${name}.sql`,
    dependsOn: deps,
  });
}

/**
 * A small shop:
 *   source raw.orders -> stg_orders -> fct_orders -> rpt_sales -> exposure dash
 *   seed customers    -> stg_customers -> dim_customers -> fct_orders
 *   stg_customers -> ephemeral int_customers (folder staging) ; analysis over fct_orders
 * tests: not_null on stg_orders, unique on dim_customers, relationships fct_orders<->dim_customers,
 *        singular test over fct_orders, unit test on fct_orders; a disabled model.
 */
export function shopNodes(): ManifestNode[] {
  const id = (n: string) => `model.${PKG}.${n}`;
  return [
    source('raw', 'orders'),
    seed('customers', { tags: ['seed'] }),
    model('stg_orders', { folder: 'staging', deps: ['source.shop.raw.orders'], tags: ['staging', 'nightly'] }),
    model('stg_customers', { folder: 'staging', deps: ['seed.shop.customers'], tags: ['staging'] }),
    model('int_customers', {
      folder: 'staging',
      deps: [id('stg_customers')],
      config: { enabled: true, materialized: 'ephemeral' },
    }),
    model('dim_customers', {
      folder: 'core',
      deps: [id('int_customers')],
      tags: ['core'],
      config: { enabled: true, materialized: 'table', meta: { owner: 'crm' } },
    }),
    model('fct_orders', {
      folder: 'sales',
      deps: [id('stg_orders'), id('dim_customers')],
      tags: ['sales', 'nightly'],
      config: {
        enabled: true,
        materialized: 'incremental',
        meta: { owner: 'sales' },
        grants: { select: ['analyst', 'bi'] },
        full_refresh: false,
      },
      patchPath: 'shop://models/sales/sales.yml',
    }),
    model('rpt_sales', {
      folder: 'sales/reports',
      deps: [id('fct_orders')],
      config: { enabled: true, materialized: 'table' },
    }),
    model('old_model', { config: { enabled: false } }),
    exposure('dash', [id('rpt_sales')]),
    analysis('adhoc', [id('fct_orders')]),
    genericTest('not_null_stg_orders_id', 'not_null', [id('stg_orders')]),
    genericTest('unique_dim_customers_id', 'unique', [id('dim_customers')], {
      config: { enabled: true, materialized: 'test', severity: 'warn' },
    }),
    genericTest('relationships_fct_orders_customer_id', 'relationships', [id('dim_customers'), id('fct_orders')], {
      tags: ['cross'],
    }),
    singularTest('assert_orders_positive', [id('fct_orders')]),
    unitTest('fct_orders', 'test_fct_orders_sums', { config: { enabled: true, tags: ['unit'] } }),
  ];
}

export const shopGraph = (): DbtGraph => new DbtGraph(shopNodes());
