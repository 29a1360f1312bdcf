/**
 * The merge's accounting of planned nodes (every node has a result, is skipped with a cause, or
 * is named missing), shards of another plan or project, unplanned results, hooks per shard,
 * statuses of newer dbt versions (fixtures in test/fixtures/run-results).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { mergeShardResults } from '../../src/core/report/merge.js';
import type { ShardInput } from '../../src/core/report/model.js';
import { RunResultsSchema } from '../../src/core/report/run-results.js';
import { renderSummary } from '../../src/core/report/summary.js';
import { runStatus } from '../../src/core/report/totals.js';
import { artifactOf, planOf, resultOf, runResultsOf, T0 } from '../helpers/shard-fixtures.js';

type Plan = ReturnType<typeof planOf>;
const merge = (plan: Plan, shards: ShardInput[], extra: { planId?: string; graph?: DbtGraph } = {}) =>
  mergeShardResults({ plan, shards, generatedAt: '2024-01-15T11:00:00.000Z', invocationId: 'merged-1', ...extra });
const shard = (
  id: string,
  stage: number,
  results: ReturnType<typeof resultOf>[],
  over: Parameters<typeof artifactOf>[4] = {},
): ShardInput => ({
  id,
  artifact: artifactOf(id, stage, T0, T0 + 30_000, over),
  results: runResultsOf(results, `inv-${id}`),
  problems: [],
});
const ok = (id: string) => resultOf(id, id.startsWith('test.') ? 'pass' : 'success', 1, T0);
const errors = (r: ReturnType<typeof merge>) => r.problems.filter((p) => p.level === 'error').map((p) => p.message);

function node(uniqueId: string, deps: string[] = []): ManifestNode {
  return {
    uniqueId,
    resourceType: uniqueId.split('.')[0]!,
    name: uniqueId,
    packageName: 'shop',
    fqn: [uniqueId],
    path: '',
    originalFilePath: '',
    tags: [],
    config: {},
    dependsOn: deps,
    checksum: null,
    testMetadata: null,
    sourceName: null,
    relationName: null,
  };
}

describe('completeness against the plan', () => {
  it('fails a shard whose run_results.json lost planned nodes, naming them (it merged as success before)', () => {
    const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a', 'model.shop.b', 'model.shop.c'] }]);
    const report = merge(plan, [shard('s1-00', 1, [ok('model.shop.a')])]);
    expect(report.shards[0]).toMatchObject({
      state: 'partial',
      failed: true,
      missingNodes: ['model.shop.b', 'model.shop.c'],
    });
    expect(errors(report)).toEqual([
      expect.stringMatching(
        /^shard s1-00 is partial: 2 of 3 planned nodes have no result \(model\.shop\.b, model\.shop\.c\)/,
      ),
    ]);
    expect(runStatus(report)).toBe('failure');
    expect(report.runResults.metadata.dbt_matrix.missing_nodes).toEqual(['model.shop.b', 'model.shop.c']);
  });

  it('counts nodes the runner skipped (with their cause) as accounted for', () => {
    const plan = planOf([{ id: 's2-00', stage: 2, nodes: ['model.shop.b', 'model.shop.c'] }]);
    const s = shard('s2-00', 2, [ok('model.shop.c')], {
      nodes: ['model.shop.c'],
      skipped: [{ unique_id: 'model.shop.b', causes: ['test.shop.t'] }],
    });
    const report = merge(plan, [s]);
    expect(report.shards[0]).toMatchObject({ state: 'reported', failed: false, skippedNodes: 1 });
    expect(report.runResults.results.find((r) => r.unique_id === 'model.shop.b')).toMatchObject({
      status: 'skipped',
      message: null,
      dbt_matrix: { skipped_because: ['test.shop.t'], not_run: true },
    });
  });

  it('lists a missing later shard as skipped when every node of it sits below a failure (GitHub skips that job)', () => {
    const graph = new DbtGraph([
      node('model.shop.a'),
      node('model.shop.b', ['model.shop.a']),
      node('test.shop.b_ok', ['model.shop.b']),
      node('model.shop.x'),
    ]);
    const plan = planOf([
      { id: 's1-00', stage: 1, nodes: ['model.shop.a', 'model.shop.x'] },
      { id: 's2-00', stage: 2, nodes: ['model.shop.b', 'test.shop.b_ok'] },
    ]);
    const report = merge(plan, [shard('s1-00', 1, [resultOf('model.shop.a', 'error', 1, T0), ok('model.shop.x')])], {
      graph,
    });
    expect(report.shards[1]).toMatchObject({ id: 's2-00', state: 'skipped', failed: false, skippedNodes: 2 });
    expect(
      report.runResults.results
        .filter((r) => r.status === 'skipped')
        .map((r) => [r.unique_id, r.dbt_matrix.skipped_because]),
    ).toEqual([
      ['model.shop.b', ['model.shop.a']],
      ['test.shop.b_ok', ['model.shop.a']],
    ]);
    expect(errors(report)).toEqual([]);
    expect(report.totals).toMatchObject({ failingNodes: 1, skipped: 2, failedShards: 0 });
  });

  it('lists what sits below a node a dead shard never ran as skipped because of it; the node itself stays missing', () => {
    const graph = new DbtGraph([
      node('model.shop.a'),
      node('model.shop.b', ['model.shop.a']),
      node('test.shop.a_ok', ['model.shop.a']),
      node('model.shop.c', ['model.shop.b']),
    ]);
    const plan = planOf([
      { id: 's1-00', stage: 1, nodes: ['model.shop.a', 'test.shop.a_ok', 'model.shop.b'] },
      { id: 's2-00', stage: 2, nodes: ['model.shop.c'] },
    ]);
    const died = shard('s1-00', 1, [], { status: 'error', exitCode: 2 });
    const report = merge(plan, [died], { graph });
    expect(report.shards.map((s) => [s.id, s.state, s.missingNodes])).toEqual([
      ['s1-00', 'partial', ['model.shop.a']],
      ['s2-00', 'skipped', []],
    ]);
    expect(report.runResults.results.map((r) => [r.unique_id, r.status, r.dbt_matrix.skipped_because])).toEqual([
      ['model.shop.b', 'skipped', ['model.shop.a']],
      ['test.shop.a_ok', 'skipped', ['model.shop.a']],
      ['model.shop.c', 'skipped', ['model.shop.a']],
    ]);
    expect(renderSummary(report, { status: 'failure', fileOf: () => null })).toContain(
      'below `model.shop.a` did not run',
    );
    expect(runStatus(report)).toBe('failure');
  });

  it('lists the selected exposures as dbt build does: no-op, or skipped below a failure', () => {
    const graph = new DbtGraph([
      node('model.shop.a'),
      node('model.shop.b'),
      node('exposure.shop.on_a', ['model.shop.a']),
      node('exposure.shop.on_b', ['model.shop.b']),
    ]);
    const plan = {
      ...planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a', 'model.shop.b'] }]),
      exposures: ['exposure.shop.on_a', 'exposure.shop.on_b'],
    };
    const report = merge(plan, [shard('s1-00', 1, [resultOf('model.shop.a', 'error', 1, T0), ok('model.shop.b')])], {
      graph,
    });
    const listed = report.runResults.results.filter((r) => r.unique_id.startsWith('exposure.'));
    expect(listed.map((r) => [r.unique_id, r.status, r.message, r.dbt_matrix.skipped_because])).toEqual([
      ['exposure.shop.on_a', 'skipped', null, ['model.shop.a']],
      ['exposure.shop.on_b', 'no-op', 'NO-OP', undefined],
    ]);
    expect(report.shards[0]).toMatchObject({ state: 'reported', plannedNodes: 2, reportedNodes: 2, skippedNodes: 0 });
  });

  it('still fails a missing shard whose nodes a failure does not explain', () => {
    const graph = new DbtGraph([node('model.shop.a'), node('model.shop.b', ['model.shop.a']), node('model.shop.y')]);
    const plan = planOf([
      { id: 's1-00', stage: 1, nodes: ['model.shop.a'] },
      { id: 's2-00', stage: 2, nodes: ['model.shop.b', 'model.shop.y'] },
    ]);
    const report = merge(plan, [shard('s1-00', 1, [resultOf('model.shop.a', 'error', 1, T0)])], { graph });
    expect(report.shards[1]).toMatchObject({ state: 'missing', failed: true, missingNodes: ['model.shop.y'] });
    expect(errors(report)[0]).toMatch(
      /s2-00 is missing.*1 of 2 planned nodes have no result; 1 more are listed as skipped/,
    );
  });

  it('reports results for nodes the plan did not select, and for nodes planned elsewhere', () => {
    const plan = planOf([
      { id: 'a', stage: 1, nodes: ['model.shop.x'] },
      { id: 'b', stage: 1, nodes: ['model.shop.y'] },
    ]);
    const report = merge(plan, [
      shard('a', 1, [ok('model.shop.x'), ok('model.shop.z'), ok('model.shop.y')]),
      shard('b', 1, [ok('model.shop.y')]),
    ]);
    const warnings = report.problems.filter((p) => p.level === 'warning').map((p) => p.message);
    expect(warnings).toContain('shard a: reported 1 node(s) the plan did not select: model.shop.z; merged anyway');
    expect(warnings).toContain('shard a: reported 1 node(s) planned for other shards: model.shop.y; merged anyway');
  });
});

describe('shards of another plan or project', () => {
  const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a'] }]);
  it('refuses a shard that ran another plan, saying which (it merged as success before)', () => {
    const report = merge(
      plan,
      [shard('s1-00', 1, [ok('model.shop.a')], { plan: { id: 'aaaaaaaaaaaaaaaa', project: 'shop' } })],
      { planId: 'bbbbbbbbbbbbbbbb' },
    );
    expect(report.shards[0]).toMatchObject({ state: 'mismatch', failed: true });
    expect(errors(report)[0]).toBe(
      'shard s1-00: ran from another plan (plan id aaaaaaaaaaaaaaaa, --plan has bbbbbbbbbbbbbbbb): merge with the plan it ran from, or re-run it from this one; its results are not merged',
    );
    expect(report.runResults.results).toEqual([]);
    expect(runStatus(report)).toBe('failure');
  });
  it('refuses a shard of another project', () => {
    const report = merge(
      plan,
      [shard('s1-00', 1, [ok('model.jaffle.a')], { plan: { id: 'aaaaaaaaaaaaaaaa', project: 'jaffle' } })],
      { planId: 'bbbbbbbbbbbbbbbb' },
    );
    expect(errors(report)[0]).toMatch(/ran dbt project "jaffle", but --plan is for project "shop"/);
  });
  it('refuses results that name none of the planned nodes when shard.json does not say its plan', () => {
    const report = merge(plan, [shard('s1-00', 1, [ok('model.jaffle.orders')])]);
    expect(errors(report)[0]).toMatch(
      /none of its 1 planned nodes is in its run_results\.json \(it holds model\.jaffle\.orders\): it ran another project or plan/,
    );
  });
  it('accepts its own plan', () => {
    const report = merge(
      plan,
      [shard('s1-00', 1, [ok('model.shop.a')], { plan: { id: 'bbbbbbbbbbbbbbbb', project: 'shop' } })],
      { planId: 'bbbbbbbbbbbbbbbb' },
    );
    expect(runStatus(report)).toBe('success');
  });
});

describe('hooks run once per dbt invocation', () => {
  it("keeps each shard's run of a hook without calling it a duplicate, and does not warn", () => {
    const plan = planOf([
      { id: 'a', stage: 1, nodes: ['model.shop.x'] },
      { id: 'b', stage: 1, nodes: ['model.shop.y'] },
    ]);
    const hook = 'operation.shop.shop-on-run-start-0';
    const report = merge(plan, [
      shard('a', 1, [ok('model.shop.x'), ok(hook)]),
      shard('b', 1, [ok('model.shop.y'), ok(hook)]),
    ]);
    expect(report.problems).toEqual([]);
    expect(runStatus(report)).toBe('success');
    const merged = report.runResults.results.filter((r) => r.unique_id === hook);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.dbt_matrix.invocations!.map((i) => [i.shard, i.status])).toEqual([
      ['a', 'success'],
      ['b', 'success'],
    ]);
    expect(renderSummary(report, { status: 'success', fileOf: () => null })).toMatch(
      /### Hooks[\s\S]*shop-on-run-start-0[\s\S]*`a`[\s\S]*`b`/,
    );
  });
});

describe('statuses and fields of newer dbt versions', () => {
  const fixture = (name: string) =>
    RunResultsSchema.parse(
      JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'run-results', name), 'utf8')),
    );

  for (const name of ['dbt-1.12.json', 'fusion.json']) {
    it(`${name}: reused passes and is shown as reused; batch_results and overload_results survive`, () => {
      const rr = fixture(name);
      const plan = planOf([{ id: 's1-00', stage: 1, nodes: rr.results.map((r) => r.unique_id) }]);
      const report = merge(plan, [
        { id: 's1-00', artifact: artifactOf('s1-00', 1, T0, T0 + 1000), results: rr, problems: [] },
      ]);
      expect(report.problems).toEqual([]);
      expect(runStatus(report)).toBe('success');
      expect(report.totals.byStatus['reused']).toBe(2);
      expect(report.totals.passed).toBe(rr.results.length);
      expect(renderSummary(report, { status: 'success', fileOf: () => null })).toContain('| ♻️ reused | 2 |');
      for (const r of rr.results) {
        const out = report.runResults.results.find((m) => m.unique_id === r.unique_id)!;
        expect(out.batch_results ?? null).toEqual(r.batch_results ?? null);
        expect(out.overload_results ?? null).toEqual(r.overload_results ?? null);
      }
      expect(report.runResults.metadata.dbt_version).toBe(rr.metadata.dbt_version);
    });
  }

  it('fails on a status it does not know, naming the status and the dbt version (not hidden as a warning)', () => {
    const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a', 'model.shop.b'] }]);
    const s = shard('s1-00', 1, [resultOf('model.shop.a', 'deferred', 1, T0), ok('model.shop.b')]);
    s.results!.metadata.dbt_version = '1.13.0';
    const report = merge(plan, [s]);
    expect(errors(report)).toEqual([
      'shard s1-00: status "deferred" (model.shop.a) is not a dbt status this dbt-matrix knows (written by dbt 1.13.0); those nodes count as failed: update dbt-matrix',
    ]);
    expect(runStatus(report)).toBe('failure');
  });

  it("keeps every chunk's batches of a microbatch model", () => {
    const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.m'] }]);
    const chunk = (c: number, day: string) =>
      resultOf('model.shop.m', 'success', 1, T0, {
        dbt_matrix: { shard: 's1-00', chunk: c, attempt: 1 },
        batch_results: { successful: [[`${day}T00:00:00Z`, `${day}T23:59:59Z`]], failed: [] },
      });
    const report = merge(plan, [shard('s1-00', 1, [chunk(0, '2024-01-01'), chunk(1, '2024-01-02')])]);
    expect(report.runResults.results[0]!.batch_results).toEqual({
      successful: [
        ['2024-01-01T00:00:00Z', '2024-01-01T23:59:59Z'],
        ['2024-01-02T00:00:00Z', '2024-01-02T23:59:59Z'],
      ],
      failed: [],
    });
  });
});
