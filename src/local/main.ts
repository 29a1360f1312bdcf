import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TriggerContext } from '../core/interval/index.js';
import { DbtGraph } from '../core/graph/graph.js';
import type { Plan, Shard } from '../core/plan/schema.js';
import type { SpawnDbt } from '../io/dbt-process.js';
import { readRunResults } from '../io/run-results.js';
import { mergeReports, type MergeOutcome } from '../merge/main.js';
import type { PlanInputs } from '../plan/inputs.js';
import { runPlan } from '../plan/main.js';
import { runShard, type RunOutcome } from '../run/main.js';
import type { Logger } from '../shared/log.js';
import { localPaths, type LocalInputs } from './inputs.js';
import { blockedNodes } from './blocked.js';
import { runPool } from './pool.js';
import { SchemaGate, schemasFromManifest } from './schema-gate.js';
import type { Progress, ShardState } from './progress.js';
import { prepareWarehouse } from './open-warehouse.js';
import type { WarehouseState } from './warehouse.js';

export interface LocalDeps {
  env: NodeJS.ProcessEnv;
  /** resolved once, so every shard gets the same interval even across midnight */
  trigger: TriggerContext;
  now(): Date;
  /** our own lines: the plan summary, the warehouse note, warnings */
  log: Logger;
  progress: Progress;
  parseProject(inputs: PlanInputs): Promise<string>;
  /** Ctrl-C: cancels every running shard (SIGINT to its dbt), starts nothing new, still merges */
  signal?: AbortSignal;
  spawnDbt?: SpawnDbt;
}

export interface LocalOutcome {
  /** the merge's verdict under --fail-on */
  exitCode: number;
  planFile: string;
  plan: Plan;
  reportDir: string;
  summaryFile: string;
  merge: MergeOutcome;
  /** every runShard outcome, stages in order, final tests last */
  shards: RunOutcome[];
  /** shards (or `final`) never started: cancelled, or an earlier stage failed */
  notRun: string[];
  /** why later work was not started, null when everything ran */
  stopped: string | null;
  /** DuckDB: where the merged database is (the profile's path unless --duckdb-result); null on a server warehouse */
  database: string | null;
  wallSeconds: number;
}

/**
 * plan → every stage's shards as parallel dbt processes (at most plan.maxParallel at once, so
 * the connection budget holds) → the final tests → merge. A later shard that needs a node which
 * failed or was skipped is not run (dbt build would skip it); Ctrl-C starts nothing new. The
 * report always gets written.
 */
export async function runLocal(userInputs: LocalInputs, deps: LocalDeps): Promise<LocalOutcome> {
  const started = deps.now();
  const paths = localPaths(userInputs.out);
  // stale shard folders from an earlier run would be merged as this run's
  await Promise.all([paths.shardsDir, paths.reportDir].map((d) => fs.rm(d, { recursive: true, force: true })));
  const prepared = await prepareWarehouse(userInputs, deps.env, deps.log);
  const inputs = prepared.inputs;

  const planned = await runPlan(inputs.plan, { log: deps.log, now: deps.now, parseProject: deps.parseProject });
  const plan = planned.plan;
  for (const line of planned.summary) deps.log.info(line);
  const manifest = planned.manifest;
  const warehouse = await prepared.open(manifest, plan);
  deps.log.info(warehouse.description);

  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  if (deps.signal?.aborted) onAbort();
  deps.signal?.addEventListener('abort', onAbort);

  for (const s of plan.shards) deps.progress.addShard(s.id, s.stage, s.nodes.length);
  if (plan.finalTests.length > 0) deps.progress.addShard('final', 'final', plan.finalTests.length);

  // shards on one server must not race to create the same schema; DuckDB files are separate
  const gate = warehouse.profilesDir === null ? new SchemaGate(schemasFromManifest(manifest)) : null;
  const outcomes: RunOutcome[] = [];
  const notRun: string[] = [];
  let stopped: string | null = null;
  const runOne = (shard: Shard | 'final'): Promise<RunOutcome | null> =>
    runOneShard(shard, { inputs, deps, warehouse, gate, signal: stop.signal }).then((o) => {
      if (o === null) notRun.push(shard === 'final' ? 'final' : shard.id);
      return o;
    });

  const graph = DbtGraph.fromManifest(manifest);
  const blocked = new Set<string>();
  const runnable = (id: string, nodes: readonly string[]): boolean => {
    if (stopped === null && !nodes.some((n) => blocked.has(n))) return true;
    skip(id, deps.progress, notRun);
    return false;
  };
  try {
    for (let stage = 1; stage <= plan.stages; stage++) {
      const shards = plan.shards.filter((s) => s.stage === stage && runnable(s.id, s.nodes));
      if (shards.length === 0) continue;
      const atOnce = Math.min(plan.maxParallel, shards.length);
      deps.progress.stage(`stage ${stage} of ${plan.stages}: ${shards.length} shard(s), ${atOnce} at once × ${plan.threads + 1} connections`);
      await warehouse.prepareStage(shards.map((s) => s.id));
      const ran = (await runPool(shards, plan.maxParallel, (s) => runOne(s))).filter((o): o is RunOutcome => o !== null);
      outcomes.push(...ran);
      await warehouse.finishStage(ran.map((o) => ({ id: o.artifact.id, shardDir: o.shardDir })));
      if (stop.signal.aborted) stopped = 'cancelled';
      for (const o of ran) for (const id of blockedNodes(graph, o.artifact.nodes, await resultStatuses(o.shardDir))) blocked.add(id);
    }
    if (plan.finalTests.length > 0 && runnable('final', plan.finalTests)) {
      deps.progress.stage(`final tests: ${plan.finalTests.length} test(s) whose parents span shards`);
      const final = await runOne('final');
      if (final) outcomes.push(final);
      if (stop.signal.aborted) stopped = 'cancelled';
    }
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
    deps.progress.close();
  }
  const database = await warehouse.finish();
  if (notRun.length > 0) {
    stopped ??= 'they need nodes that failed or were skipped in an earlier stage (dbt build would skip them too)';
    deps.log.warning(`not run: ${notRun.join(', ')}: ${stopped}`);
  }

  const merge = await mergeReports(
    { planFile: planned.planFile, inDir: paths.shardsDir, outDir: paths.reportDir, failOn: inputs.failOn, projectDir: inputs.plan.projectDir, slowest: inputs.slowest, download: false, comment: false, token: null, json: false },
    // the plan folder's manifest.json is a copy of the manifest planned from: it is not read again
    { log: deps.log, readManifest: () => Promise.resolve(manifest), now: deps.now },
  );
  return {
    exitCode: merge.exitCode,
    planFile: planned.planFile,
    plan,
    reportDir: merge.reportDir,
    summaryFile: merge.files.summary,
    merge,
    shards: outcomes,
    notRun,
    stopped,
    database,
    wallSeconds: (deps.now().getTime() - started.getTime()) / 1000,
  };
}

