import { describe, expect, it } from 'vitest';
import { skippedBy, skipsOf, failedNodes } from '../../src/core/failure/skips.js';
import { DbtGraph } from '../../src/core/graph/graph.js';
import { node as manifestNode } from '../helpers/manifest-node.js';

const node = (uniqueId: string, deps: string[] = [], config: Record<string, unknown> = {}) =>
  manifestNode(uniqueId, deps, config, 'f');

/**
 * The graph of test/fixtures/failures; the expectations below are what `dbt build` (dbt-core 1.11)
 * reported on it: accepted_values on customers fails, model broken errors.
 */
const G = new DbtGraph([
  node('seed.f.raw_customers'),
  node('seed.f.raw_orders'),
  node('model.f.customers', ['seed.f.raw_customers']),
  node('model.f.orders', ['seed.f.raw_orders']),
  node('model.f.customer_orders', ['model.f.customers', 'model.f.orders']),
  node('model.f.customer_report', ['model.f.customer_orders']),
  node('model.f.broken', ['model.f.orders']),
  node('model.f.broken_child', ['model.f.broken']),
  node('model.f.orders_daily', ['model.f.orders']),
  node('model.f.orders_summary', ['model.f.orders_daily']),
  node('test.f.accepted_values_customers_name', ['model.f.customers']),
  node('test.f.not_null_customers_id', ['model.f.customers']),
  node('test.f.unique_customers_id', ['model.f.customers']),
  node('test.f.not_null_orders_id', ['model.f.orders']),
  node('test.f.relationships_orders_customer_id', ['model.f.customers', 'model.f.orders']),
  node('test.f.unique_customer_orders_id', ['model.f.customer_orders']),
  node('test.f.not_null_broken_no_such_column', ['model.f.broken']),
  node('test.f.not_null_orders_daily_customer_id', ['model.f.orders_daily']),
  node('unit_test.f.customer_report.passes_amounts', ['model.f.customer_report']),
  node('exposure.f.customer_dashboard', ['model.f.customer_report']),
  node('exposure.f.customers_export', ['model.f.customers']),
  node('exposure.f.orders_dashboard', ['model.f.orders_summary']),
]);

describe('skippedBy (dbt build semantics)', () => {
  it('matches dbt build on the failures fixture: a failed test skips the non-test descendants of its model, a failed model everything below it', () => {
    const skipped = skippedBy(G, ['test.f.accepted_values_customers_name', 'model.f.broken']);
    expect(Object.fromEntries([...skipped].sort())).toEqual({
      'exposure.f.customer_dashboard': ['test.f.accepted_values_customers_name'],
      'model.f.broken_child': ['model.f.broken'],
      'model.f.customer_orders': ['test.f.accepted_values_customers_name'],
      'model.f.customer_report': ['test.f.accepted_values_customers_name'],
      'test.f.not_null_broken_no_such_column': ['model.f.broken'],
      'test.f.unique_customer_orders_id': ['test.f.accepted_values_customers_name'],
      'unit_test.f.customer_report.passes_amounts': ['test.f.accepted_values_customers_name'],
    });
  });

  it("keeps the tested model's sibling tests, a two-parent test on it, and an exposure right on it running", () => {
    const s = skipsOf(G, 'test.f.accepted_values_customers_name');
    for (const id of [
      'test.f.not_null_customers_id',
      'test.f.relationships_orders_customer_id',
      'exposure.f.customers_export',
      'model.f.customers',
    ])
      expect(s.has(id), id).toBe(false);
  });

  it('a failed multi-parent test skips only nodes below all of its parents', () => {
    expect([...skipsOf(G, 'test.f.relationships_orders_customer_id')].sort()).toEqual([
      'exposure.f.customer_dashboard',
      'model.f.customer_orders',
      'model.f.customer_report',
      'test.f.unique_customer_orders_id',
      'unit_test.f.customer_report.passes_amounts',
    ]);
  });

  it("a failed unit test skips its model and what is below, not the model's other unit tests", () => {
    const g = new DbtGraph([
      node('model.f.a'),
      node('model.f.b', ['model.f.a']),
      node('unit_test.f.a.one', ['model.f.a']),
      node('unit_test.f.a.two', ['model.f.a']),
    ]);
    expect([...skipsOf(g, 'unit_test.f.a.one')].sort()).toEqual(['model.f.a', 'model.f.b']);
    expect([...skipsOf(g, 'model.f.a')].sort()).toEqual(['model.f.b']);
  });

  it('on_error: continue skips nothing; several causes are all named', () => {
    const g = new DbtGraph([
      node('model.f.a', [], { on_error: 'continue' }),
      node('model.f.b'),
      node('model.f.c', ['model.f.a', 'model.f.b']),
    ]);
    expect(skippedBy(g, ['model.f.a']).size).toBe(0);
    const g2 = new DbtGraph([node('model.f.a'), node('model.f.b'), node('model.f.c', ['model.f.a', 'model.f.b'])]);
    expect(skippedBy(g2, ['model.f.b', 'model.f.a']).get('model.f.c')).toEqual(['model.f.a', 'model.f.b']);
  });

  it('starts skips from error, fail and partial success only', () => {
    expect(
      failedNodes(
        ['error', 'fail', 'partial success', 'skipped', 'warn', 'success', 'reused', 'no-op'].map((status, i) => ({
          unique_id: `n${i}`,
          status,
        })),
      ),
    ).toEqual(['n0', 'n1', 'n2']);
  });
});
