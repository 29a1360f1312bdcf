import { promises as fs } from 'node:fs';
import os from 'node:os';
import type { TriggerContext } from '../core/interval/index.js';
import { DbtGraph } from '../core/graph/graph.js';
import type { Plan, Shard } from '../core/plan/schema.js';
import type { SpawnDbt } from '../io/dbt-process.js';
import { checkOutputDir } from '../io/out-dir.js';
import type { ParsedProject, ParseRequest } from '../io/dbt-parse.js';
import { mergeReports, type MergeOutcome } from '../merge/main.js';
import type { ShardInput } from '../core/report/model.js';
import { RunResultsSchema } from '../core/report/run-results.js';
import { runPlan } from '../plan/main.js';
import { planForThisMachine } from './previous-timings.js';
import type { RunOutcome } from '../run/main.js';
import type { Logger } from '../shared/log.js';
import { localFolder, planFolderOf } from '../io/folders/index.js';
import type { LocalInputs } from './inputs.js';
import { skipsAfter, type RanShard } from './blocked.js';
import { runPool } from './pool.js';
import { SchemaGate, schemasFromManifest } from './schema-gate.js';
import type { Progress } from './progress.js';
import { prepareWarehouse, type PreparedWarehouse } from './open-warehouse.js';
import { runOneShard } from './one-shard.js';
import { warmDbtFor, type WarmDbt } from '../io/warm-dbt.js';

/** dbt processes kept waiting at most, whatever the cores (shards mostly start one slot at a time) */
const MOST_WARM = 4;

export interface LocalDeps {
  env: NodeJS.ProcessEnv;
  /** resolved once, so every shard gets the same interval even across midnight */
  trigger: TriggerContext;
  now(): Date;
  /** our own lines: the plan summary, the warehouse note, warnings */
  log: Logger;
  progress: Progress;
  /**
   * `dbt deps` if needed, then the run's only `dbt parse`. `env` is the shards' env: the parse
   * must hash the same profile as every shard for their dbt to reuse it (on DuckDB one path
   * string for all shards).
   */
  parseProject(req: ParseRequest, env: NodeJS.ProcessEnv): Promise<ParsedProject>;
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
 * the connection budget holds) → the final tests → merge. After a failure, later shards run what
 * a sequential dbt build would still run and leave out what it would skip (recorded in their
 * shard.json with the cause; the merge lists those nodes as skipped); Ctrl-C starts nothing new.
 * The report always gets written.
 */
export async function runLocal(userInputs: LocalInputs, deps: LocalDeps): Promise<LocalOutcome> {
  const started = deps.now();
  await checkOutputDir(userInputs.out, '--out');
  const paths = localFolder(userInputs.out);
  // before the report folder is cleared: its timings price this run's nodes
  const forThisMachine = await planForThisMachine(userInputs.plan, userInputs.out, paths.reportDir);
  if (forThisMachine.note) deps.log.info(forThisMachine.note);
  // stale shard folders from an earlier run would be merged as this run's
  await Promise.all([paths.shardsDir, paths.reportDir].map((d) => fs.rm(d, { recursive: true, force: true })));
  const prepared = await prepareWarehouse(userInputs, deps.env, deps.log);
  // shards' dbt processes import dbt while the plan parses (a test's fake spawner: none); one
  // waiting per core, as more would only queue for the cores the running shards use, and at most
  // MOST_WARM (each holds ~110 MB: a Python with dbt and the adapter loaded)
  const warm = deps.spawnDbt
    ? null
    : await warmDbtFor(prepared.inputs.run.dbtCommand, deps.env, {
        adapter: prepared.adapter,
        most: Math.min(os.availableParallelism(), MOST_WARM),
      });
  try {
    return await planRunMerge(prepared.inputs, { ...deps, ...(warm ? { spawnDbt: warm.spawn } : {}) }, warm, {
      started,
      forThisMachine,
      prepared,
    });
  } finally {
    warm?.close();
  }
}

