import { describe, expect, it } from 'vitest';
import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { skipsAfter } from '../../src/local/blocked.js';
import { pythonFromShebang } from '../../src/io/dbt-python.js';
import { parseLocalInputs, LOCAL_OPTIONS } from '../../src/local/inputs.js';
import { runPool } from '../../src/local/pool.js';
import { SchemaGate } from '../../src/local/schema-gate.js';
import { builtRelations, parseRelationName, projectDatabase } from '../../src/local/relations.js';

const node = (uniqueId: string, resourceType: string, relationName: string | null): ManifestNode => ({
  uniqueId,
  resourceType,
  name: uniqueId.split('.').pop()!,
  packageName: 'shop',
  fqn: [],
  path: '',
  originalFilePath: '',
  tags: [],
  config: {},
  dependsOn: [],
  checksum: null,
  testMetadata: null,
  sourceName: null,
  relationName,
});

describe('parseRelationName', () => {
  it('splits quoted and bare three-, two- and one-part names', () => {
    expect(parseRelationName('"shop"."main"."fct_orders"')).toEqual({
      database: 'shop',
      schema: 'main',
      name: 'fct_orders',
    });
    expect(parseRelationName('"we""ird"."sch.ema"."t"')).toEqual({ database: 'we"ird', schema: 'sch.ema', name: 't' });
    expect(parseRelationName('main.orders')).toEqual({ database: null, schema: 'main', name: 'orders' });
    expect(parseRelationName('orders')).toEqual({ database: null, schema: null, name: 'orders' });
  });
  it('rejects what is not a relation name', () => {
    for (const bad of ['', '"open', 'a..b', 'a.', '"a"x', 'a.b.c.d']) expect(parseRelationName(bad), bad).toBeNull();
  });
});

describe('builtRelations', () => {
  const manifest = { nodes: new Map([['model.shop.b', node('model.shop.b', 'model', '"shop"."main"."b"')]]) };
  it('keeps successful models, seeds and snapshots and tests that stored failures, from the result or else the manifest', () => {
    const got = builtRelations(
      [
        { unique_id: 'model.shop.a', status: 'success', relation_name: '"shop"."main"."a"' },
        { unique_id: 'model.shop.b', status: 'success' },
        { unique_id: 'seed.shop.s', status: 'success', relation_name: '"shop"."raw"."s"' },
        { unique_id: 'snapshot.shop.p', status: 'success', relation_name: '"shop"."snapshots"."p"' },
        { unique_id: 'model.shop.failed', status: 'error', relation_name: '"shop"."main"."failed"' },
        { unique_id: 'test.shop.t', status: 'pass', relation_name: null },
        // store_failures: a test that ran leaves its failures table, whatever its verdict
        { unique_id: 'test.shop.stored', status: 'fail', relation_name: '"shop"."main_dbt_test__audit"."stored"' },
        { unique_id: 'test.shop.errored', status: 'error', relation_name: '"shop"."main_dbt_test__audit"."errored"' },
        { unique_id: 'model.shop.other', status: 'success', relation_name: '"lake"."main"."other"' },
      ],
      manifest,
      'shop',
    );
    expect(got.relations).toEqual([
      { schema: 'main', name: 'a' },
      { schema: 'main', name: 'b' },
      { schema: 'raw', name: 's' },
      { schema: 'snapshots', name: 'p' },
      { schema: 'main_dbt_test__audit', name: 'stored' },
    ]);
    expect(got.elsewhere).toEqual(['"lake"."main"."other"']);
  });
});

describe('skipsAfter', () => {
  // seed → a → b → c ; test t_a on a; d independent of a
  const dep = (n: ManifestNode, ...parents: string[]): ManifestNode => ({ ...n, dependsOn: parents });
  const graph = new DbtGraph([
    node('seed.s', 'seed', null),
    dep(node('model.a', 'model', null), 'seed.s'),
    dep(node('test.t_a', 'test', null), 'model.a'),
    dep(node('test.t_a2', 'test', null), 'model.a'),
    dep(node('model.b', 'model', null), 'model.a'),
    dep(node('model.c', 'model', null), 'model.b'),
    dep(node('model.d', 'model', null), 'seed.s'),
  ]);
  const nodes = ['seed.s', 'model.a', 'test.t_a', 'model.d'];
  it('skips nothing when everything passed (warn passes, as in dbt)', () => {
    const ok = new Map([
      ['seed.s', 'success'],
      ['model.a', 'success'],
      ['test.t_a', 'warn'],
      ['model.d', 'success'],
    ]);
    expect(skipsAfter(graph, [{ nodes, statuses: ok }])).toEqual(new Map());
  });
  it("skips the tested model's descendants when its test fails, naming the test; not the model, its other test or its siblings", () => {
    const failed = new Map([
      ['seed.s', 'success'],
      ['model.a', 'success'],
      ['test.t_a', 'fail'],
      ['model.d', 'success'],
    ]);
    const got = skipsAfter(graph, [{ nodes, statuses: failed }]);
    expect(Object.fromEntries(got)).toEqual({ 'model.b': ['test.t_a'], 'model.c': ['test.t_a'] });
  });
  it('skips what lies below a model a cancelled shard never reached, not below its unreached tests', () => {
    const got = skipsAfter(graph, [{ nodes, statuses: new Map([['seed.s', 'success']]) }]);
    expect([...got.keys()].sort()).toEqual(['model.b', 'model.c', 'test.t_a', 'test.t_a2']);
    expect(got.get('model.b')).toEqual(['model.a']);
  });
});

