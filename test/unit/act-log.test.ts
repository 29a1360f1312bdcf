import { describe, expect, it } from 'vitest';
import { goDurationSeconds, jobLines, jobResults, stepSeconds } from '../e2e/act-log.js';

// The e2e tests read act's log for job results and step seconds (the set-up figures): the parsing
// itself is checked here on lines in act 0.2.89's format.
const log = [
  '[dbt backfill/plan        ] ⭐ Run Main dbt-matrix/dbt-matrix/.github/actions/setup-dbt@v1',
  '[dbt backfill/plan        ]   ✅  Success - Main dbt-matrix/dbt-matrix/.github/actions/setup-dbt@v1 [2m31.5s]',
  '[dbt backfill/stage 1 s1-01]   ✅  Success - Main dbt-matrix/dbt-matrix/.github/actions/setup-dbt@v1 [14.401238ms]',
  '[dbt backfill/plan        ]   ✅  Success - Post dbt-matrix/dbt-matrix/.github/actions/setup-dbt@v1 [19.3s]',
  '[dbt backfill/plan        ] 🏁  Job succeeded',
  '[dbt backfill/stage 1 s1-01] 🏁  Job failed',
].join('\n');

describe("act's log", () => {
  it('reads Go durations in seconds, and refuses anything else', () => {
    expect(goDurationSeconds('1m13.03223113s')).toBeCloseTo(73.032, 3);
    expect(goDurationSeconds('871.04734ms')).toBeCloseTo(0.871, 3);
    expect(goDurationSeconds('1h2m3s')).toBe(3723);
    expect(goDurationSeconds('12µs')).toBeCloseTo(12e-6, 9);
    expect(() => goDurationSeconds('12 seconds')).toThrow(/not a Go duration/);
  });

  it("takes one job's lines, padded name or not, and the main or post part of a step", () => {
    expect(jobLines(log, 'plan').split('\n')).toHaveLength(4);
    expect(jobLines(log, 'stage 1 s1-01').split('\n')).toHaveLength(2);
    const step = 'dbt-matrix/dbt-matrix/.github/actions/setup-dbt@v1';
    expect(stepSeconds(log, 'plan', step)).toBeCloseTo(151.5, 3);
    expect(stepSeconds(log, 'plan', step, 'Post')).toBeCloseTo(19.3, 3);
    expect(stepSeconds(log, 'stage 1 s1-01', step)).toBeCloseTo(0.0144, 4);
    expect(() => stepSeconds(log, 'merge', step)).toThrow(/no successful Main step/);
    expect([...jobResults(log)]).toEqual([
      ['plan', 'succeeded'],
      ['stage 1 s1-01', 'failed'],
    ]);
  });
});
