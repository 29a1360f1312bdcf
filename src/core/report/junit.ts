import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
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
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
  const suites = doc.ele('testsuites', { name: 'dbt-matrix' });
  const sum = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const row of report.shards) {
    const counts = addSuite(suites, row, byShard.get(row.id) ?? [], fileOf);
    sum.tests += counts.tests;
    sum.failures += counts.failures;
    sum.errors += counts.errors;
    sum.skipped += counts.skipped;
    sum.time += counts.time;
  }
  suites.att({ tests: String(sum.tests), failures: String(sum.failures), errors: String(sum.errors), skipped: String(sum.skipped), time: seconds(report.window?.seconds ?? sum.time) });
  return doc.end({ prettyPrint: true });
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

function addSuite(parent: XMLBuilder, row: ShardRow, results: readonly MergedResult[], fileOf: (id: string) => string | null): Counts {
  const suite = parent.ele('testsuite', { name: row.id });
  const props = suite.ele('properties');
  props.ele('property', { name: 'stage', value: String(row.stage) });
  props.ele('property', { name: 'status', value: row.status });
  if (row.attempt !== null) props.ele('property', { name: 'attempt', value: String(row.attempt) });
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  if (row.failed && results.length === 0) {
    const tc = suite.ele('testcase', { name: `shard ${row.id}`, classname: 'dbt-matrix.shard', time: '0' });
    tc.ele('error', { message: shardFailure(row), type: row.state }).txt(shardFailure(row));
    counts.tests++;
    counts.errors++;
  }
  for (const r of results) {
    addCase(suite, r, fileOf(r.unique_id), counts);
  }
  suite.att({ tests: String(counts.tests), failures: String(counts.failures), errors: String(counts.errors), skipped: String(counts.skipped), time: seconds(row.durationSeconds ?? counts.time) });
  if (row.startedAt) suite.att('timestamp', row.startedAt);
  return counts;
}

function addCase(suite: XMLBuilder, r: MergedResult, file: string | null, counts: Counts): void {
  const attrs: Record<string, string> = { name: r.unique_id, classname: r.unique_id.split('.')[0] ?? 'node', time: seconds(r.execution_time) };
  if (file) attrs['file'] = file;
  const tc = suite.ele('testcase', attrs);
  const message = (r.message ?? '').trim();
  counts.tests++;
  counts.time += r.execution_time;
  if (r.status === 'fail') {
    tc.ele('failure', { message: firstLine(message) || 'fail', type: r.status }).txt(message);
    counts.failures++;
  } else if (statusSeverity(r.status) === 'failure') {
    tc.ele('error', { message: firstLine(message) || r.status, type: r.status }).txt(message);
    counts.errors++;
  } else if (r.status === 'skipped') {
    tc.ele('skipped', message ? { message: firstLine(message) } : {});
    counts.skipped++;
  } else if (r.status === 'warn' && message) {
    tc.ele('system-out').txt(`warn: ${message}`);
  }
}

const firstLine = (s: string): string => s.split(/\r?\n/)[0]!.slice(0, 500);
const seconds = (n: number): string => (Math.round(n * 1000) / 1000).toFixed(3);
