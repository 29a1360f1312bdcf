/**
 * `npm run bench -- startup`: what a shard pays before its first model, on a generated
 * 1,500-model project (4,500 nodes, see generate-project.ts), measured side by side in one run.
 * Every dbt invocation — the product's own (plan, shards, local) and the baselines — runs through
 * a small wrapper that records its wall time and its CPU seconds (user + sys of dbt and its
 * children). CPU seconds are the stable figure on a shared machine; wall times are printed too.
 *   1. full parse: the plan's `dbt parse` (vars of the backfill's first chunk)
 *   2. shard start-up on a fresh copy in another folder with the plan's parse state in place:
 *      `dbt ls` of one node the way a shard selects (target ≤ 25 % of 1)
 *   3. selection of the whole 4,500-node shard vs listing every node (target ≤ 2 s more)
 *   4. `dbt-matrix local` vs a plain `dbt build` when the plan is one shard (target ≤ 1.05×),
 *      on PostgreSQL (shards share the server, so they hash the plan's profile), in alternating
 *      pairs, with where local's time goes (its parse, its shard's dbt, the rest)
 *   5. a 3-day backfill in day chunks: each chunk's dbt invocation, with per-chunk vars (a full
 *      parse per chunk after the first), with `--interval-env` and the README's macros, and with
 *      those macros reading the env vars while parsing (dbt re-parses every model that reads them)
 *   6. the act figures (set-up of a shard job, first vs cached run) come from the act e2e test
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseProject } from '../src/io/dbt-parse.js';
import { runDbtProcess, type SpawnDbt } from '../src/io/dbt-process.js';
import { placeParseState } from '../src/io/parse-state.js';
import { parsePlanInputs } from '../src/plan/inputs.js';
import { runPlan } from '../src/plan/main.js';
import { parseRunInputs } from '../src/run/inputs.js';
import { runShard } from '../src/run/main.js';
import { SELECTION_METHOD, writeSelectionState } from '../src/run/selection.js';
import { memoryLogger } from '../src/shared/log.js';
import { resolveShardVars } from '../src/shared/shard-vars.js';
import { generateProject, type IntervalReading } from './generate-project.js';
import { localVsBuild } from './startup-local.js';
import { fmt, one, run, timedDbt, trigger, type TimedDbt, type Timing } from './startup-timing.js';

const MODELS = Number(process.env['BENCH_STARTUP_MODELS'] ?? 1500);
/** BENCH_STARTUP_PART=local: only row 4; =shard: all but row 4 (two processes side by side on a busy machine) */
const PART = process.env['BENCH_STARTUP_PART'] ?? 'all';
const BACKFILL = { start: '2024-01-01', end: '2024-01-04', chunk: 'day' };

