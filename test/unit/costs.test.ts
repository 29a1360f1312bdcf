import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { DbtGraph } from '../../src/core/graph/graph.js';
import { RunResultsSchema, costsFromRunResults, type RunResults } from '../../src/core/partition/costs.js';
import { DBT_SECONDS_PER_NODE } from '../../src/core/partition/machine.js';
import { node } from '../helpers/manifest-node.js';

const runResults = (results: Array<[string, number, string?]>, version = 6): RunResults =>
  RunResultsSchema.parse({
    metadata: { dbt_schema_version: `https://schemas.getdbt.com/dbt/run-results/v${version}.json` },
    results: results.map(([unique_id, execution_time, status]) => ({
      unique_id,
      execution_time,
      status: status ?? 'success',
      compiled_code: 'x',
    })),
  });

const graph = new DbtGraph([
  node('model.p.a'),
  node('model.p.b', ['model.p.a']),
  node('model.p.c', ['model.p.a']),
  node('model.p.eph', ['model.p.a'], { materialized: 'ephemeral' }),
  node('seed.p.s'),
  node('test.p.t1', ['model.p.a']),
  node('test.p.t2', ['model.p.b']),
  node('source.p.src'),
]);

describe('RunResultsSchema', () => {
  it('accepts schema v4 to v6 and rejects others with a readable message', () => {
    for (const v of [4, 5, 6]) expect(() => runResults([['model.p.a', 1]], v)).not.toThrow();
    for (const v of [3, 7]) expect(() => runResults([['model.p.a', 1]], v)).toThrow(/schema v4–v6/);
  });
});

