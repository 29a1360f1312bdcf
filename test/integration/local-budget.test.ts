/**
 * The connection budget holds under load, and this test can tell when it does not: `dbt-matrix
 * local` against a PostgreSQL role whose CONNECTION LIMIT is 4, cancelled (as Ctrl-C does) while
 * every query sleeps, the moment a shard needs most connections: each dbt then opens one more
 * to cancel its queries, the `threads + 1` the planner budgets.
 * - budget 4 = the limit: no connection is refused and the cancel ends every query;
 * - budget 5, one more than the role allows, run the same way: the cancel's connection is refused
 *   ("too many connections for role", in the server's log) and the queries are left running.
 * Both runs are one shard with every thread the budget allows (budget − 1): its cancel connects
 * while all its queries hold their connections, so the budget is reached exactly (and exceeded
 * by one) every time. With several shards at once each dbt ends its own queries right after
 * connecting, freeing slots for the next, so going one over the limit is refused only when the
 * shards' cancels connect at the same moment (they usually do: the SIGINTs go out together), and
 * dbt retries the refused connection, so the cancel still works and dbt.log says nothing: refusals
 * are counted in the server's log. `npm run bench -- budget` counts how often that case is
 * refused, and runs 20 in a row at the budget (whole and cancelled runs of parallel shards).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/dbt.js';
import { localUnderBudget, sleepProject } from '../helpers/budget-project.js';
import { startPostgres, type PgServer } from '../helpers/postgres.js';

const PASSWORD = 'budget-pw-789';
const LIMIT = 4;
let pg: PgServer;
let project: string;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createRole('budget_role', { password: PASSWORD, connectionLimit: LIMIT });
  project = await sleepProject(LIMIT, 1);
}, 180_000);

afterAll(async () => {
  await pg?.stop();
  if (project) await removeDir(project);
});

const base = () => ({ project, role: 'budget_role', password: PASSWORD, schema: 'budget' });
/** one shard with budget − 1 threads, cancelled once every thread's query sleeps */
const cancelledOneShard = (budget: number) =>
  localUnderBudget(pg, {
    ...base(),
    budget,
    threads: budget - 1,
    out: path.join(project, `cancel-${budget}`),
    napSeconds: 900,
    cancelWhenSleeping: budget - 1,
  });

describe('the connection budget under load', () => {
  it('budget = CONNECTION LIMIT: a run cancelled while every query sleeps is never refused a connection, and its cancel ends every query', async () => {
    const atBudget = await cancelledOneShard(LIMIT);
    console.info(`budget ${LIMIT}, limit ${LIMIT}, cancelled: ${JSON.stringify(atBudget)}`);
    expect(atBudget).toMatchObject({ refused: 0, leftRunning: 0, maxParallel: 1, threads: LIMIT - 1 });
    expect(atBudget.peak).toBeLessThanOrEqual(LIMIT);
  }, 600_000);

  it('budget one higher than the role allows: the cancel is refused a connection and leaves the queries running', async () => {
    const over = await cancelledOneShard(LIMIT + 1);
    console.info(`budget ${LIMIT + 1}, limit ${LIMIT}, cancelled: ${JSON.stringify(over)}`);
    expect(over).toMatchObject({ maxParallel: 1, threads: LIMIT });
    expect(over.refused).toBeGreaterThan(0);
    expect(over.leftRunning).toBe(LIMIT);
    expect(over.exitCode).not.toBe(0);
  }, 600_000);
});
