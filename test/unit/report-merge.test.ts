import { describe, expect, it } from 'vitest';
import { mergeShardResults } from '../../src/core/report/merge.js';
import type { ShardInput } from '../../src/core/report/model.js';
import { STATUS_PRECEDENCE, statusSeverity, worseStatus } from '../../src/core/report/run-results.js';
import { exitCodeFor, runStatus } from '../../src/core/report/totals.js';
import { artifactOf, planOf, resultOf, runResultsOf, syntheticShards, T0 } from '../helpers/shard-fixtures.js';

const merge = (plan: ReturnType<typeof planOf>, shards: ShardInput[]) =>
  mergeShardResults({ plan, shards, generatedAt: '2024-01-15T11:00:00.000Z', invocationId: 'merged-1' });

const shard = (
  id: string,
  stage: number,
  results: ReturnType<typeof resultOf>[],
  start = T0,
  end = T0 + 30_000,
): ShardInput => ({
  id,
  artifact: artifactOf(id, stage, start, end),
  results: runResultsOf(results, `inv-${id}`),
  problems: [],
});

describe('status precedence', () => {
  it('ranks error > fail > runtime error > partial success > warn > skipped > no-op > success = pass', () => {
    for (let i = 0; i + 1 < STATUS_PRECEDENCE.length - 1; i++) {
      expect(worseStatus(STATUS_PRECEDENCE[i]!, STATUS_PRECEDENCE[i + 1]!)).toBe(STATUS_PRECEDENCE[i]);
      expect(worseStatus(STATUS_PRECEDENCE[i + 1]!, STATUS_PRECEDENCE[i]!)).toBe(STATUS_PRECEDENCE[i]);
    }
    expect(worseStatus('success', 'pass')).toBe('success');
  });
  it('treats a status it does not know as a failure worse than warn', () => {
    expect(worseStatus('warn', 'exploded')).toBe('exploded');
    expect(worseStatus('exploded', 'fail')).toBe('fail');
    expect(statusSeverity('exploded')).toBe('failure');
    expect(statusSeverity('warn')).toBe('warning');
    expect(statusSeverity('skipped')).toBe('ok');
  });
});