describe('costsFromRunResults', () => {
  it('takes the median of a node over several files, independent of their order', () => {
    const files = [
      {
        file: 'r1.json',
        data: runResults([
          ['model.p.a', 10],
          ['model.p.b', 1],
        ]),
      },
      {
        file: 'r2.json',
        data: runResults([
          ['model.p.a', 30],
          ['model.p.b', 3],
        ]),
      },
      { file: 'r3.json', data: runResults([['model.p.a', 11]]) },
    ];
    const costs = costsFromRunResults(files, graph);
    expect(costs.seconds.get('model.p.a')).toBe(11);
    expect(costs.seconds.get('model.p.b')).toBe(2);
    expect(costsFromRunResults([...files].reverse(), graph).seconds).toEqual(costs.seconds);
  });

  it('ignores skipped results and uses errored ones only without a successful sample', () => {
    const costs = costsFromRunResults(
      [
        {
          file: 'r.json',
          data: runResults([
            ['model.p.a', 0, 'skipped'],
            ['model.p.b', 0.5, 'error'],
            ['model.p.b', 8],
            ['model.p.c', 0.2, 'error'],
          ]),
        },
      ],
      graph,
    );
    expect(costs.seconds.get('model.p.b')).toBe(8);
    expect(costs.seconds.get('model.p.c')).toBe(0.2);
    // a had only a skipped result: estimated as the median of timed models (b 8, c 0.2)
    expect(costs.seconds.get('model.p.a')).toBeCloseTo(4.1);
  });

  it('estimates nodes without history per resource type and says so', () => {
    const costs = costsFromRunResults(
      [
        {
          file: 'r.json',
          data: runResults([
            ['model.p.a', 4],
            ['model.p.b', 6],
            ['test.p.t1', 0.3],
          ]),
        },
      ],
      graph,
    );
    expect(costs.seconds.get('model.p.c')).toBe(5); // median of 4 and 6
    expect(costs.seconds.get('test.p.t2')).toBe(0.3);
    expect(costs.seconds.get('seed.p.s')).toBe(DBT_SECONDS_PER_NODE); // no seed timed: dbt's own measured time
    expect(costs.seconds.has('model.p.eph')).toBe(false);
    expect(costs.seconds.has('source.p.src')).toBe(false);
    expect(costs.withHistory).toBe(3);
    expect(costs.estimated).toBe(3);
    expect(costs.assumption).toMatch(/3 node\(s\) timed from 1 run_results file/);
    expect(costs.assumption).toContain(
      `seed ${DBT_SECONDS_PER_NODE} s (dbt's own time per node measured on dbt 1.11 + DuckDB; warehouse time unknown: pass --timings)`,
    );
    expect(costs.assumption).toMatch(/model 5 s \(median of 2 timed models\)/);
  });

  it('without timings prices everything by type', () => {
    const costs = costsFromRunResults([], graph);
    expect(costs.seconds.get('model.p.a')).toBe(DBT_SECONDS_PER_NODE);
    expect(costs.seconds.get('test.p.t1')).toBe(DBT_SECONDS_PER_NODE);
    expect(costs.withHistory).toBe(0);
    expect(costs.estimated).toBe(6);
    expect(costs.assumption).toMatch(/no --timings given/);
  });

  it('warns about some unknown ids (nodes removed since) but rejects a file naming none of ours', () => {
    const some = costsFromRunResults(
      [
        {
          file: 'r.json',
          data: runResults([
            ['model.p.a', 1],
            ['model.p.gone', 2],
          ]),
        },
      ],
      graph,
    );
    expect(some.warnings).toEqual([
      expect.stringContaining('1 result(s) for nodes not in the manifest ignored (e.g. model.p.gone)'),
    ]);
    const none = () =>
      costsFromRunResults(
        [
          {
            file: 'other.json',
            data: runResults([
              ['model.x.z', 1],
              ['model.x.y', 2],
            ]),
          },
        ],
        graph,
      );
    expect(none).toThrow(UserError);
    expect(none).toThrow(/^--timings: other\.json names no node of the manifest \(e\.g\. "model\.x\.y"\)/);
  });

  it("refuses the run_results.json of commands that only compile (dbt docs generate overwrites the build's)", () => {
    for (const [which, shown] of [
      ['generate', 'docs generate'],
      ['compile', 'compile'],
    ]) {
      const data = RunResultsSchema.parse({ ...runResults([['model.p.a', 0.4]]), args: { which } });
      const read = () => costsFromRunResults([{ file: 'target/run_results.json', data }], graph);
      expect(read).toThrow(UserError);
      expect(read).toThrow(`--timings: target/run_results.json was written by \`dbt ${shown}\` (compile times`);
    }
    const built = RunResultsSchema.parse({ ...runResults([['model.p.a', 0.4]]), args: { which: 'build' } });
    expect(costsFromRunResults([{ file: 'r.json', data: built }], graph).seconds.get('model.p.a')).toBe(0.4);
  });

  it('falls back to the timing span when execution_time is 0', () => {
    const data = RunResultsSchema.parse({
      metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v4.json' },
      results: [
        {
          unique_id: 'model.p.a',
          status: 'success',
          execution_time: 0,
          timing: [
            { name: 'compile', started_at: '2024-01-01T00:00:00Z', completed_at: '2024-01-01T00:00:01Z' },
            { name: 'execute', started_at: '2024-01-01T00:00:01Z', completed_at: '2024-01-01T00:00:03.5Z' },
          ],
        },
      ],
    });
    expect(costsFromRunResults([{ file: 'r.json', data }], graph).seconds.get('model.p.a')).toBe(3.5);
  });

  it('names the file and the result when a timing it needs is malformed', () => {
    const data = RunResultsSchema.parse({
      metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v4.json' },
      results: [{ unique_id: 'model.p.a', status: 'success', execution_time: 0, timing: [{ started_at: 7 }] }],
    });
    expect(() => costsFromRunResults([{ file: 'r.json', data }], graph)).toThrow(
      /^--timings: r\.json: the result for model\.p\.a has a "timing" that is not a list of \{name, started_at, completed_at\}$/,
    );
  });
});
