/**
 * The connection budget holds under load: consecutive `dbt-matrix local` runs against a PostgreSQL
 * role whose CONNECTION LIMIT equals the budget see no refused connection, and the same run with
 * a budget one higher than the role allows does fail (so the limit really binds). Kept to a few
 * runs for the suite's time; `npm run bench -- budget` runs 20 in a row.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/dbt.js';
import { localUnderBudget, sleepProject } from '../helpers/budget-project.js';
import { startPostgres, type PgServer } from '../helpers/postgres.js';

/** threads 1: each shard's dbt holds threads + 1 = 2 connections; budget 4 = two shards at once */
const THREADS = 1;
const LIMIT = 4;
const ROLE = 'budget_runner';
const PASSWORD = 'budget-pw-789';
let pg: PgServer;
let project: string;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createRole(ROLE, { password: PASSWORD, connectionLimit: LIMIT });
  project = await sleepProject(4, 2);
}, 180_000);

afterAll(async () => {
  await pg?.stop();
  if (project) await removeDir(project);
});

describe('the connection budget under load', () => {
  it(`consecutive local runs with budget = CONNECTION LIMIT (${LIMIT}) are never refused a connection`, async () => {
    for (let run = 1; run <= 2; run++) {
      const r = await localUnderBudget(pg, { project, role: ROLE, password: PASSWORD, budget: LIMIT, threads: THREADS, out: path.join(project, `ok-${run}`), schema: 'ok' });
      console.info(`run ${run}: ${JSON.stringify(r)}`);
      expect(r.maxParallel * (r.threads + 1)).toBe(LIMIT); // the budget is spent, not left over
      expect(r.refused).toBe(0);
      expect(r.exitCode).toBe(0);
      expect(r.peak).toBeLessThanOrEqual(LIMIT);
    }
  }, 600_000);

  it('the same run with a budget one higher than the role allows fails loudly', async () => {
    // threads 2: 3 connections per shard; budget 6 = two shards at once, one more than the limit 5
    const role = 'budget_tight';
    await pg.createRole(role, { password: PASSWORD, connectionLimit: 5 });
    const r = await localUnderBudget(pg, { project, role, password: PASSWORD, budget: 6, threads: 2, out: path.join(project, 'over'), schema: 'over' });
    console.info(`over budget: ${JSON.stringify(r)}`);
    expect(r.maxParallel * (r.threads + 1)).toBe(6);
    expect(r.refused).toBeGreaterThan(0);
    expect(r.exitCode).not.toBe(0);
  }, 600_000);
});
