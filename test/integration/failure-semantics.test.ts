/**
 * dbt's failure semantics, differentially: the failures fixture (a failing test on customers, a
 * failing model `broken`) built once by a sequential `dbt build` and once by `dbt-matrix local`
 * over several shards and stages. The merged report must list the same unique_ids with the same
 * statuses, skipped nodes with the node that caused the skip.
 */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { parseProject } from '../../src/io/dbt-parse.js';
import { parseLocalInputs } from '../../src/local/inputs.js';
import { runLocal, type LocalOutcome } from '../../src/local/main.js';
import { Progress } from '../../src/local/progress.js';
import { memoryLogger } from '../../src/shared/log.js';
import { DBT_BIN, REPO_ROOT, removeDir, runDbt } from '../helpers/dbt.js';

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'failures');
const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};

const dirs: string[] = [];
let sequential: Map<string, string>;
let local: LocalOutcome;
let screen: string;

async function copyFixture(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-failures-'));
  dirs.push(dir);
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

function env(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_PROJECT_DIR: dir,
    ...extra,
  };
  delete e['DBT_DUCKDB_PATH'];
  return { ...e, ...extra };
}

beforeAll(async () => {
  const [seqDir, localDir] = await Promise.all([copyFixture(), copyFixture()]);
  const seq = runDbt(['build', '--project-dir', seqDir, '--profiles-dir', seqDir], {
    env: env(seqDir, { DBT_DUCKDB_PATH: path.join(seqDir, 'seq.duckdb') }),
  });
  const inputs = parseLocalInputs({
    'project-dir': localDir,
    'profiles-dir': localDir,
    'dbt-command': DBT_BIN,
    out: path.join(localDir, 'local-out'),
    // no per-job overhead and room for two shards at once: the planner cuts shards and stages
    'connection-budget': '4',
    threads: '1',
    'max-stages': '2',
    'shard-overhead-seconds': '0',
  });
  const lines: string[] = [];
  const localEnv = env(localDir);
  local = await runLocal(inputs, {
    env: localEnv,
    trigger,
    now: () => new Date(),
    log: memoryLogger(),
    progress: new Progress({ write: (t: string) => lines.push(t), isTTY: false }),
    parseProject: (i) => parseProject(i, localEnv),
  });
  screen = lines.join('');
  const done = await seq;
  expect(done.code, done.stdout).toBe(1);
  const rr = JSON.parse(await readFile(path.join(seqDir, 'target', 'run_results.json'), 'utf8')) as {
    results: Array<{ unique_id: string; status: string }>;
  };
  sequential = new Map(rr.results.map((r) => [r.unique_id, r.status]));
}, 600_000);

afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

describe('failure semantics: sharded local equals a sequential dbt build', () => {
  it('plans several shards over more than one stage, so failures cross shard boundaries', () => {
    expect(local.plan.shards.length, screen).toBeGreaterThanOrEqual(2);
    expect(local.plan.stages + (local.plan.finalTests.length > 0 ? 1 : 0)).toBeGreaterThanOrEqual(2);
    // some skipped node was decided across shards: a later shard left it out, or never started
    const crossed = local.merge.report.runResults.results.filter(
      (r) => r.status === 'skipped' && r.dbt_matrix.not_run && !r.unique_id.startsWith('exposure.'),
    );
    expect(crossed.length, JSON.stringify(local.plan.shards.map((s) => [s.id, s.nodes.length]))).toBeGreaterThan(0);
    // and a later shard still ran what dbt build runs after the failures
    expect(
      local.shards.some(
        (o) => o.artifact.stage > 1 && (o.artifact.skipped?.length ?? 0) > 0 && o.artifact.nodes.length > 0,
      ) || local.notRun.length > 0,
    ).toBe(true);
  });

  it('lists the same unique_ids with the same statuses, exposures and skipped nodes included', () => {
    const merged = new Map(local.merge.report.runResults.results.map((r) => [r.unique_id, r.status]));
    const sorted = (m: Map<string, string>) => Object.fromEntries([...m].sort());
    expect(sorted(merged)).toEqual(sorted(sequential));
    expect([...sequential.values()].filter((s) => s === 'skipped').length).toBe(7);
  });

  it('names the node that caused each skip', () => {
    /** `model:broken`, `test:unique_customer_orders_id`, `unit_test:customer_report_passes_amounts` */
    const short = (id: string): string => {
      const [type, , name, sub] = id.split('.');
      return `${type}:${type === 'unit_test' ? sub : name}`;
    };
    const skipped = local.merge.report.runResults.results.filter((r) => r.status === 'skipped');
    const because = Object.fromEntries(
      skipped.map((r) => [short(r.unique_id), (r.dbt_matrix.skipped_because ?? []).map(short)]),
    );
    const failedTest = ['test:accepted_values_customers_name__ann__bob'];
    expect(because).toEqual({
      'model:broken_child': ['model:broken'],
      'test:not_null_broken_no_such_column': ['model:broken'],
      'model:customer_orders': failedTest,
      'model:customer_report': failedTest,
      'exposure:customer_dashboard': failedTest,
      'test:unique_customer_orders_id': failedTest,
      'unit_test:customer_report_passes_amounts': failedTest,
    });
  });

  it('fails the run on the failures alone: no shard is missing or partial', () => {
    expect(local.exitCode).toBe(1);
    expect(local.merge.report.shards.filter((s) => s.failed).map((s) => `${s.id}:${s.state}`)).toEqual([]);
    expect(local.merge.report.runResults.metadata.dbt_matrix.missing_nodes).toEqual([]);
  });
});
