import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/io/run-results.js';
import { combineRunResults } from '../../src/run/combine-results.js';

const rr = (invocation: string, results: Array<[string, string]>, elapsed = 1): RunResults => ({
  metadata: {
    dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
    dbt_version: '1.11.16',
    generated_at: '2024-01-01T00:00:00Z',
    invocation_id: invocation,
  },
  results: results.map(([unique_id, status]) => ({
    unique_id,
    status,
    execution_time: 0.5,
    thread_id: 'Thread-1',
    timing: [],
  })),
  elapsed_time: elapsed,
  args: { which: invocation.startsWith('retry') ? 'retry' : 'build' },
});

describe('combineRunResults', () => {
  it('keeps the latest attempt of a node per chunk, in first-run order, tagged', () => {
    const combined = combineRunResults('s1-00', [
      {
        chunk: 0,
        attempt: 2,
        results: rr(
          'retry-0',
          [
            ['model.b', 'success'],
            ['test.c', 'pass'],
          ],
          2,
        ),
      },
      {
        chunk: 0,
        attempt: 1,
        results: rr(
          'build-0',
          [
            ['model.a', 'success'],
            ['model.b', 'error'],
            ['test.c', 'skipped'],
          ],
          3,
        ),
      },
      {
        chunk: 1,
        attempt: 1,
        results: rr(
          'build-1',
          [
            ['model.a', 'success'],
            ['model.b', 'success'],
          ],
          4,
        ),
      },
    ])!;
    expect(combined.results.map((r) => [r.unique_id, r.status, r.dbt_matrix.chunk, r.dbt_matrix.attempt])).toEqual([
      ['model.a', 'success', 0, 1],
      ['model.b', 'success', 0, 2],
      ['test.c', 'pass', 0, 2],
      ['model.a', 'success', 1, 1],
      ['model.b', 'success', 1, 1],
    ]);
    expect(combined.results.every((r) => r.dbt_matrix.shard === 's1-00')).toBe(true);
    expect(combined.elapsed_time).toBe(9);
    expect(combined.metadata.invocation_id).toBe('build-1');
    expect(combined.results[0]).toMatchObject({ thread_id: 'Thread-1', execution_time: 0.5 });
  });

  it('returns null when no attempt left results', () => {
    expect(combineRunResults('s', [])).toBeNull();
  });
});
