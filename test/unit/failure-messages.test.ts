/**
 * Failure lines show dbt's whole message (the cause is on the lines after the first), cut at a
 * sensible length: on the terminal (local's end screen) and in summary.md.
 */
import { describe, expect, it } from 'vitest';
import { shortMessage, SUMMARY_MESSAGE_CHARS, TERMINAL_MESSAGE_CHARS } from '../../src/core/report/format.js';
import { mergeShardResults } from '../../src/core/report/merge.js';
import { renderSummary } from '../../src/core/report/summary.js';
import { runStatus } from '../../src/core/report/totals.js';
import { renderEndSummary } from '../../src/local/summary.js';
import { artifactOf, planOf, resultOf, runResultsOf, T0 } from '../helpers/shard-fixtures.js';

/** dbt 1.11's message for the failing model of test/fixtures/failures, as it wrote it */
const DBT_MESSAGE =
  'Runtime Error in model broken (models/broken.sql)\n  Binder Error: Referenced column "no_such_column" not found in FROM clause!\n  Candidate bindings: "customer_id"\n  \n  LINE 11: select no_such_column from "failures"."main"."orders"\n                  ^^^^^^^^^^^^^^';

function reportWith(message: string) {
  const plan = planOf([{ id: 's1-00', stage: 1, nodes: ['model.failures.broken'] }]);
  const results = runResultsOf([resultOf('model.failures.broken', 'error', 1, T0, { message })], 'i');
  return mergeShardResults({
    plan,
    shards: [{ id: 's1-00', artifact: artifactOf('s1-00', 1, T0, T0 + 1000), results, problems: [] }],
    generatedAt: 'x',
    invocationId: 'y',
  });
}

describe('failure messages', () => {
  it("the terminal shows every line of dbt's message, the cause included (it showed the first line only before)", () => {
    const report = reportWith(DBT_MESSAGE);
    const screen = renderEndSummary({
      report,
      status: runStatus(report),
      reportDir: 'r',
      summaryFile: 's',
      database: null,
      wallSeconds: 1,
      shardSeconds: 1,
      stopped: null,
    });
    expect(screen).toContain('Binder Error: Referenced column "no_such_column" not found in FROM clause!');
    expect(screen).toContain('Candidate bindings: "customer_id"');
    expect(screen).toContain('LINE 11: select no_such_column');
  });

  it('cuts a long message at a line or word boundary and says how much is left', () => {
    const long = `${DBT_MESSAGE}\n${'select a_column_name, '.repeat(200)}`;
    const cut = shortMessage(long, TERMINAL_MESSAGE_CHARS);
    expect(cut.length).toBeLessThan(TERMINAL_MESSAGE_CHARS + 60);
    expect(cut).toContain('Candidate bindings');
    expect(cut).toMatch(/(select|a_column_name,)… \(\d+ more characters in run_results\.json\)$/);
    expect(shortMessage(DBT_MESSAGE, TERMINAL_MESSAGE_CHARS)).toBe(DBT_MESSAGE.replace(/[ \t]+$/gm, ''));
  });

  it('summary.md shows the whole message up to its own, larger bound', () => {
    const report = reportWith(`${DBT_MESSAGE}\n${'x '.repeat(SUMMARY_MESSAGE_CHARS)}`);
    const md = renderSummary(report, { status: 'failure', fileOf: () => null });
    expect(md).toContain('  Candidate bindings: "customer_id"');
    expect(md).toMatch(/more characters in run_results\.json\)/);
  });
});
