/**
 * plan → run → merge of the example project under every dbt-core minor that installs here (1.8,
 * 1.9, 1.10 from .venvs/, 1.11 from .venv; scripts/setup.sh makes them), through `local` on DuckDB
 * with the shard's profile derived from the example's. Lean on purpose: one shard (so one dbt
 * build after the plan's parse) of the daily sales chain; from 1.10 on (dbt-duckdb's first with
 * microbatch) the reporting model in the custom schema over it and over the microbatch model; the
 * audit hooks everywhere.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../src/io/dbt-parse.js';
import { parseLocalInputs } from '../../src/local/inputs.js';
import { runLocal } from '../../src/local/main.js';
import { Progress } from '../../src/local/progress.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, queryDuckDb, removeDir } from '../helpers/dbt.js';
import { DBT_VERSIONS, minorAtLeast, useOldTestSyntax } from '../helpers/dbt-versions.js';

const trigger = { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date('2024-01-20T12:00:00Z') };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

describe('the example project under each dbt-core minor', () => {
  it.each(DBT_VERSIONS)(
    'dbt $minor: plan → run → merge, every selected node passes',
    async ({ minor, dbt }) => {
      expect(existsSync(dbt), `${dbt} is missing: run scripts/setup.sh`).toBe(true);
      const started = Date.now();
      const dir = await copyExampleProject();
      dirs.push(dir);
      if (!minorAtLeast(minor, '1.10')) expect(await useOldTestSyntax(dir)).toBeGreaterThan(0);
      // dbt-core has microbatch from 1.9, dbt-duckdb from 1.10 (1.9.x builds the first batch, then
      // fails the others with "The incremental strategy 'microbatch' is not valid for this adapter")
      const microbatch = minorAtLeast(minor, '1.10');
      const database = path.join(dir, 'warehouse', 'shop.duckdb');
      const env = { ...process.env, DBT_DUCKDB_PATH: database, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' };
      const inputs = parseLocalInputs({
        'project-dir': dir,
        'profiles-dir': dir,
        'dbt-command': dbt,
        out: path.join(dir, 'out'),
        select: microbatch ? '+rpt_daily_overview' : '+agg_daily_sales',
        // tests that also need models outside this chain (dbt selects them eagerly) stay out
        exclude: 'test_name:relationships test_type:singular',
        'connection-budget': '3',
        threads: '2',
        'max-shards': '1',
        'max-stages': '1',
        start: '2024-01-05',
        end: '2024-01-08',
      });
      const screen: string[] = [];
      const outcome = await runLocal(inputs, {
        env,
        trigger,
        now: () => new Date(),
        log: memoryLogger(),
        progress: new Progress({ write: (t: string) => (screen.push(t), true) }),
        parseProject: (i) => parseProject(i, env),
      });
      const logs = await Promise.all(
        outcome.shards.map(async (s) => (await fs.readFile(path.join(s.shardDir, 'dbt.log'), 'utf8')).slice(-3000)),
      );
      expect(outcome.exitCode, `${screen.join('')}\n${logs.join('\n')}`).toBe(0);
      expect(outcome.shards[0]!.artifact.dbtVersion).toMatch(new RegExp(`^${minor.replace('.', '\\.')}\\.`));
      const report = JSON.parse(await fs.readFile(path.join(outcome.reportDir, 'run_results.json'), 'utf8')) as {
        results: Array<{ unique_id: string; status: string }>;
      };
      const planned = [...outcome.plan.shards.flatMap((s) => s.nodes), ...outcome.plan.finalTests];
      // every planned node once (dbt 1.9+ also reports the project's hooks, as operation.*)
      expect(
        report.results
          .map((r) => r.unique_id)
          .filter((id) => !id.startsWith('operation.'))
          .sort(),
      ).toEqual(planned.sort());
      expect(report.results.filter((r) => !['success', 'pass'].includes(r.status))).toEqual([]);
      expect(outcome.database).toBe(database);
      const audit = await queryDuckDb(database, 'select count(*) as n from main.audit_runs');
      expect(Number(audit[0]!['n'])).toBe(1);
      if (microbatch) {
        expect(planned).toContain('model.shop.web_events_daily');
        const days = await queryDuckDb(
          database,
          "select strftime(event_date, '%Y-%m-%d') as d from main.web_events_daily order by 1",
        );
        expect(days.map((r) => r['d'])).toEqual(['2024-01-05', '2024-01-06', '2024-01-07']);
        const overview = await queryDuckDb(
          database,
          "select strftime(order_date, '%Y-%m-%d') as d, web_events from main_reporting.rpt_daily_overview order by 1",
        );
        expect(overview.map((r) => r['d'])).toEqual(['2024-01-05', '2024-01-06', '2024-01-07']);
        expect(overview.every((r) => Number(r['web_events']) > 0)).toBe(true);
      }
      process.stdout.write(
        `dbt ${minor}: plan → run → merge of ${planned.length} nodes in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    },
    600_000,
  );
});
