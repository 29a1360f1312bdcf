/**
 * `npm run bench -- dbt-costs`: what dbt itself costs on this machine, measured on real dbt-core
 * with DuckDB (whose `select 1` tables take next to no warehouse time, so what is left is dbt):
 * - start-up: a `dbt build` that selects nothing, with partial parsing warm (what a shard pays
 *   when it does not parse) and a full `dbt parse` (what it pays when it does);
 * - per node: (build wall − start-up) / nodes, at 1, 2, 4 and 8 threads, and the CPU seconds the
 *   process used per node (user + system): how far one dbt process scales with threads.
 * These are the figures behind the planner's defaults (src/core/partition/machine.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DBT_BIN, REPO_ROOT } from '../test/helpers/dbt.js';
import { writeProject } from './gen-project.js';

const PY = path.join(REPO_ROOT, '.venv', 'bin', 'python');
/** Runs a command (argument array) and reports wall seconds and its children's CPU seconds. */
const TIMED = [
  'import json,resource,subprocess,sys,time',
  't=time.time(); r=subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)',
  'u=resource.getrusage(resource.RUSAGE_CHILDREN)',
  'print(json.dumps({"code": r.returncode, "wall": time.time()-t, "cpu": u.ru_utime+u.ru_stime}))',
].join('\n');

export interface Timed {
  wall: number;
  cpu: number;
}

export function timedDbt(args: string[], cwd: string, env: NodeJS.ProcessEnv): Timed {
  const r = spawnSync(PY, ['-c', TIMED, DBT_BIN, ...args], { cwd, env, encoding: 'utf8' });
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Timed & { code: number };
  if (out.code !== 0) throw new Error(`dbt ${args.join(' ')} exited ${out.code} in ${cwd}`);
  return out;
}

export interface DbtCostFigures {
  startupWarm: Timed;
  parseFull: Timed;
  nodes: number;
  perThreads: Array<{ threads: number; wall: number; cpu: number; perNodeWall: number; perNodeCpu: number }>;
}

export async function measureDbtCosts(tmp: string, models = 150, repeats = 2): Promise<DbtCostFigures> {
  const dir = mkdtempSync(path.join(tmp, 'dbt-costs-'));
  await writeProject({ dir, models, depth: 6, adapter: 'duckdb', body: (i) => `select ${i} as id` });
  const env = {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
    DBT_DUCKDB_PATH: path.join(dir, 'gen.duckdb'),
  };
  const base = ['--project-dir', dir, '--profiles-dir', dir];
  const best = (f: () => Timed): Timed =>
    Array.from({ length: repeats }, f).reduce((a, b) => (b.wall < a.wall ? b : a));
  const parseFull = best(() => timedDbt(['parse', '--no-partial-parse', ...base], dir, env));
  timedDbt(['parse', ...base], dir, env); // leaves a partial-parse file for the runs below
  const startupWarm = best(() => timedDbt(['build', '--select', 'tag:nothing_has_this_tag', ...base], dir, env));
  const nodes = 2 * models; // a model and its not_null test
  const perThreads = [1, 2, 4, 8].map((threads) => {
    const t = best(() => timedDbt(['build', '--threads', String(threads), ...base], dir, env));
    return {
      threads,
      wall: t.wall,
      cpu: t.cpu,
      perNodeWall: (t.wall - startupWarm.wall) / nodes,
      perNodeCpu: (t.cpu - startupWarm.cpu) / nodes,
    };
  });
  return { startupWarm, parseFull, nodes, perThreads };
}

export async function benchDbtCosts(tmp: string): Promise<void> {
  const f = await measureDbtCosts(tmp);
  console.log(
    `\n## dbt-costs: dbt's own time on this machine (${os.cpus().length} cores; real dbt-core + DuckDB, ${f.nodes} nodes of \`select 1\`, best of 2)\n`,
  );
  console.log('| what | wall s | CPU s |');
  console.log('|---|---:|---:|');
  console.log(
    `| start-up: \`dbt build\` selecting nothing, partial parse warm | ${f.startupWarm.wall.toFixed(2)} | ${f.startupWarm.cpu.toFixed(2)} |`,
  );
  console.log(
    `| full \`dbt parse\` (${f.nodes / 2} models) | ${f.parseFull.wall.toFixed(2)} | ${f.parseFull.cpu.toFixed(2)} |`,
  );
  for (const p of f.perThreads) {
    console.log(
      `| build, ${p.threads} thread(s): per node | ${p.perNodeWall.toFixed(3)} | ${p.perNodeCpu.toFixed(3)} |`,
    );
  }
  const one = f.perThreads[0]!;
  console.log(
    `\nspeed-up of one process with threads (per-node wall at 1 thread ÷ at N): ${f.perThreads.map((p) => `${p.threads}: ${(one.perNodeWall / p.perNodeWall).toFixed(2)}×`).join(', ')}`,
  );
}