export async function benchStartup(tmp: string): Promise<void> {
  const root = path.join(tmp, 'startup');
  const source = path.join(root, 'project');
  await generateProject(source, MODELS);
  const dbt = await timedDbt(root);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_DUCKDB_PATH: path.join(root, 'bench.duckdb'),
  };
  const copy = async (name: string): Promise<string> => {
    const dir = path.join(root, name);
    await cp(source, dir, { recursive: true });
    return dir;
  };
  printHeader();
  const row = (cells: string[]): void => console.log(`| ${cells.join(' | ')} |`);
  if (PART !== 'shard') row(await localVsBuild(root, source, dbt));
  if (PART === 'local') return;

  // 1. the plan's full parse, with the backfill's first-chunk vars
  const planProject = await copy('plan-project');
  const planInputs = parsePlanInputs({
    'project-dir': planProject,
    'profiles-dir': planProject,
    'dbt-command': dbt.command,
    'connection-budget': '5',
    threads: '4',
    'max-shards': '1',
    'max-stages': '1',
    out: path.join(root, 'plan'),
    ...BACKFILL,
  });
  const planned = await runPlan(planInputs, {
    log: memoryLogger(),
    now: () => new Date(),
    trigger,
    parseProject: (req) => parseProject(req, env),
  });
  const full = one(await dbt.take(), 'plan');
  const nodes = planned.plan.shards.flatMap((s) => s.nodes);
  const planDir = path.dirname(planned.planFile);
  row([`full \`dbt parse\` (the plan's) of ${nodes.length} nodes`, fmt(full), '']);

  // 2 + 3. a fresh copy in another folder, the plan's state in place, selecting as a shard does
  const shardProject = await copy('shard-project');
  const shardTarget = path.join(root, 'shard-target');
  await placeParseState(planDir, shardProject, shardTarget);
  // the vars of the first chunk, as the plan parsed with them
  const shardVars = resolveShardVars(planInputs.interval, trigger, planned.plan.createdAt);
  const vars = JSON.stringify(shardVars.varsFor(shardVars.chunks[0]!));
  const ls = async (label: string, selection: string[] | null): Promise<Timing> => {
    const args = [
      'ls',
      '--project-dir',
      shardProject,
      '--profiles-dir',
      shardProject,
      '--target-path',
      shardTarget,
      '--vars',
      vars,
      '--resource-type',
      'all',
      '--output',
      'name',
    ];
    if (selection !== null) {
      const dir = await writeSelectionState(path.join(root, `select-${label}`), selection, null, new Date());
      args.push('--select', SELECTION_METHOD, '--state', dir, '--indirect-selection', 'empty');
    }
    const out = await run(dbt.command, args, env);
    if (/Unable to do partial parsing/.test(out))
      throw new Error(`dbt ls (${label}) parsed the project again:\n${out.slice(0, 2000)}`);
    return one(await dbt.take(), `ls ${label}`);
  };
  const startup = await ls('one', [nodes.find((n) => n.startsWith('model.'))!]);
  row([
    "shard start-up: `dbt ls` of 1 node, plan's parse state, fresh copy elsewhere",
    fmt(startup),
    `≤ 25 % of the full parse: **${pct(startup.cpu, full.cpu)}** CPU, ${pct(startup.wall, full.wall)} wall`,
  ]);
  // alternate, best of 2 each (the machine is shared)
  const listAll: Timing[] = [];
  const selectAll: Timing[] = [];
  for (let i = 0; i < 2; i++) {
    listAll.push(await ls('all-nodes', null));
    selectAll.push(await ls('shard', nodes));
  }
  const best = (ts: Timing[]): Timing => ts.reduce((a, b) => (b.cpu < a.cpu ? b : a));
  const [la, sa] = [best(listAll), best(selectAll)];
  row([
    `selection of the ${nodes.length}-node shard (\`result:success\`) vs listing every node`,
    `${fmt(sa)} vs ${fmt(la)}`,
    `≤ 2 s more: **${(sa.cpu - la.cpu).toFixed(1)} s** CPU, ${(sa.wall - la.wall).toFixed(1)} s wall`,
  ]);

  // 5. a 3-day backfill in day chunks, one shard of one model on another fresh copy: per-chunk
  // vars (the default), then --interval-env with the README's macros, then those macros unguarded
  const firstModel = nodes.find((n) => n.startsWith('model.'))!;
  row(await backfillRow({ root, dbt, env, reading: 'vars', source, planDir, node: firstModel }));
  for (const reading of ['env', 'env-unguarded'] as const) {
    const readingSource = path.join(root, `project-${reading}`);
    await generateProject(readingSource, MODELS, reading);
    row(await backfillRow({ root, dbt, env, reading, source: readingSource, planDir: null, node: firstModel }));
  }
  row([
    "a shard job's set-up under act, first run vs cached run (seconds of the setup-dbt step)",
    'not run by this bench (minutes, and it installs dbt from PyPI)',
    '`npx vitest run test/e2e/act-venv-cache.test.ts` prints them; figures in the README',
  ]);
}

interface BackfillCase {
  root: string;
  dbt: TimedDbt;
  env: NodeJS.ProcessEnv;
  reading: IntervalReading;
  source: string;
  /** the plan already made for this project (vars), or null: plan it here with --interval-env */
  planDir: string | null;
  node: string;
}

const READING_LABEL: Record<IntervalReading, string> = {
  vars: 'per-chunk vars (default)',
  env: "`--interval-env`, models read the README's macros",
  'env-unguarded': '`--interval-env`, macros read `env_var` while parsing too (no `execute` guard)',
};