describe('projectDatabase', () => {
  it("is the most common database of the project's relations", () => {
    const nodes = new Map(
      [
        node('model.a', 'model', '"shop"."main"."a"'),
        node('seed.b', 'seed', '"shop"."main"."b"'),
        node('model.c', 'model', '"lake"."x"."c"'),
        node('test.t', 'test', '"other"."x"."t"'),
      ].map((n) => [n.uniqueId, n]),
    );
    expect(projectDatabase({ nodes })).toBe('shop');
    expect(projectDatabase({ nodes: new Map() })).toBeNull();
  });
});

describe('pythonFromShebang', () => {
  it('reads a direct interpreter path or the argument of env', () => {
    expect(pythonFromShebang('#!/work/.venv/bin/python3')).toBe('/work/.venv/bin/python3');
    expect(pythonFromShebang('#!/usr/bin/env python3.11')).toBe('python3.11');
    expect(pythonFromShebang('#!/usr/bin/env -S python3 -u')).toBe('python3');
    expect(pythonFromShebang('#!/bin/sh')).toBeNull();
    expect(pythonFromShebang('\u007fELF')).toBeNull();
  });
});

describe('runPool', () => {
  it('never has more than `limit` calls in flight, keeps item order, and rethrows after all settle', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    const results = await runPool([30, 5, 20, 1, 10], 2, async (ms, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      done.push(i);
      return i * 10;
    });
    expect(peak).toBe(2);
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(done).toHaveLength(5);
    const settled: number[] = [];
    await expect(
      runPool([1, 2, 3], 3, async (x) => {
        await new Promise((r) => setTimeout(r, x * 5));
        settled.push(x);
        if (x === 1) throw new Error('boom');
        return x;
      }),
    ).rejects.toThrow('boom');
    expect(settled.sort()).toEqual([1, 2, 3]);
  });
});

describe('parseLocalInputs', () => {
  it('takes the options of plan and run under one name each and lays out DIR', () => {
    const names = LOCAL_OPTIONS.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['select', 'connection-budget', 'start', 'vars', 'retries', 'state', 'out', 'fail-on'])
      expect(names).toContain(n);
    for (const n of ['plan', 'shard', 'final']) expect(names).not.toContain(n);
    const i = parseLocalInputs({ 'connection-budget': '6', out: '/tmp/x', select: 'tag:a', vars: '{"k": 1}' });
    expect(i.plan.out).toBe('/tmp/x/plan');
    expect(i.run.out).toBe('/tmp/x/shards');
    expect(i.plan.select).toEqual(['tag:a']);
    expect(i.run.vars).toEqual({ k: 1 });
    expect(i.failOn).toBe('error');
  });
  it('reports a bad option as one line naming it', () => {
    expect(() => parseLocalInputs({ out: '/tmp/x' })).toThrow(/--connection-budget/);
    expect(() => parseLocalInputs({ 'connection-budget': '6', 'fail-on': 'sometimes' })).toThrow(/fail-on/);
  });
});

describe('SchemaGate', () => {
  it('lets the first shard of a schema go, holds the next until it is past schema creation, never holds twice', async () => {
    const gate = new SchemaGate((nodes) => nodes.map((n) => n.split('/')[0]!));
    const order: string[] = [];
    const releaseA = await gate.enter(['par/a']);
    const b = gate.enter(['par/b', 'other/b']).then((r) => (order.push('b'), r));
    const c = gate.enter(['own/c']).then((r) => (order.push('c'), r));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['c']);
    releaseA();
    (await b)();
    (await c)();
    expect(order).toEqual(['c', 'b']);
    await gate.enter(['par/x', 'other/y']); // created earlier: no wait
  });
});