async function planRunMerge(
  inputs: LocalInputs,
  deps: LocalDeps,
  warm: WarmDbt | null,
  before: {
    started: Date;
    forThisMachine: Awaited<ReturnType<typeof planForThisMachine>>;
    prepared: PreparedWarehouse;
  },
): Promise<LocalOutcome> {
  const { started, forThisMachine, prepared } = before;
  const paths = localFolder(inputs.out);
  warm?.expect(1);
  // the plan parses with the shards' profile (prepareWarehouse), priced for this machine
  const planInputs = { ...forThisMachine.plan, profilesDir: inputs.plan.profilesDir, target: inputs.plan.target };
  const planned = await runPlan(planInputs, {
    log: deps.log,
    now: deps.now,
    trigger: deps.trigger,
    parseProject: (req) => deps.parseProject(req, deps.env),
  });
  const plan = planned.plan;
  const planDir = planFolderOf(planned.planFile).dir;
  for (const line of planned.summary) deps.log.info(line);
  const manifest = planned.manifest;
  warm?.expect(plan.shards.length + (plan.finalTests.length > 0 ? 1 : 0));
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
  const runOne = (shard: Shard | 'final', skip: ReadonlyMap<string, readonly string[]>): Promise<RunOutcome | null> =>
    runOneShard(shard, { inputs, deps, warehouse, gate, signal: stop.signal, skip, plan, planDir }).then((o) => {
      if (o === null) notRun.push(shard === 'final' ? 'final' : shard.id);
      return o;
    });

  const graph = DbtGraph.fromManifest(manifest);
  const ran: RanShard[] = [];
  let skips = new Map<string, string[]>();
  // A shard whose every node sits below a failure is not started (the merge lists its nodes as
  // skipped, with the cause); any other shard runs what it still can, the rest skipped.
  const runnable = (id: string, nodes: readonly string[]): boolean => {
    if (stopped === null && !(nodes.length > 0 && nodes.every((n) => skips.has(n)))) return true;
    skip(id, stopped === null ? 'skipped' : 'not run', deps.progress, notRun);
    return false;
  };
  try {
    for (let stage = 1; stage <= plan.stages; stage++) {
      const shards = plan.shards.filter((s) => s.stage === stage && runnable(s.id, s.nodes));
      if (shards.length === 0) continue;
      const atOnce = Math.min(plan.maxParallel, shards.length);
      deps.progress.stage(
        `stage ${stage} of ${plan.stages}: ${shards.length} shard(s), ${atOnce} at once × ${plan.threads + 1} connections`,
      );
      await warehouse.prepareStage(shards.map((s) => s.id));
      const ranNow = (await runPool(shards, plan.maxParallel, (s) => runOne(s, skips))).filter(
        (o): o is RunOutcome => o !== null,
      );
      outcomes.push(...ranNow);
      await warehouse.finishStage(ranNow.map((o) => ({ id: o.artifact.id, shardDir: o.shardDir })));
      if (stop.signal.aborted) stopped = 'cancelled';
      for (const o of ranNow) ran.push({ nodes: o.artifact.nodes, statuses: resultStatuses(o) });
      skips = skipsAfter(graph, ran);
    }
    if (plan.finalTests.length > 0 && runnable('final', plan.finalTests)) {
      deps.progress.stage(`final tests: ${plan.finalTests.length} test(s) whose parents span shards`);
      const final = await runOne('final', skips);
      if (final) outcomes.push(final);
      if (stop.signal.aborted) stopped = 'cancelled';
    }
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
    deps.progress.close();
  }
  const database = await warehouse.finish();
  if (notRun.length > 0) {
    stopped ??=
      'every node in them sits below a node that failed in an earlier stage (dbt build skips them too; the report lists them as skipped)';
    deps.log.warning(`not run: ${notRun.join(', ')}: ${stopped}`);
  }

  const merge = await mergeReports(
    {
      planFile: planned.planFile,
      inDir: paths.shardsDir,
      outDir: paths.reportDir,
      failOn: inputs.failOn,
      projectDir: inputs.plan.projectDir,
      slowest: inputs.slowest,
    },
    // the plan folder's manifest.json is a copy of the manifest planned from, and the shards'
    // folders hold what their runs returned: neither is read again
    { log: deps.log, readManifest: () => Promise.resolve(manifest), now: deps.now, shards: outcomes.map(shardInput) },
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

function skip(id: string, state: 'skipped' | 'not run', progress: Progress, notRun: string[]): void {
  progress.finish(id, state);
  notRun.push(id);
}

/** unique_id → status from what a shard's run returned */
function resultStatuses(o: RunOutcome): Map<string, string> {
  return new Map(o.results.results.map((r) => [r.unique_id, r.status]));
}

/** A shard's folder as the merge would read it, from what its run returned. */
function shardInput(o: RunOutcome): ShardInput {
  return { id: o.artifact.id, artifact: o.artifact, results: RunResultsSchema.parse(o.results), problems: [] };
}
