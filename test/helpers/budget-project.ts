/**
 * The connection budget under load, shared by the test (a few runs) and the bench (20 runs):
 * `dbt-matrix local` on a project of independent pg_sleep models against a PostgreSQL role whose
 * CONNECTION LIMIT is the budget. Every shard's dbt holds its connections while its models sleep,
 * so the shards of a stage overlap and the budget is really spent.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { parseProject } from '../../src/io/dbt-parse.js';
import { parseLocalInputs } from '../../src/local/inputs.js';
import { runLocal } from '../../src/local/main.js';
import { Progress } from '../../src/local/progress.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN } from './dbt.js';
import type { PgServer } from './postgres.js';

const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};
/** what the server logs when it refuses a connection for lack of slots */
const REFUSED = /FATAL:\s+(too many connections|remaining connection slots)/;

/** The example project's profile and macros with `models` independent models that sleep. */
export async function sleepProject(models: number, seconds: number): Promise<string> {
  const project = await copyExampleProject();
  for (const dir of ['models', 'tests', 'snapshots', 'seeds'])
    await fs.rm(path.join(project, dir), { recursive: true, force: true });
  await fs.rm(path.join(project, 'selectors.yml'), { force: true });
  await fs.mkdir(path.join(project, 'models'));
  for (let i = 0; i < models; i++) {
    await fs.writeFile(
      path.join(project, 'models', `nap_${i}.sql`),
      `{{ config(materialized='table') }}\n{{ shop.sleep_query(var('nap_seconds', ${seconds})) }}\n`,
    );
  }
  return project;
}

export interface BudgetRun {
  exitCode: number;
  /**
   * connections the server refused for lack of slots during the run, from its log: a dbt
   * stopped while its cancel waits may never print the error itself
   */
  refused: number;
  /** most connections of the role seen at once (sampled every 50 ms) */
  peak: number;
  maxParallel: number;
  threads: number;
  shards: number;
  seconds: number;
  /** pg_sleep queries of the role still running after the run (cancelled runs) */
  leftRunning: number;
}

/**
 * One `local` run as `role` with `budget` (and `threads` when given); `out` is emptied by local
 * itself. `cancelWhenSleeping`: cancel the run (as Ctrl-C does) once that many of the role's
 * queries sleep at once: every dbt then opens one more connection to cancel its queries
 * (threads + 1), which is when a budget above the role's limit shows. Sessions a refused cancel
 * left sleeping are ended afterwards (after counting them), so the next run starts clean.
 */
export async function localUnderBudget(
  pg: PgServer,
  o: {
    project: string;
    role: string;
    password: string;
    budget: number;
    threads?: number;
    out: string;
    schema: string;
    napSeconds?: number;
    cancelWhenSleeping?: number;
  },
): Promise<BudgetRun> {
  const env = pg.env({
    PGUSER: o.role,
    DBT_PG_PASSWORD: o.password,
    DBT_SCHEMA: o.schema,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
  });
  const inputs = parseLocalInputs({
    'project-dir': o.project,
    'profiles-dir': o.project,
    target: 'postgres',
    'dbt-command': DBT_BIN,
    out: o.out,
    'connection-budget': String(o.budget),
    ...(o.threads !== undefined ? { threads: String(o.threads) } : {}),
    'max-stages': '1',
    'shard-overhead-seconds': '0',
    // a dbt whose cancel was refused waits for its sleeping queries: stop it soon after
    'grace-seconds': '5',
    ...(o.napSeconds !== undefined ? { vars: `nap_seconds: ${o.napSeconds}` } : {}),
  });
  const sleeping = async (): Promise<number> =>
    Number(
      await pg.psql(
        `select count(*) from pg_stat_activity where usename = '${o.role}' and state = 'active' and query ilike '%pg_sleep%'`,
      ),
    );
  const abort = new AbortController();
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, Number(await pg.psql(`select count(*) from pg_stat_activity where usename = '${o.role}'`)));
      if (o.cancelWhenSleeping !== undefined && !abort.signal.aborted && (await sleeping()) >= o.cancelWhenSleeping)
        abort.abort();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const started = Date.now();
  const logFrom = (await fs.stat(pg.logFile)).size;
  try {
    const outcome = await runLocal(inputs, {
      env,
      trigger,
      now: () => new Date(),
      log: memoryLogger(),
      progress: new Progress({ write: () => true }),
      parseProject: (i) => parseProject(i, env),
      signal: abort.signal,
    });
    await new Promise((r) => setTimeout(r, 1000)); // a cancelled backend may show as active for a moment
    const serverLog = (await fs.readFile(pg.logFile)).subarray(logFrom).toString('utf8');
    const refused = serverLog.split('\n').filter((l) => REFUSED.test(l)).length;
    return {
      exitCode: outcome.exitCode,
      refused,
      peak,
      maxParallel: outcome.plan.maxParallel,
      threads: outcome.plan.threads,
      shards: outcome.plan.shards.length,
      seconds: (Date.now() - started) / 1000,
      leftRunning: await sleeping(),
    };
  } finally {
    sampling = false;
    await sampler;
    await endSessions(pg, o.role);
  }
}

/** Ends the role's sessions a refused cancel left sleeping, so they hold no slot in the next run. */
async function endSessions(pg: PgServer, role: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    // pids first: in one statement the server may call pg_terminate_backend before filtering
    const pids = (await pg.psql(`select pid from pg_stat_activity where usename = '${role}'`))
      .split('\n')
      .filter((l) => /^\d+$/.test(l));
    if (pids.length === 0) return;
    await pg.psql(`select pg_terminate_backend(p) from unnest(array[${pids.join(',')}]::int[]) as p`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sessions of ${role} still open after pg_terminate_backend`);
}