interface ShardContext {
  inputs: LocalInputs;
  deps: LocalDeps;
  warehouse: WarehouseState;
  gate: SchemaGate | null;
  signal: AbortSignal;
}

/** One shard (or the final tests) as one runShard call = one dbt subprocess at a time. */
async function runOneShard(shard: Shard | 'final', ctx: ShardContext): Promise<RunOutcome | null> {
  const { inputs, deps, signal } = ctx;
  const id = shard === 'final' ? 'final' : shard.id;
  const release = ctx.gate ? await ctx.gate.enter(shard === 'final' ? [] : shard.nodes) : () => undefined;
  if (signal.aborted) {
    release();
    deps.progress.finish(id, 'not run');
    return null;
  }
  deps.progress.start(id);
  const runInputs = shard === 'final' ? { ...inputs.run, shard: null, final: true } : { ...inputs.run, shard: shard.index, final: false };
  try {
    const outcome = await runShard(runInputs, {
      trigger: deps.trigger,
      env: ctx.warehouse.envFor(id),
      cwd: ctx.warehouse.cwdFor(id),
      attempt: 1,
      now: deps.now,
      log: shardLogger(id, deps.progress, release),
      signal,
      handleProcessSignals: false,
      ...(deps.spawnDbt ? { spawnDbt: deps.spawnDbt } : {}),
    });
    deps.progress.finish(id, STATE_OF[outcome.status]);
    return outcome;
  } catch (err) {
    // e.g. an invalid interval: the same for every shard, so stop the others and report it
    deps.progress.finish(id, 'failed');
    throw err;
  } finally {
    release();
  }
}

const STATE_OF: Record<RunOutcome['status'], Exclude<ShardState, 'queued' | 'running'>> = {
  success: 'passed',
  error: 'failed',
  timeout: 'failed',
  cancelled: 'cancelled',
};

/** `1 of 14 START sql table model …`: dbt has created its schemas by then */
const NODE_START = /\b\d+ of \d+ START\b/;

/** dbt's output goes to the shard's dbt.log (runShard writes it); the screen only counts it. */
function shardLogger(id: string, progress: Progress, onFirstNode: () => void): Logger {
  return {
    info: (line) => {
      if (NODE_START.test(line)) onFirstNode();
      progress.dbtLine(id, line);
    },
    warning: (m) => progress.message(`${id}: warning: ${m}`),
    error: (m) => progress.message(`${id}: error: ${m}`),
    group: async (name, fn) => {
      progress.chunk(id, name);
      return fn();
    },
  };
}

function skip(id: string, progress: Progress, notRun: string[]): void {
  progress.finish(id, 'not run');
  notRun.push(id);
}

/** unique_id → status from a shard's run_results.json (empty when it has none) */
async function resultStatuses(shardDir: string): Promise<Map<string, string>> {
  const { results } = await readRunResults(path.join(shardDir, 'run_results.json'));
  return new Map((results?.results ?? []).map((r) => [r.unique_id, r.status]));
}
