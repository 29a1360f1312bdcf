// Prints vitest's JSON report as the one closing line CI counts: `N passed, N failed[, N skipped]`.
// A run that produced no report (crashed before writing it) counts as a failure.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  process.stdout.write(`no test report at ${file} (${err.message})\n0 passed, 1 failed\n`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// Suites that failed to load (syntax error, failing beforeAll) hold no failed test: count them.
const brokenSuites = (report.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
process.stdout.write(`${passed} passed, ${failed + brokenSuites} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed + brokenSuites > 0 ? 1 : 0);
