/**
 * `retries: 1` with real dbt (DuckDB): a flaky model that fails on its first attempt and passes on
 * the second makes the shard pass, and `dbt retry` re-runs only it (and what it had skipped), not
 * the models that already passed. The flakiness is real: a pre-hook counts the model's attempts in
 * a table (outside the model's transaction), and the model raises DuckDB's error() while the count is below two.
 * The model that passed first time counts its runs too and fails on a second one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { parseRunInputs } from '../../src/run/inputs.js';
import { runShard } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN, removeDir, runDbt } from '../helpers/dbt.js';
import { tinyPlan } from '../helpers/tiny-manifest.js';

// before_begin: the count is committed even though the model's own transaction rolls back
const FLAKY_SQL = `{{ config(materialized='table', pre_hook=before_begin("create table if not exists flaky_attempts (n integer); insert into flaky_attempts values (1)")) }}
select case when (select count(*) from flaky_attempts) < 2 then error('flaky: first attempt fails') else 1 end as ok
`;
const AFTER_FLAKY_SQL = `select ok from {{ ref('flaky') }}`;
// counts its own runs the same way, and fails if it is ever run twice: the retry must leave it alone
const STEADY_SQL = `{{ config(materialized='table', pre_hook=before_begin("create table if not exists steady_runs (n integer); insert into steady_runs values (1)")) }}
select case when (select count(*) from steady_runs) > 1 then error('steady was run again') else 1 end as one
`;

const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-15T12:00:00Z'),
};
let project: string;

beforeAll(async () => {
  project = await copyExampleProject();
  await fs.rm(path.join(project, 'models'), { recursive: true, force: true });
  await fs.rm(path.join(project, 'tests'), { recursive: true, force: true });
  await fs.rm(path.join(project, 'snapshots'), { recursive: true, force: true });
  await fs.rm(path.join(project, 'seeds'), { recursive: true, force: true });
  await fs.rm(path.join(project, 'selectors.yml'), { force: true });
  await fs.mkdir(path.join(project, 'models'));
  await fs.writeFile(path.join(project, 'models', 'flaky.sql'), FLAKY_SQL);
  await fs.writeFile(path.join(project, 'models', 'after_flaky.sql'), AFTER_FLAKY_SQL);
  await fs.writeFile(path.join(project, 'models', 'steady.sql'), STEADY_SQL);
  const env = { ...process.env, DBT_DUCKDB_PATH: path.join(project, 'flaky.duckdb') };
  const parsed = await runDbt(['parse', '--project-dir', project, '--profiles-dir', project], { cwd: project, env });
  expect(parsed.code, parsed.stdout).toBe(0);
}, 300_000);

afterAll(async () => {
  if (project) await removeDir(project);
});

describe('retries: 1 on a flaky model', () => {
  it('the shard passes, and the second attempt re-runs only the flaky model and what it had skipped', async () => {
    const planDir = path.join(project, 'plan');
    await fs.mkdir(planDir, { recursive: true });
    await fs.copyFile(path.join(project, 'target', 'manifest.json'), path.join(planDir, 'manifest.json'));
    const nodes = ['model.shop.flaky', 'model.shop.after_flaky', 'model.shop.steady'];
    await fs.writeFile(
      path.join(planDir, 'plan.json'),
      JSON.stringify({ ...tinyPlan([{ id: 's1-00', nodes }]), threads: 1 }),
    );
    const out = path.join(project, 'out');
    const env = {
      ...process.env,
      DBT_DUCKDB_PATH: path.join(project, 'flaky.duckdb'),
      DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    };
    const inputs = parseRunInputs({
      plan: path.join(planDir, 'plan.json'),
      shard: '0',
      'project-dir': project,
      'profiles-dir': project,
      'dbt-command': DBT_BIN,
      out,
      retries: '1',
      start: '2024-01-10',
      end: '2024-01-11',
    });
    const log = memoryLogger();
    const outcome = await runShard(inputs, {
      trigger,
      env,
      attempt: 1,
      now: () => new Date(),
      log,
      handleProcessSignals: false,
    });
    expect(outcome.status, log.lines.slice(-30).join('\n')).toBe('success');
    expect(outcome.artifact.chunks[0]).toMatchObject({ status: 'success', attempts: 2 });
    const combined = JSON.parse(await fs.readFile(path.join(outcome.shardDir, 'run_results.json'), 'utf8')) as {
      results: Array<{ unique_id: string; status: string; dbt_matrix: { attempt: number } }>;
    };
    const byNode = Object.fromEntries(combined.results.map((r) => [r.unique_id, r]));
    expect(byNode['model.shop.flaky']).toMatchObject({ status: 'success', dbt_matrix: { attempt: 2 } });
    expect(byNode['model.shop.after_flaky']).toMatchObject({ status: 'success', dbt_matrix: { attempt: 2 } });
    // steady passed on the first attempt and was not run again
    expect(byNode['model.shop.steady']).toMatchObject({ status: 'success', dbt_matrix: { attempt: 1 } });
    const retryLines = log.lines.filter((l) => /attempt 2: .* retry/.test(l));
    expect(retryLines).toHaveLength(1);
  }, 300_000);
});
