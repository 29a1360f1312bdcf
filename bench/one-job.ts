/**
 * `npm run bench -- one-job` (also part of `local`): on the example project (DuckDB, real dbt),
 * the planner's choice run by `dbt-matrix local` vs one plain `dbt build --threads N` holding the
 * same connections (N + 1 = the budget, up to the planner's thread ceiling, DEFAULT_MAX_THREADS). Target: the
 * planner's choice never more than 10 % slower. Runs alternate; the same --out folder is reused,
 * so from the second run on local plans with the previous report's timings, as users get it.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MAX_THREADS } from '../src/core/partition/index.js';
import { oneShardReason } from '../src/core/plan/summary.js';
import { parseProject } from '../src/io/dbt-parse.js';
import { parseLocalInputs } from '../src/local/inputs.js';
import { runLocal } from '../src/local/main.js';
import { Progress } from '../src/local/progress.js';
import { memoryLogger } from '../src/shared/log.js';
import { copyExampleProject, DBT_BIN, removeDir } from '../test/helpers/dbt.js';
import { BENCH_TRIGGER, EXAMPLE_INTERVAL, exampleEnv, plainExampleBuild } from './example-run.js';
import { startCpu } from './cpu-usage.js';

const BUDGETS = [4, 9];
const REPEATS = 2;

export async function benchOneJob(tmp: string, budgets = BUDGETS): Promise<void> {
  console.log(
    "\n## one job: the planner's choice (`local`) vs one plain `dbt build` at the same connection budget (examples/shop, DuckDB, real dbt)",
  );
  console.log(
    `wall seconds, runs alternating, ${REPEATS} each; local reuses its --out folder (timings of the previous report from run 2)\n`,
  );
  console.log(
    'CPU: seconds our processes used (dbt children included), summed over the runs: on a machine others keep busy, wall time follows the CPU share we get, CPU seconds do not\n',
  );
  console.log(
    "| budget | planner's choice (per run) | local wall s | dbt build --threads N wall s | local ÷ build (median) | target ≤ 1.10 | CPU s local / build (÷) | machine busy |",
  );
  console.log('|---|---|---|---|---:|---|---|---:|');
  for (const budget of budgets) {
    const project = await copyExampleProject();
    const out = path.join(tmp, `one-job-${budget}`);
    const threads = Math.min(budget - 1, DEFAULT_MAX_THREADS);
    const e = exampleEnv(project);
    const locals: number[] = [];
    const builds: number[] = [];
    const choices: string[] = [];
    const cpu = { local: 0, build: 0, machine: 0, wall: 0 };
    try {
      for (let i = 0; i < REPEATS; i++) {
        const inputs = parseLocalInputs({
          'project-dir': project,
          'profiles-dir': project,
          'dbt-command': DBT_BIN,
          out,
          'connection-budget': String(budget),
          ...EXAMPLE_INTERVAL,
        });
        const t0 = performance.now();
        const localCpu = startCpu();
        const outcome = await runLocal(inputs, {
          env: e,
          trigger: BENCH_TRIGGER,
          now: () => new Date(),
          log: memoryLogger(),
          progress: new Progress({ write: () => true }),
          parseProject: (x) => parseProject(x, e),
        });
        locals.push((performance.now() - t0) / 1000);
        const lu = localCpu();
        cpu.local += lu.ours;
        cpu.machine += lu.machine;
        cpu.wall += locals.at(-1)! * lu.cores;
        if (outcome.exitCode !== 0) throw new Error(`local failed at budget ${budget}: see ${outcome.summaryFile}`);
        const p = outcome.plan;
        choices.push(
          oneShardReason(p)
            ? `1 shard × ${p.threads} threads`
            : `${p.shards.length} shards / ${p.stages} stages × ${p.threads} threads`,
        );

        const db = path.join(project, 'plain', `run${i}.duckdb`);
        await mkdir(path.dirname(db), { recursive: true });
        const t1 = performance.now();
        const buildCpu = startCpu();
        const r = await plainExampleBuild({ project, threads, vars: outcome.shards[0]!.artifact.vars, db, env: e });
        builds.push((performance.now() - t1) / 1000);
        const bu = buildCpu();
        cpu.build += bu.ours;
        cpu.machine += bu.machine;
        cpu.wall += builds.at(-1)! * bu.cores;
        if (r.code !== 0) throw new Error(`dbt build failed:\n${r.stdout}`);
      }
    } finally {
      await removeDir(project);
      await rm(out, { recursive: true, force: true });
    }
    const med = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
    };
    const ratio = med(locals) / med(builds);
    console.log(
      `| ${budget} | ${choices.join('; ')} | ${locals.map((x) => x.toFixed(1)).join(', ')} | ${builds.map((x) => x.toFixed(1)).join(', ')} (${threads} threads) | ${ratio.toFixed(2)} | ${ratio <= 1.1 ? 'met' : 'NOT met'} | ` +
        `${cpu.local.toFixed(1)} / ${cpu.build.toFixed(1)} (${(cpu.local / cpu.build).toFixed(2)}) | ${((100 * cpu.machine) / cpu.wall).toFixed(0)} % |`,
    );
  }
}
