import { XMLBuilder } from 'fast-xml-parser';
import type { MergedResult } from './combine.js';
import type { MergedReport, ShardRow } from './model.js';
import { statusSeverity } from './run-results.js';
import { shardFailure } from './summary.js';

/**
 * JUnit XML for test-report tools: a testsuite per shard (report order), a testcase per node
 * (models, seeds, snapshots and tests alike). `fail` is a <failure> (an assertion that did not
 * hold), every other failing status an <error>; `skipped` is <skipped>; `warn` passes with its
 * message in <system-out>. A shard without results is a suite with one errored testcase, so the
 * tools count it.
 */
export function renderJunit(report: MergedReport, fileOf: (uniqueId: string) => string | null): string {
  const byShard = new Map<string, MergedResult[]>();
  for (const r of report.runResults.results) {
    const list = byShard.get(r.dbt_matrix.shard);
    if (list) list.push(r);
    else byShard.set(r.dbt_matrix.shard, [r]);
  }
  const suites = report.shards.map((row) => suiteOf(row, byShard.get(row.id) ?? [], fileOf));
  const sum = suites.reduce(
    (a, { counts: c }) => ({
      tests: a.tests + c.tests,
      failures: a.failures + c.failures,
      errors: a.errors + c.errors,
      skipped: a.skipped + c.skipped,
      time: a.time + c.time,
    }),
    emptyCounts(),
  );
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      ...countAttrs(sum, report.window?.seconds ?? sum.time),
      '@_name': 'dbt-matrix',
      testsuite: suites.map((s) => s.xml),
    },
  };
  return `${BUILDER.build(doc) as string}`;
}

// fast-xml-parser's builder escapes text and attributes; a DOM builder took seconds on 50k testcases
const BUILDER = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
});

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

type XmlNode = Record<string, unknown>;

const emptyCounts = (): Counts => ({ tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 });
const countAttrs = (c: Counts, time: number): XmlNode => ({
  '@_tests': String(c.tests),
  '@_failures': String(c.failures),
  '@_errors': String(c.errors),
  '@_skipped': String(c.skipped),
  '@_time': seconds(time),
});

function suiteOf(
  row: ShardRow,
  results: readonly MergedResult[],
  fileOf: (id: string) => string | null,
): { counts: Counts; xml: XmlNode } {
  const counts = emptyCounts();
  const cases: XmlNode[] = [];
  if (row.failed && results.length === 0) {
    // a shard without results is one errored testcase, so report tools count it
    const message = xmlText(shardFailure(row));
    cases.push({
      '@_name': `shard ${row.id}`,
      '@_classname': 'dbt-matrix.shard',
      '@_time': '0',
      error: { '@_message': message, '@_type': row.state, '#text': message },
    });
    counts.tests++;
    counts.errors++;
  }
  for (const r of results) cases.push(caseOf(r, fileOf(r.unique_id), counts));
  const properties = [
    { '@_name': 'stage', '@_value': String(row.stage) },
    { '@_name': 'status', '@_value': row.status },
  ];
  if (row.attempt !== null) properties.push({ '@_name': 'attempt', '@_value': String(row.attempt) });
  const xml: XmlNode = {
    '@_name': row.id,
    ...countAttrs(counts, row.durationSeconds ?? counts.time),
    properties: { property: properties },
    testcase: cases,
  };
  if (row.startedAt) xml['@_timestamp'] = row.startedAt;
  return { counts, xml };
}

function caseOf(r: MergedResult, file: string | null, counts: Counts): XmlNode {
  const tc: XmlNode = {
    '@_name': r.unique_id,
    '@_classname': r.unique_id.split('.')[0] ?? 'node',
    '@_time': seconds(r.execution_time),
  };
  if (file) tc['@_file'] = file;
  const message = xmlText((r.message ?? '').trim());
  counts.tests++;
  counts.time += r.execution_time;
  if (r.status === 'fail') {
    tc['failure'] = { '@_message': firstLine(message) || 'fail', '@_type': r.status, '#text': message };
    counts.failures++;
  } else if (statusSeverity(r.status) === 'failure') {
    tc['error'] = { '@_message': firstLine(message) || r.status, '@_type': r.status, '#text': message };
    counts.errors++;
  } else if (r.status === 'skipped') {
    tc['skipped'] = message ? { '@_message': firstLine(message) } : '';
    counts.skipped++;
  } else if (r.status === 'warn' && message) {
    tc['system-out'] = `warn: ${message}`;
  }
  return tc;
}

/** XML 1.0 cannot carry control characters (dbt messages may hold ANSI escapes): drop them. */
// eslint-disable-next-line no-control-regex -- the control characters XML allows are named on purpose
const xmlText = (s: string): string => s.replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
const firstLine = (s: string): string => s.split(/\r?\n/)[0]!.slice(0, 500);
const seconds = (n: number): string => (Math.round(n * 1000) / 1000).toFixed(3);
