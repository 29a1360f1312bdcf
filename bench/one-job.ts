/**
 * `npm run bench -- one-job` (also part of `local`): on the example project (DuckDB, real dbt),
 * the planner's choice run by `dbt-matrix local` vs one plain `dbt build --threads N` holding the
 * same connections (N + 1 = the budget, up to the planner's thread ceiling, DEFAULT_MAX_THREADS). Target: the
 * planner's choice never more than 10 % slower. Runs alternate (local with warm dbt starts as users get it, local with
 * every dbt started cold, the plain build); the same --out folder is reused,
 * so from the second run on local plans with the previous report's timings, as users get it.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MAX_THREADS } from '../src/core/partition/index.js';
import type { Plan } from '../src/core/plan/schema.js';
import { runDbtProcess } from '../src/io/dbt-process.js';
import { oneShardReason } from '../src/core/plan/summary.js';
import { parseLocalInputs } from '../src/local/inputs.js';
import { runLocal } from '../src/local/main.js';
import { copyExampleProject, DBT_BIN, removeDir } from '../test/helpers/dbt.js';
import { benchLocalDeps, EXAMPLE_INTERVAL, exampleEnv, plainExampleBuild } from './example-run.js';
import { startCpu } from './cpu-usage.js';

const BUDGETS = [4, 9];
const REPEATS = 3;

export async function benchOneJob(tmp: string, budgets = BUDGETS): Promise<void> {
  console.log(
    "\n## one job: the planner's choice (`local`) vs one plain `dbt build` at the same connection budget (examples/shop, DuckDB, real dbt)",
  );
  console.log(
    `wall seconds, runs alternating, ${REPEATS} each after one unmeasured run of each (its first parse is a full one); each keeps its own project copy and local its --out folder (so dbt parses partially and local plans with its previous report's timings, as when a user runs it again)\n`,
  );
  console.log(
    'CPU: seconds our processes used (dbt children included), summed over the runs: on a machine others keep busy, wall time follows the CPU share we get, CPU seconds do not\n',
  );
  console.log(
    "| budget | planner's choice (per run) | local wall s | local, every dbt started cold: wall s (÷ build) | dbt build --threads N wall s | local ÷ build (median) | target ≤ 1.10 | CPU s local / build (÷) | machine busy |",
  );
  console.log('|---|---|---|---|---|---:|---|---|---:|');
  for (const budget of budgets) {
    // each variant its own copy and --out folder: dbt's partial parsing (and local's timings) carry
    // over between that variant's runs only, as they do for a user running one of them again
    const variants = ['warm', 'cold', 'plain'] as const;
    const projects = Object.fromEntries(
      await Promise.all(variants.map(async (v) => [v, await copyExampleProject()] as const)),
    ) as Record<(typeof variants)[number], string>;
    const threads = Math.min(budget - 1, DEFAULT_MAX_THREADS);
    const locals: number[] = [];
    const colds: number[] = [];
    const builds: number[] = [];
    const choices: string[] = [];
    const cpu = { local: 0, build: 0, machine: 0, wall: 0 };
    // `local` as users get it (warm dbt starts), or with every dbt started cold (runDbtProcess)
    const timeLocal = async (variant: 'warm' | 'cold'): Promise<{ seconds: number; plan: Plan; vars: unknown }> => {
      const project = projects[variant];
      const e = exampleEnv(project);
      const inputs = parseLocalInputs({
        'project-dir': project,
        'profiles-dir': project,
        'dbt-command': DBT_BIN,
        out: path.join(tmp, `one-job-${budget}-${variant}`),
        'connection-budget': String(budget),
        ...EXAMPLE_INTERVAL,
      });
      const t0 = performance.now();
      const localCpu = startCpu();
      const outcome = await runLocal(inputs, benchLocalDeps(e, variant === 'cold' ? runDbtProcess : undefined));
      const seconds = (performance.now() - t0) / 1000;
      if (outcome.exitCode !== 0) throw new Error(`local failed at budget ${budget}: see ${outcome.summaryFile}`);
      if (variant === 'warm') {
        const lu = localCpu();
        cpu.local += lu.ours;
        cpu.machine += lu.machine;
        cpu.wall += seconds * lu.cores;
      }
      return { seconds, plan: outcome.plan, vars: outcome.shards[0]!.artifact.vars };
    };
    const timeBuild = async (vars: unknown, run: number): Promise<number> => {
      const project = projects.plain;
      const db = path.join(project, 'plain', `run${run}.duckdb`);
      await mkdir(path.dirname(db), { recursive: true });
      const t1 = performance.now();
      const buildCpu = startCpu();
      const r = await plainExampleBuild({ project, threads, vars, db, env: exampleEnv(project) });
      const seconds = (performance.now() - t1) / 1000;
      if (r.code !== 0) throw new Error(`dbt build failed:\n${r.stdout}`);
      if (run > 0) {
        const bu = buildCpu();
        cpu.build += bu.ours;
        cpu.machine += bu.machine;
        cpu.wall += seconds * bu.cores;
      }
      return seconds;
    };
    try {
      // run 0 of each variant is not measured: dbt's first parse is a full one, local's first plan has no timings
      for (let i = 0; i <= REPEATS; i++) {
        const warm = await timeLocal('warm');
        const cold = await timeLocal('cold');
        const build = await timeBuild(warm.vars, i);
        if (i === 0) continue;
        locals.push(warm.seconds);
        colds.push(cold.seconds);
        builds.push(build);
        const p = warm.plan;
        choices.push(
          oneShardReason(p)
            ? `1 shard × ${p.threads} threads`
            : `${p.shards.length} shards / ${p.stages} stages × ${p.threads} threads`,
        );
      }
    } finally {
      await Promise.all(Object.values(projects).map((p) => removeDir(p)));
      await Promise.all(
        (['warm', 'cold'] as const).map((v) =>
          rm(path.join(tmp, `one-job-${budget}-${v}`), { recursive: true, force: true }),
        ),
      );
    }
    const med = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
    };
    const ratio = med(locals) / med(builds);
    console.log(
      `| ${budget} | ${choices.join('; ')} | ${locals.map((x) => x.toFixed(1)).join(', ')} | ${colds.map((x) => x.toFixed(1)).join(', ')} (${(med(colds) / med(builds)).toFixed(2)}) | ${builds.map((x) => x.toFixed(1)).join(', ')} (${threads} threads) | ${ratio.toFixed(2)} | ${ratio <= 1.1 ? 'met' : 'NOT met'} | ` +
        `${cpu.local.toFixed(1)} / ${cpu.build.toFixed(1)} (${(cpu.local / cpu.build).toFixed(2)}) | ${((100 * cpu.machine) / cpu.wall).toFixed(0)} % |`,
    );
  }
}
