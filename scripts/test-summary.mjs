// Prints vitest's JSON report as the one closing line CI counts: `N passed, N failed[, N skipped]`.
// A run that produced no report (crashed before writing it) counts as a failure. Two optional
// arguments add checks that ran outside vitest (the lint and the format check): passed, failed.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
const [checksPassed, checksFailed] = [process.argv[3], process.argv[4]].map((n) => Number(n ?? 0));
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  process.stdout.write(
    `no test report at ${file} (${err.message})\n${checksPassed} passed, ${checksFailed + 1} failed\n`,
  );
  process.exit(1);
}
const passed = (report.numPassedTests ?? 0) + checksPassed;
const failed = (report.numFailedTests ?? 0) + checksFailed;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// Suites that failed to load (syntax error, failing beforeAll) hold no failed test: count them.
const brokenSuites = (report.testResults ?? []).filter(
  (s) => s.status === 'failed' && (s.assertionResults ?? []).every((a) => a.status !== 'failed'),
).length;
process.stdout.write(`${passed} passed, ${failed + brokenSuites} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed + brokenSuites > 0 ? 1 : 0);
