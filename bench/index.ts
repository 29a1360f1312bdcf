/**
 * `npm run bench`: figures measured side by side in one run (ratios, not absolute targets).
 * Sections: plan (vs JSON.parse, memory, quality), quality (makespan vs bounds over many DAGs and
 * timing draws), quality-search (the planner vs the best plan a long annealing search finds; slow,
 * by name only), dbt-costs (dbt's own start-up and CPU per node, real dbt), threads (one dbt
 * process at 1…32 threads on PostgreSQL and DuckDB vs the planner's model of it), crossover (one job vs
 * the plan on GitHub runners), merge (256 shards × 200 results), run (runner overhead vs a direct
 * dbt build), local (pipeline wall vs sum of shard times; pg-sleep: plan vs actual on PostgreSQL;
 * one-job: the planner's choice vs a plain dbt build), budget (connection budget under load: 20
 * local runs against a role limited to the budget), startup (a shard's parse and selection on a
 * generated 1,500-model project; slow: run it alone), scanner (the manifest splitter's WebAssembly
 * scanner against another revision's: BENCH_SCANNER_AGAINST, default main).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchBudget } from './budget.js';
import { benchCrossover } from './crossover.js';
import { benchDbtCosts } from './dbt-costs.js';
import { benchLocal } from './local.js';
import { benchOneJob } from './one-job.js';
import { benchPgSleep } from './pg-sleep.js';
import { benchMerge } from './merge.js';
import { benchPlan } from './plan.js';
import { benchQuality } from './quality.js';
import { benchQualitySearch } from './quality-search.js';
import { benchRun } from './run.js';
import { benchScanner } from './scanner.js';
import { benchStartup } from './startup.js';
import { benchThreads } from './threads.js';

const only = process.argv.slice(2);
/** sections that `local` runs too: by name alone they run once */
const PART_OF_LOCAL = new Set(['one-job', 'pg-sleep']);
/** minutes of offline search: only when asked for by name */
const BY_NAME_ONLY = new Set([...PART_OF_LOCAL, 'quality-search']);
const tmp = mkdtempSync(path.join(tmpdir(), 'dbt-matrix-bench-'));
const sections: Record<string, (tmp: string) => Promise<void>> = {
  plan: benchPlan,
  quality: benchQuality,
  'quality-search': benchQualitySearch,
  'dbt-costs': benchDbtCosts,
  threads: benchThreads,
  crossover: benchCrossover,
  'one-job': benchOneJob,
  'pg-sleep': benchPgSleep,
  merge: benchMerge,
  run: benchRun,
  local: async (tmp) => {
    await benchLocal(tmp);
    await benchPgSleep(tmp);
    await benchOneJob(tmp);
  },
  budget: benchBudget,
  startup: benchStartup,
  scanner: benchScanner,
};
try {
  for (const [name, run] of Object.entries(sections)) {
    if ((only.length === 0 && !BY_NAME_ONLY.has(name)) || only.includes(name)) await run(tmp);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
