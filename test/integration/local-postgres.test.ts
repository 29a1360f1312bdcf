/**
 * `dbt-matrix local` on a real PostgreSQL server: parallel shards share the server (one schema),
 * under a role whose CONNECTION LIMIT is the budget, and the result equals a plain sequential
 * `dbt build` with the same vars in a second schema — every table, every row.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { parseProject } from '../../src/io/dbt-parse.js';
import { parseLocalInputs } from '../../src/local/inputs.js';
import { runLocal } from '../../src/local/main.js';
import { Progress } from '../../src/local/progress.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN, removeDir, runDbt } from '../helpers/dbt.js';
import { quoteIdent, quoteLiteral, startPostgres, type PgServer } from '../helpers/postgres.js';

const BUDGET = 6;
const ROLE = 'local_runner';
const ROLE_PASSWORD = 'local-pw-456';
const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};

let pg: PgServer;
const dirs: string[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  // exceeding the budget fails loudly: "too many connections for role"
  await pg.createRole(ROLE, { password: ROLE_PASSWORD, connectionLimit: BUDGET });
}, 180_000);

afterAll(async () => {
  await pg?.stop();
  for (const d of dirs) await removeDir(d);
});

async function tables(schema: string): Promise<string[]> {
  const out = await pg.psql(
    `select table_name from information_schema.tables where table_schema = ${quoteLiteral(schema)} order by 1`,
  );
  return out === '' ? [] : out.split('\n');
}

async function rows(schema: string, table: string): Promise<string[]> {
  const out = await pg.psql(`select t::text from ${quoteIdent(schema)}.${quoteIdent(table)} t`);
  return (out === '' ? [] : out.split('\n')).sort();
}

describe('dbt-matrix local on PostgreSQL', () => {
  it('runs shards in parallel within the connection limit and equals a sequential dbt build', async () => {
    const project = await copyExampleProject();
    dirs.push(project);
    const env = pg.env({
      PGUSER: ROLE,
      DBT_PG_PASSWORD: ROLE_PASSWORD,
      DBT_SCHEMA: 'par',
      DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    });
    const inputs = parseLocalInputs({
      'project-dir': project,
      'profiles-dir': project,
      target: 'postgres',
      'dbt-command': DBT_BIN,
      out: path.join(project, 'local-out'),
      'connection-budget': String(BUDGET),
      threads: '2',
      'max-stages': '3',
      'shard-overhead-seconds': '0',
      start: '2024-01-03',
      end: '2024-01-28',
    });
    const screen: string[] = [];
    const outcome = await runLocal(inputs, {
      env,
      trigger,
      now: () => new Date(),
      log: memoryLogger(),
      progress: new Progress({ write: (t: string) => screen.push(t) }),
      parseProject: (req) => parseProject(req, env),
    });
    const failedLogs = await Promise.all(
      outcome.shards
        .filter((o) => o.status !== 'success')
        .map(async (o) =>
          (await fs.readFile(path.join(o.shardDir, 'dbt.log'), 'utf8')).split('\n').slice(-25).join('\n'),
        ),
    );
    expect(outcome.exitCode, `${screen.join('')}\n${failedLogs.join('\n---\n')}`).toBe(0);
    // the plan's dbt parse is the only parse of the run: every shard's dbt reused it
    expect(outcome.shards.map((o) => [o.artifact.id, o.artifact.reparsed ?? null])).toEqual(
      outcome.shards.map((o) => [o.artifact.id, null]),
    );
    expect(outcome.database).toBeNull();
    expect(outcome.plan.maxParallel).toBeGreaterThanOrEqual(2);
    const stage1 = outcome.shards.filter((s) => s.artifact.stage === 1).map((s) => s.artifact);
    expect(stage1.length).toBeGreaterThanOrEqual(2);
    expect(
      Date.parse(stage1[0]!.startedAt) < Date.parse(stage1[1]!.endedAt) &&
        Date.parse(stage1[1]!.startedAt) < Date.parse(stage1[0]!.endedAt),
    ).toBe(true);

    const built = await runDbt(
      [
        'build',
        '--project-dir',
        project,
        '--profiles-dir',
        project,
        '--target',
        'postgres',
        '--threads',
        '2',
        '--vars',
        JSON.stringify(outcome.shards[0]!.artifact.vars),
        '--event-time-start',
        '2024-01-03T00:00:00',
        '--event-time-end',
        '2024-01-28T00:00:00',
      ],
      { cwd: project, env: pg.env({ DBT_SCHEMA: 'seq', DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' }) },
    );
    expect(built.code, built.stdout).toBe(0);

    const ours = await tables('par');
    expect(ours).toEqual(await tables('seq'));
    expect(ours.length).toBeGreaterThan(30);
    // the custom schema (generate_schema_name): <target schema>_reporting
    expect(await tables('par_reporting')).toEqual(['rpt_daily_overview']);
    expect(await rows('par_reporting', 'rpt_daily_overview')).toEqual(
      await rows('seq_reporting', 'rpt_daily_overview'),
    );
    // one audit row per dbt invocation (shard), and the once-per-run row as in the sequential build
    expect((await rows('par', 'audit_invocations')).length).toBe(outcome.shards.length);
    expect(await rows('par', 'audit_runs')).toEqual(await rows('seq', 'audit_runs'));
    let nonEmpty = 0;
    for (const t of ours.filter((name) => name !== 'audit_invocations')) {
      const a = await rows('par', t);
      expect(a, t).toEqual(await rows('seq', t));
      if (a.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(30);
  }, 600_000);
});
