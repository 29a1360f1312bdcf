/**
 * The connection budget under load: 20 consecutive `dbt-matrix local` runs against a PostgreSQL
 * role whose CONNECTION LIMIT equals the budget (every run must see zero refused connections),
 * then the same with a budget one higher than the role allows, cancelled while every shard's
 * queries run (it must be refused: the limit binds). The suite runs one of each
 * (test/integration/local-budget.test.ts).
 */
import path from 'node:path';
import { removeDir } from '../test/helpers/dbt.js';
import { localUnderBudget, sleepProject } from '../test/helpers/budget-project.js';
import { startPostgres } from '../test/helpers/postgres.js';

const RUNS = Number(process.env['BUDGET_RUNS'] ?? 20);
const PASSWORD = 'budget-pw-789';

export async function benchBudget(tmp: string): Promise<void> {
  console.log(`\n## connection budget: ${RUNS} consecutive local runs, role CONNECTION LIMIT = budget (PostgreSQL)\n`);
  const pg = await startPostgres();
  const project = await sleepProject(4, 1);
  try {
    await pg.createRole('budget_exact', { password: PASSWORD, connectionLimit: 4 });
    await pg.createRole('budget_over', { password: PASSWORD, connectionLimit: 5 });
    console.log('| run | budget / limit | shards × (threads + 1) | peak connections | refused | exit | seconds |');
    console.log('|---:|---|---|---:|---:|---:|---:|');
    let refusedRuns = 0;
    for (let run = 1; run <= RUNS; run++) {
      const r = await localUnderBudget(pg, { project, role: 'budget_exact', password: PASSWORD, budget: 4, threads: 1, out: path.join(tmp, 'budget', `run-${run}`), schema: 'exact' });
      if (r.refused > 0 || r.exitCode !== 0) refusedRuns++;
      console.log(`| ${run} | 4 / 4 | ${r.maxParallel} × ${r.threads + 1} | ${r.peak} | ${r.refused} | ${r.exitCode} | ${r.seconds.toFixed(1)} |`);
    }
    const over = await localUnderBudget(pg, { project, role: 'budget_over', password: PASSWORD, budget: 6, threads: 2, out: path.join(tmp, 'budget', 'over'), schema: 'over', napSeconds: 900, cancelWhenSleeping: 4 });
    console.log(`| over | 6 / 5, cancelled | ${over.maxParallel} × ${over.threads + 1} | ${over.peak} | ${over.refused} | ${over.exitCode} | ${over.seconds.toFixed(1)} |`);
    console.log(`\n${RUNS - refusedRuns} of ${RUNS} runs at budget = limit had no refused connection and passed; the over-budget run was ${over.refused + over.leftRunning > 0 ? 'refused, as it must be' : 'NOT refused: the test limit does not bind'}`);
  } finally {
    await pg.stop();
    await removeDir(project);
  }
}
