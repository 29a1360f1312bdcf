import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { DbtGraph } from '../../src/core/graph/graph.js';
import { fnmatch, parseSelector, selectNodes, type SelectionSpec } from '../../src/core/select/index.js';
import { model, shopGraph, shopNodes } from './select-fixtures.js';

const g = shopGraph();
const M = (n: string) => `model.shop.${n}`;
const T = {
  notNull: 'test.shop.not_null_stg_orders_id.abc123',
  unique: 'test.shop.unique_dim_customers_id.abc123',
  rel: 'test.shop.relationships_fct_orders_customer_id.abc123',
  singular: 'test.shop.assert_orders_positive',
  unit: 'unit_test.shop.fct_orders.test_fct_orders_sums',
};

function sel(select: string | string[], more: Partial<SelectionSpec> = {}): string[] {
  return [...selectNodes(g, { select: typeof select === 'string' ? [select] : select, exclude: [], ...more })].sort();
}

const ids = (...xs: string[]) => [...xs].sort();

describe('parseSelector', () => {
  it('reads graph operators, depths and method arguments like dbt', () => {
    const ast = parseSelector('2+config.meta.owner:sales+3');
    expect(ast).toMatchObject({
      kind: 'union',
      components: [
        {
          kind: 'intersection',
          components: [
            {
              method: 'config',
              methodArgs: ['meta', 'owner'],
              value: 'sales',
              parents: true,
              parentsDepth: 2,
              children: true,
              childrenDepth: 3,
            },
          ],
        },
      ],
    });
  });

  it('splits unions on spaces and intersections on commas', () => {
    const ast = parseSelector('tag:a,tag:b +x');
    expect(ast.kind === 'union' && ast.components.map((c) => c.kind === 'intersection' && c.components.length)).toEqual(
      [2, 1],
    );
  });

  it('picks the default method from the value shape', () => {
    const methods = ['models/staging', 'stg_orders.sql', 'shop.staging.stg_orders'].map((e) => {
      const u = parseSelector(e);
      return u.kind === 'union' &&
        u.components[0]?.kind === 'intersection' &&
        u.components[0].components[0]?.kind === 'criteria'
        ? u.components[0].components[0].method
        : null;
    });
    expect(methods).toEqual(['path', 'file', 'fqn']);
  });

  it('rejects unknown methods in one line naming --select and the expression', () => {
    expect(() => parseSelector('foo:bar')).toThrow(UserError);
    expect(() => parseSelector('foo:bar')).toThrow(
      /^--select: unknown selection method "foo" in "foo:bar" \(expected one of fqn, tag, /,
    );
    expect(() => parseSelector('@x+')).toThrow(/"@" prefix and a "\+" suffix/);
  });
});

describe('fnmatch (Python semantics)', () => {
  it('matches *, ?, [seq], [!seq] and treats an unclosed [ literally', () => {
    expect(fnmatch('shop.staging.stg_orders', 'shop.*')).toBe(true);
    expect(fnmatch('a/b', '*')).toBe(true);
    expect(fnmatch('stg_x', 'stg_?')).toBe(true);
    expect(fnmatch('stg_c', 'stg_[abc]')).toBe(true);
    expect(fnmatch('stg_d', 'stg_[!abc]')).toBe(true);
    expect(fnmatch('stg_a', 'stg_[!abc]')).toBe(false);
    expect(fnmatch('a[b', 'a[b')).toBe(true);
    expect(fnmatch('x-y', 'x[a-z-]y')).toBe(true);
    expect(fnmatch('ABC', 'abc')).toBe(false);
  });
});

describe('methods', () => {
  it('fqn: bare name, fqn prefix, package-qualified path and wildcards', () => {
    const empty = { indirectSelection: 'empty' as const };
    expect(sel('fct_orders', empty)).toEqual([M('fct_orders')]);
    expect(sel('staging', empty)).toEqual(ids(M('stg_orders'), M('stg_customers'), M('int_customers')));
    expect(sel('shop.sales.reports', empty)).toEqual([M('rpt_sales')]);
    expect(sel('sales.*', empty)).toEqual(ids(M('fct_orders'), M('rpt_sales'), T.unit)); // the unit test's fqn sits in sales too
    expect(sel('stg_*', empty)).toEqual(ids(M('stg_orders'), M('stg_customers')));
    expect(sel('fqn:*')).not.toContain('source.shop.raw.orders');
  });

  it('tag, including unit tests whose tags live in config', () => {
    expect(sel('tag:nightly')).toEqual(ids(M('stg_orders'), M('fct_orders'), T.notNull, T.singular, T.rel, T.unit));
    expect(sel('tag:unit', { indirectSelection: 'empty' })).toEqual([T.unit]);
    expect(sel('tag:cro*', { indirectSelection: 'empty' })).toEqual([T.rel]);
  });

  it('path: directories, files, globs and patch files', () => {
    expect(sel('path:models/sales', { indirectSelection: 'empty' })).toEqual(ids(M('fct_orders'), M('rpt_sales')));
    expect(sel('models/sales/reports/rpt_sales.sql', { indirectSelection: 'empty' })).toEqual([M('rpt_sales')]);
    expect(sel('path:models/*/reports', { indirectSelection: 'empty' })).toEqual([M('rpt_sales')]);
    expect(sel('path:models/sales/sales.yml', { indirectSelection: 'empty' })).toEqual([M('fct_orders')]);
    expect(sel('path:seeds/*.csv')).toEqual(['seed.shop.customers']);
  });

  it('file, package, resource_type', () => {
    expect(sel('file:rpt_sales.sql', { indirectSelection: 'empty' })).toEqual([M('rpt_sales')]);
    expect(sel('file:rpt_sales', { indirectSelection: 'empty' })).toEqual([M('rpt_sales')]);
    expect(sel('package:this', { projectName: 'shop' })).toEqual(sel('package:shop'));
    expect(sel('package:other')).toEqual([]);
    expect(sel('resource_type:exposure')).toEqual(['exposure.shop.dash']);
    expect(() => sel('resource_type:modle')).toThrow(/unknown resource type "modle"/);
  });

  it('config: scalars, nested keys, list elements, booleans and case-insensitive severity', () => {
    expect(sel('config.materialized:incremental', { indirectSelection: 'empty' })).toEqual([M('fct_orders')]);
    expect(sel('config.meta.owner:crm', { indirectSelection: 'empty' })).toEqual([M('dim_customers')]);
    expect(sel('config.grants.select:bi', { indirectSelection: 'empty' })).toEqual([M('fct_orders')]);
    expect(sel('config.full_refresh:false', { indirectSelection: 'empty' })).toEqual([M('fct_orders')]);
    expect(sel('config.severity:WARN')).toEqual([T.unique]);
  });

  it('source and exposure, with operators', () => {
    expect(sel('source:raw')).toEqual(['source.shop.raw.orders']);
    // descendants include the tests below them: `+` walks test edges too
    expect(sel('source:raw.orders+', { indirectSelection: 'empty' })).toEqual(
      ids(
        'source.shop.raw.orders',
        M('stg_orders'),
        M('fct_orders'),
        M('rpt_sales'),
        'exposure.shop.dash',
        T.notNull,
        T.rel,
        T.singular,
        T.unit,
      ),
    );
    expect(sel('source:shop.raw.ord*')).toEqual(['source.shop.raw.orders']);
    expect(sel('+exposure:dash', { indirectSelection: 'empty' })).toContain('seed.shop.customers');
    expect(() => sel('source:a.b.c.d')).toThrow(/invalid source selector/);
  });

  it('test_type and test_name', () => {
    expect(sel('test_type:generic')).toEqual(ids(T.notNull, T.unique, T.rel));
    expect(sel('test_type:singular')).toEqual([T.singular]);
    expect(sel('test_type:unit')).toEqual([T.unit]);
    expect(sel('test_type:data')).toEqual(ids(T.notNull, T.unique, T.rel, T.singular));
    expect(sel('test_name:relationships')).toEqual([T.rel]);
    expect(sel('test_name:test_fct_*')).toEqual([T.unit]);
    expect(() => sel('test_type:weird')).toThrow(/invalid test type/);
  });

  it('never lists disabled nodes or analyses', () => {
    const all = sel([]);
    expect(all).not.toContain(M('old_model'));
    expect(all).not.toContain('analysis.shop.adhoc');
    expect(all).toContain('source.shop.raw.orders');
    expect(all).toContain('exposure.shop.dash');
    expect(all).toHaveLength(
      shopNodes().filter((n) => n.config['enabled'] !== false && n.resourceType !== 'analysis').length,
    );
  });
});

describe('graph and set operators', () => {
  const empty = { indirectSelection: 'empty' as const };
  it('+x, x+, n+x, x+n', () => {
    expect(sel('+dim_customers', empty)).toEqual(
      ids('seed.shop.customers', M('stg_customers'), M('int_customers'), M('dim_customers')),
    );
    expect(sel('1+dim_customers', empty)).toEqual(ids(M('int_customers'), M('dim_customers')));
    expect(sel('stg_orders+1', empty)).toEqual(ids(M('stg_orders'), M('fct_orders'), T.notNull));
    expect(sel('dim_customers+', empty)).toEqual(
      ids(
        M('dim_customers'),
        M('fct_orders'),
        M('rpt_sales'),
        'exposure.shop.dash',
        T.unique,
        T.rel,
        T.singular,
        T.unit,
      ),
    );
  });

  it('@x adds the ancestors of every descendant', () => {
    expect(sel('@stg_orders', empty)).toEqual(
      ids(
        'source.shop.raw.orders',
        'seed.shop.customers',
        M('stg_orders'),
        M('stg_customers'),
        M('int_customers'),
        M('dim_customers'),
        M('fct_orders'),
        M('rpt_sales'),
        'exposure.shop.dash',
        T.notNull,
        T.rel,
        T.singular,
        T.unit,
      ),
    );
  });

  it('union by space, intersection by comma', () => {
    expect(sel('tag:staging tag:core', empty)).toEqual(ids(M('stg_orders'), M('stg_customers'), M('dim_customers')));
    expect(sel('tag:staging,tag:nightly', empty)).toEqual([M('stg_orders')]);
    expect(sel('+fct_orders,tag:staging', empty)).toEqual(ids(M('stg_orders'), M('stg_customers')));
  });
});

describe('indirect selection of tests', () => {
  it('eager: a test comes with ANY selected parent', () => {
    expect(sel('stg_orders')).toEqual(ids(M('stg_orders'), T.notNull));
    expect(sel('dim_customers')).toEqual(ids(M('dim_customers'), T.unique, T.rel));
  });
  it('cautious: only when ALL parents are selected, also across a union', () => {
    expect(sel('dim_customers', { indirectSelection: 'cautious' })).toEqual(ids(M('dim_customers'), T.unique));
    expect(sel(['dim_customers', 'fct_orders'], { indirectSelection: 'cautious' })).toEqual(
      ids(M('dim_customers'), M('fct_orders'), T.unique, T.rel, T.singular, T.unit),
    );
  });
  it('buildable: parents selected or ancestors of the selection', () => {
    const nodes = [...shopNodes(), model('fct_more', { deps: [M('fct_orders')] })];
    const extra = {
      uniqueId: 'test.shop.rel_more.x',
      resourceType: 'test',
      name: 'rel_more',
      dependsOn: [M('fct_more'), M('dim_customers')],
      testMetadata: { name: 'relationships', namespace: null },
    };
    const graph = new DbtGraph([...nodes, { ...nodes.find((n) => n.resourceType === 'test')!, ...extra }]);
    const pick = (mode: SelectionSpec['indirectSelection']) => [
      ...selectNodes(graph, { select: ['fct_more'], exclude: [], indirectSelection: mode }),
    ];
    expect(pick('buildable')).toContain('test.shop.rel_more.x');
    expect(pick('cautious')).not.toContain('test.shop.rel_more.x');
    expect(pick('eager')).toContain('test.shop.rel_more.x');
  });
  it("--exclude removes the excluded node's tests too (eager), even multi-parent ones", () => {
    expect(sel('fct_orders', { exclude: ['dim_customers'] })).toEqual(ids(M('fct_orders'), T.singular, T.unit));
    expect(sel('fct_orders', { exclude: ['dim_customers'], indirectSelection: 'cautious' })).toEqual(
      ids(M('fct_orders'), T.singular, T.unit),
    );
    expect(sel([], { exclude: ['tag:staging'] })).not.toContain(T.notNull);
  });
});