describe('mergeShardResults', () => {
  it('merges a node run in several chunks once: worst status, summed time, spanning timings, chunks kept', () => {
    const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a'] }]);
    const chunk = (c: number, status: string, secs: number, attempt = 1) =>
      resultOf('model.shop.a', status, secs, T0 + c * 60_000, { dbt_matrix: { shard: 's1-00', chunk: c, attempt } });
    const report = merge(plan, [
      shard('s1-00', 1, [chunk(0, 'success', 1), chunk(1, 'error', 2), chunk(2, 'success', 3)]),
    ]);
    expect(report.runResults.results).toHaveLength(1);
    const r = report.runResults.results[0]!;
    expect(r.status).toBe('error');
    expect(r.message).toContain('Runtime Error');
    expect(r.execution_time).toBe(6);
    expect(r.dbt_matrix).toEqual({ shard: 's1-00', stage: 1, attempt: 1, chunks: [0, 1, 2] });
    const execute = r.timing!.find((t) => t.name === 'execute')!;
    expect(execute.started_at).toBe(new Date(T0 + 10).toISOString());
    expect(execute.completed_at).toBe(new Date(T0 + 120_000 + 3000).toISOString());
  });

  it('keeps the latest attempt of a chunk (a retry replaces what it re-ran)', () => {
    const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a'] }]);
    const tag = (attempt: number) => ({ dbt_matrix: { shard: 's1-00', chunk: 0, attempt } });
    const report = merge(plan, [
      shard('s1-00', 1, [
        resultOf('model.shop.a', 'error', 5, T0, tag(1)),
        resultOf('model.shop.a', 'success', 2, T0, tag(2)),
      ]),
    ]);
    expect(report.runResults.results[0]).toMatchObject({ status: 'success', execution_time: 2 });
  });

  it('orders results by plan shard index, then node id, whatever order the folders come in', () => {
    const plan = planOf([
      { id: 'b', stage: 1, nodes: ['model.shop.z', 'model.shop.y'] },
      { id: 'a', stage: 2, nodes: ['model.shop.b'] },
    ]);
    const shards = [
      shard('a', 2, [resultOf('model.shop.b', 'success', 1, T0)]),
      shard('b', 1, [resultOf('model.shop.z', 'success', 1, T0), resultOf('model.shop.y', 'success', 1, T0)]),
    ];
    const one = merge(plan, shards);
    const two = merge(plan, [...shards].reverse());
    expect(one.runResults.results.map((r) => r.unique_id)).toEqual(['model.shop.y', 'model.shop.z', 'model.shop.b']);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  });

  it('reports a missing shard by name, counts it as a failure and still merges the others', () => {
    const plan = planOf([
      { id: 's1-00', stage: 1, nodes: ['model.shop.a'] },
      { id: 's1-01', stage: 1, nodes: ['model.shop.b', 'model.shop.c'] },
    ]);
    const report = merge(plan, [shard('s1-00', 1, [resultOf('model.shop.a', 'success', 1, T0)])]);
    expect(report.runResults.results.map((r) => r.unique_id)).toEqual(['model.shop.a']);
    const missing = report.shards.find((s) => s.id === 's1-01')!;
    expect(missing).toMatchObject({ state: 'missing', failed: true, plannedNodes: 2, reportedNodes: 0 });
    expect(report.problems.some((p) => p.level === 'error' && p.message.includes('s1-01'))).toBe(true);
    expect(report.totals).toMatchObject({ passed: 1, failingNodes: 0, failedShards: 1, failed: 1 });
    expect(report.runResults.metadata.dbt_matrix).toMatchObject({ missing: ['s1-01'] });
    expect(runStatus(report)).toBe('failure');
  });

  it('merges the run_results of a shard whose shard.json was malformed, and names the file', () => {
    const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a'] }]);
    const input: ShardInput = {
      id: 's1-00',
      artifact: null,
      results: runResultsOf([resultOf('model.shop.a', 'success', 1, T0)], 'x'),
      problems: [
        {
          level: 'error',
          shard: 's1-00',
          file: '/in/s1-00/shard.json',
          message: 'shard s1-00: /in/s1-00/shard.json is not valid JSON',
        },
      ],
    };
    const report = merge(plan, [input]);
    expect(report.runResults.results).toHaveLength(1);
    expect(report.problems[0]!.file).toBe('/in/s1-00/shard.json');
    expect(runStatus(report)).toBe('failure');
  });

  it('fails a shard that timed out, or that dbt failed before any node failed', () => {
    const plan = planOf([
      { id: 't', stage: 1, nodes: ['model.shop.a', 'model.shop.b'] },
      { id: 'c', stage: 1, nodes: ['model.shop.c'] },
    ]);
    const timedOut = { ...shard('t', 1, [resultOf('model.shop.a', 'success', 1, T0)]) };
    timedOut.artifact = { ...timedOut.artifact!, status: 'timeout', exitCode: 124 };
    const compileError: ShardInput = {
      id: 'c',
      artifact: artifactOf('c', 1, T0, T0 + 1000, { status: 'error', exitCode: 2 }),
      results: runResultsOf([], 'c'),
      problems: [],
    };
    const report = merge(plan, [timedOut, compileError]);
    expect(report.shards.map((s) => [s.id, s.failed])).toEqual([
      ['t', true],
      ['c', true],
    ]);
    expect(report.totals.failed).toBe(2);
  });

  it('warns about an unplanned folder and a node reported twice, keeping the worse status', () => {
    const plan = planOf([{ id: 'a', stage: 1, nodes: ['model.shop.x'] }]);
    const report = merge(plan, [
      shard('a', 1, [resultOf('model.shop.x', 'success', 1, T0)]),
      shard('zz', 1, [resultOf('model.shop.x', 'error', 2, T0)]),
    ]);
    expect(report.runResults.results).toHaveLength(1);
    expect(report.runResults.results[0]).toMatchObject({
      status: 'error',
      execution_time: 3,
      dbt_matrix: { shard: 'a', also_in: ['zz'] },
    });
    expect(report.problems.map((p) => p.level)).toEqual(['warning', 'warning']);
    expect(report.shards[1]).toMatchObject({ id: 'zz', state: 'unplanned' });
  });

  it('writes a dbt-shaped file: wall-span elapsed_time, metadata naming the shards, per-shard args dropped', () => {
    const plan = planOf([
      { id: 'a', stage: 1, nodes: ['model.shop.a'] },
      { id: 'b', stage: 2, nodes: ['model.shop.b'] },
    ]);
    const report = merge(plan, [
      shard('a', 1, [resultOf('model.shop.a', 'success', 1, T0)], T0, T0 + 20_000),
      shard('b', 2, [resultOf('model.shop.b', 'success', 1, T0)], T0 + 25_000, T0 + 61_500),
    ]);
    const rr = report.runResults;
    expect(rr.elapsed_time).toBe(61.5);
    expect(report.window).toMatchObject({ seconds: 61.5, startedAt: new Date(T0).toISOString() });
    expect(rr.metadata).toMatchObject({
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      invocation_id: 'merged-1',
      generated_at: '2024-01-15T11:00:00.000Z',
      dbt_version: '1.11.0',
    });
    expect(rr.metadata.dbt_matrix.shards.map((s) => [s.id, s.invocation_id])).toEqual([
      ['a', 'inv-a'],
      ['b', 'inv-b'],
    ]);
    expect(rr.args).toEqual({ which: 'build', threads: 4 });
  });

  it('places the final tests job after every shard', () => {
    const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.shop.a'] }], ['test.shop.rel']);
    const report = merge(plan, [
      shard('final', 2, [resultOf('test.shop.rel', 'pass', 1, T0)]),
      shard('s1-00', 1, [resultOf('model.shop.a', 'success', 1, T0)]),
    ]);
    expect(report.shards.map((s) => [s.id, s.kind])).toEqual([
      ['s1-00', 'shard'],
      ['final', 'final'],
    ]);
    expect(report.runResults.results.map((r) => r.unique_id)).toEqual(['model.shop.a', 'test.shop.rel']);
  });

  it('turns --fail-on into an exit code', () => {
    expect(exitCodeFor('failure', 'error')).toBe(1);
    expect(exitCodeFor('warning', 'error')).toBe(0);
    expect(exitCodeFor('warning', 'warn')).toBe(1);
    expect(exitCodeFor('success', 'warn')).toBe(0);
    expect(exitCodeFor('failure', 'never')).toBe(0);
    const plan = planOf([{ id: 'a', stage: 1, nodes: ['test.shop.t'] }]);
    expect(runStatus(merge(plan, [shard('a', 1, [resultOf('test.shop.t', 'warn', 1, T0)])]))).toBe('warning');
    expect(runStatus(merge(plan, [shard('a', 1, [resultOf('test.shop.t', 'pass', 1, T0)])]))).toBe('success');
  });

  it('merges 256 shards × 200 results, every node once (its speed is measured by `npm run bench merge`)', () => {
    const { plan, inputs } = syntheticShards(256, 200);
    const report = mergeShardResults({ plan, shards: inputs, generatedAt: 'x', invocationId: 'y' });
    expect(report.totals.nodes).toBe(256 * 200);
    expect(report.totals.failingNodes).toBe(Math.ceil((256 * 200) / 97));
  });
});