/** One row: each chunk's dbt invocation (start-up plus one view) of a 3-day backfill in day chunks. */
async function backfillRow(c: BackfillCase): Promise<string[]> {
  const optIn = c.reading === 'vars' ? {} : { 'interval-env': 'true' };
  let planDir = c.planDir;
  let planned = '';
  if (planDir === null) {
    const planProject = path.join(c.root, `plan-project-${c.reading}`);
    await cp(c.source, planProject, { recursive: true });
    const inputs = parsePlanInputs({
      'project-dir': planProject,
      'profiles-dir': planProject,
      'dbt-command': c.dbt.command,
      'connection-budget': '5',
      threads: '4',
      'max-shards': '1',
      'max-stages': '1',
      out: path.join(c.root, `plan-${c.reading}`),
      ...BACKFILL,
      ...optIn,
    });
    const outcome = await runPlan(inputs, {
      log: memoryLogger(),
      now: () => new Date(),
      trigger,
      parseProject: (req) => parseProject(req, c.env),
    });
    planned = `the plan's full parse ${fmt(one(await c.dbt.take(), `plan ${c.reading}`))}; `;
    planDir = path.dirname(outcome.planFile);
  }
  const chunkProject = path.join(c.root, `chunk-project-${c.reading}`);
  await cp(c.source, chunkProject, { recursive: true });
  const oneModel = await runPlanFor(planDir, c.node, c.reading);
  const debugLogs: string[] = [];
  const backfill = await runShard(
    parseRunInputs({
      plan: oneModel,
      shard: '0',
      'project-dir': chunkProject,
      'profiles-dir': chunkProject,
      'dbt-command': c.dbt.command,
      out: path.join(c.root, `backfill-${c.reading}`),
      ...BACKFILL,
      ...optIn,
    }),
    {
      trigger,
      env: c.env,
      attempt: 1,
      now: () => new Date(),
      log: memoryLogger(),
      handleProcessSignals: false,
      spawnDbt: keepDebugLog(debugLogs),
    },
  );
  if (backfill.exitCode !== 0) throw new Error(`backfill shard (${c.reading}) failed: see ${backfill.shardDir}`);
  const chunks = await c.dbt.take();
  // dbt's debug line when it re-parses some files: "Partial parsing enabled: 0 files deleted, 0 files added, N files changed."
  const partial = debugLogs.map((text) => /Partial parsing enabled: .*?(\d+) files changed/.exec(text)?.[1] ?? '0');
  return [
    `backfill of 3 days in day chunks, one model: ${READING_LABEL[c.reading]}`,
    planned + chunks.map((t, i) => `chunk ${i + 1}: ${fmt(t)}`).join('; '),
    backfill.artifact.chunks
      .map(
        (ch) =>
          `chunk ${ch.index + 1}: ${ch.reparsed ? `full parse (dbt: "${ch.reparsed}")` : `plan's parse${partial[ch.index] !== '0' ? ` + ${partial[ch.index]} files re-parsed` : ''}`}`,
      )
      .join('; '),
  ];
}

/** Spawns dbt and keeps what this invocation appended to dbt's own debug log (the shard removes its .work folder). */
function keepDebugLog(into: string[]): SpawnDbt {
  return async (opts) => {
    const file = path.join(opts.args[opts.args.indexOf('--log-path') + 1]!, 'dbt.log');
    const before = (await readFile(file, 'utf8').catch(() => '')).length;
    const result = await runDbtProcess(opts);
    into.push((await readFile(file, 'utf8').catch(() => '')).slice(before));
    return result;
  };
}

function printHeader(): void {
  console.log(
    `\n## startup: a shard's fixed cost on a generated ${MODELS}-model project (${MODELS * 3} nodes, DuckDB unless noted)\n`,
  );
  console.log('CPU = user + sys seconds of dbt and its children (stable on a shared machine); wall in brackets.\n');
  console.log('| what | figure | target / note |');
  console.log('|---|---|---|');
}

const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)} %`;

/** A copy of the plan folder whose one shard holds one node (same parse state). */
async function runPlanFor(planDir: string, node: string, label: string): Promise<string> {
  const dir = `${planDir}-one-node-${label}`;
  await cp(planDir, dir, { recursive: true });
  const file = path.join(dir, 'plan.json');
  const plan = JSON.parse(await readFile(file, 'utf8')) as { shards: Array<{ nodes: string[] }>; finalTests: string[] };
  plan.shards = [{ ...plan.shards[0]!, nodes: [node] }];
  plan.finalTests = [];
  await writeFile(file, JSON.stringify(plan));
  return file;
}
