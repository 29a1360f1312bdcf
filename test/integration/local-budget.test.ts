/**
 * The connection budget holds under load: `dbt-matrix local` against a PostgreSQL role whose
 * CONNECTION LIMIT equals the budget is never refused a connection, also when it is cancelled
 * while every shard's queries run (each dbt then opens one more connection to cancel them: the
 * `threads + 1` the planner budgets). One run of each here for the suite's time;
 * `npm run bench -- budget` runs 20 in a row and the over-budget case (a budget one higher than
 * the role allows must be refused when the shards cancel).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/dbt.js';
import { localUnderBudget, sleepProject } from '../helpers/budget-project.js';
import { startPostgres, type PgServer } from '../helpers/postgres.js';

const PASSWORD = 'budget-pw-789';
let pg: PgServer;
let project: string;

beforeAll(async () => {
  pg = await startPostgres();
  // threads 1: 2 connections per shard, budget 4 = two shards at once
  await pg.createRole('budget_exact', { password: PASSWORD, connectionLimit: 4 });
  project = await sleepProject(4, 1);
}, 180_000);

afterAll(async () => {
  await pg?.stop();
  if (project) await removeDir(project);
});

describe('the connection budget under load', () => {
  it('budget = CONNECTION LIMIT: a whole run, and a run cancelled while every shard sleeps, are never refused a connection', async () => {
    const base = { project, role: 'budget_exact', password: PASSWORD, budget: 4, threads: 1 };
    const whole = await localUnderBudget(pg, { ...base, out: path.join(project, 'exact'), schema: 'exact' });
    console.info(`budget 4, limit 4: ${JSON.stringify(whole)}`);
    expect(whole.maxParallel * (whole.threads + 1)).toBe(4); // the budget is spent, not left over
    expect(whole).toMatchObject({ refused: 0, exitCode: 0 });
    const cancelled = await localUnderBudget(pg, { ...base, out: path.join(project, 'exact-cancel'), schema: 'exact', napSeconds: 900, cancelWhenSleeping: 2 });
    console.info(`budget 4, limit 4, cancelled: ${JSON.stringify(cancelled)}`);
    expect(cancelled).toMatchObject({ refused: 0, leftRunning: 0 });
    expect(cancelled.peak).toBeLessThanOrEqual(4);
  }, 600_000);
});
