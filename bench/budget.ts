/**
 * The connection budget under load (`npm run bench -- budget`): consecutive `dbt-matrix local`
 * runs against a PostgreSQL role whose CONNECTION LIMIT equals the budget, alternating whole runs
 * and runs cancelled while every query sleeps (each dbt then opens one more connection to cancel:
 * the `threads + 1` the planner budgets), two shards at once; every one must see zero refused
 * connections (from the server's log) and, when cancelled, no query left running. Then the
 * negative controls, a budget one higher than the role allows:
 * - one shard with budget − 1 threads, cancelled: its cancel connects while all its queries hold
 *   theirs, so it must be refused every time (the suite runs this pair once:
 *   test/integration/local-budget.test.ts);
 * - two shards, cancelled: each dbt ends its own queries right after connecting, which frees slots
 *   for the next, so this is refused only when the cancels connect at the same moment (usual: the
 *   SIGINTs go out together); dbt then retries and its cancel still works, so only the server's
 *   log shows it. Counted, not required.
 * BUDGET_RUNS (default 20) and BUDGET_OVER_RUNS (default 3) set the counts.
 */
import path from 'node:path';
import { removeDir } from '../test/helpers/dbt.js';
import { localUnderBudget, sleepProject, type BudgetRun } from '../test/helpers/budget-project.js';
import { startPostgres } from '../test/helpers/postgres.js';

const RUNS = Number(process.env['BUDGET_RUNS'] ?? 20);
const OVER_RUNS = Number(process.env['BUDGET_OVER_RUNS'] ?? 3);
const PASSWORD = 'budget-pw-789';
const LIMIT = 4;

function row(label: string, kind: string, limits: string, r: BudgetRun): void {
  console.log(
    `| ${label} | ${kind} | ${limits} | ${r.maxParallel} × ${r.threads + 1} | ${r.peak} | ${r.refused} | ${r.leftRunning} | ${r.exitCode} | ${r.seconds.toFixed(1)} |`,
  );
}

export async function benchBudget(tmp: string): Promise<void> {
  console.log(
    `\n## connection budget: ${RUNS} consecutive local runs, role CONNECTION LIMIT = budget = ${LIMIT} (PostgreSQL), then budget one over\n`,
  );
  console.log(
    'peak = most sessions of the role seen at once, sampled (it misses short ones); refused = FATAL lines in the server log\n',
  );
  const pg = await startPostgres();
  const project = await sleepProject(LIMIT, 1);
  const out = (name: string): string => path.join(tmp, 'budget', name);
  try {
    await pg.createRole('budget_exact', { password: PASSWORD, connectionLimit: LIMIT });
    await pg.createRole('budget_five', { password: PASSWORD, connectionLimit: LIMIT + 1 });
    const exact = { project, role: 'budget_exact', password: PASSWORD, schema: 'exact' };
    console.log(
      '| run | kind | budget / limit | shards × (threads + 1) | peak | refused | left running | exit | seconds |',
    );
    console.log('|---:|---|---|---|---:|---:|---:|---:|---:|');
    let held = 0;
    for (let run = 1; run <= RUNS; run++) {
      const cancelled = run % 2 === 0;
      const r = cancelled
        ? await localUnderBudget(pg, {
            ...exact,
            budget: LIMIT,
            threads: 1,
            out: out(`run-${run}`),
            napSeconds: 900,
            cancelWhenSleeping: 2,
          })
        : await localUnderBudget(pg, { ...exact, budget: LIMIT, threads: 1, out: out(`run-${run}`) });
      if (r.refused === 0 && (cancelled ? r.leftRunning === 0 : r.exitCode === 0)) held++;
      row(String(run), cancelled ? 'cancelled, 2 shards' : 'whole, 2 shards', `${LIMIT} / ${LIMIT}`, r);
    }
    let oneShardRefused = 0;
    for (let run = 1; run <= OVER_RUNS; run++) {
      const r = await localUnderBudget(pg, {
        ...exact,
        budget: LIMIT + 1,
        threads: LIMIT,
        out: out(`over-one-${run}`),
        napSeconds: 900,
        cancelWhenSleeping: LIMIT,
      });
      if (r.refused > 0) oneShardRefused++;
      row(`over ${run}`, 'cancelled, 1 shard', `${LIMIT + 1} / ${LIMIT}`, r);
    }
    let twoShardsRefused = 0;
    for (let run = 1; run <= OVER_RUNS; run++) {
      const r = await localUnderBudget(pg, {
        project,
        role: 'budget_five',
        password: PASSWORD,
        schema: 'five',
        budget: LIMIT + 2,
        threads: 2,
        out: out(`over-two-${run}`),
        napSeconds: 900,
        cancelWhenSleeping: LIMIT,
      });
      if (r.refused > 0) twoShardsRefused++;
      row(`over ${run}`, 'cancelled, 2 shards', `${LIMIT + 2} / ${LIMIT + 1}`, r);
    }
    console.log(
      `\n${held} of ${RUNS} runs at budget = limit had no refused connection (and, cancelled, left no query running)`,
    );
    console.log(
      `budget one over the limit, one shard cancelled: refused in ${oneShardRefused} of ${OVER_RUNS} runs (must be all)`,
    );
    console.log(
      `budget one over the limit, two shards cancelled at once: refused in ${twoShardsRefused} of ${OVER_RUNS} runs (timing: only when the cancels connect at the same moment)`,
    );
  } finally {
    await pg.stop();
    await removeDir(project);
  }
}
