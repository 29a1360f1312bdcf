import path from 'node:path';
import { UserError } from '../core/errors.js';
import { DBT_FILES, PLAN_FOLDER } from '../core/folders.js';
import { eventTimePlan, type Chunk, type ResolvedInterval, type TriggerContext } from '../core/interval/index.js';
import type { Plan } from '../core/plan/schema.js';
import type { ChunkRecord, ShardArtifact, SkippedNode } from '../core/report/shard-artifact.js';
import { SHARD_ARTIFACT_VERSION } from '../core/report/shard-artifact.js';
import { secretVarValues } from '../core/vars/index.js';
import { runDbtProcess, StopController, stopOnProcessSignals, type SpawnDbt } from '../io/dbt-process.js';
import { pathExists } from '../io/files.js';
import { placeParseState } from '../io/parse-state.js';
import { planFolder, planFolderOf, planIdentity, readPlan, shardFolder, stateFolder } from '../io/folders/index.js';
import { createRedactor, type Redactor } from '../io/redact.js';
import type { RunResults } from '../io/run-results.js';
import type { Logger } from '../shared/log.js';
import { resolveShardVars } from '../shared/shard-vars.js';
import { writeShardArtifacts } from './artifacts.js';
import { runChunk, skippedChunkRun, type ChunkRun } from './chunk-runner.js';
import type { AttemptResults } from './combine-results.js';
import type { DbtInvocationBase } from './dbt-args.js';
import { hookEnv } from './hook-env.js';
import type { RunInputs, RunSettings } from './inputs.js';
import { reparseReason } from './reparse.js';
import { writeSelectionState } from './selection.js';
import { chunkSummary, shardStatus, exitCodeFor } from './shard-work.js';
import { openShardFolders, planShardFolders, type ShardFolders } from './shard-folder.js';
import { ShardLog } from './shard-log.js';

/** What runShard needs from the outside world; narrow so tests pass real values, not module mocks. */
export interface RunDeps {
  trigger: TriggerContext;
  env: NodeJS.ProcessEnv;
  /** working folder of every dbt process (local on DuckDB: the shard's folder); default: this process's */
  cwd?: string | undefined;
  /** GITHUB_RUN_ATTEMPT, 1 outside Actions */
  attempt: number;
  now(): Date;
  log: Logger;
  /** defaults to a real subprocess */
  spawnDbt?: SpawnDbt;
  /** aborting it cancels the run like SIGINT does */
  signal?: AbortSignal;
  /** turn SIGINT/SIGTERM to this process into a cancellation while the shard runs; default true */
  handleProcessSignals?: boolean;
  /** literal secret values (action inputs marked secret) */
  secretValues?: readonly string[];
  /** planned nodes not to run, each with the failed node(s) that caused it (core/failure/skips.ts) */
  skip?: ReadonlyMap<string, readonly string[]>;
}

export interface RunOutcome {
  /** 0 only when every node passed */
  exitCode: number;
  status: ShardArtifact['status'];
  /** DIR/<shard id>/, complete even on failure */
  shardDir: string;
  /** shard.json as written (redacted) */
  artifact: ShardArtifact;
  /** the shard's run_results.json as written (chunks and attempts combined, redacted) */
  results: RunResults;
  summary: string[];
}

/** What a job runs: one shard of the plan, or its final tests. */
export interface Work {
  id: string;
  kind: 'shard' | 'final';
  stage: number;
  nodes: string[];
}

/**
 * A shard's work, resolved: the action and the CLI read it from the plan folder (runShard);
 * `local` passes it from memory (runShardJob), so no shard reads plan.json or the manifest again.
 */
export interface ShardJob {
  plan: Plan;
  /** the plan folder: dbt's parse state and the production state travel in it */
  planDir: string;
  work: Work;
}

/** Runs one shard (or the final tests) of the plan file `inputs.plan`. */
export async function runShard(inputs: RunInputs, deps: RunDeps): Promise<RunOutcome> {
  const plan = await readPlan(inputs.plan);
  return runShardJob(
    { plan, planDir: planFolderOf(path.resolve(inputs.plan)).dir, work: pickWork(plan, inputs) },
    inputs,
    deps,
  );
}

/** Runs one shard chunk by chunk in time order and writes its artifact folder. */
export async function runShardJob(job: ShardJob, inputs: RunSettings, deps: RunDeps): Promise<RunOutcome> {
  const startedAt = deps.now();
  const { plan } = job;
  const { work, skipped } = withoutSkipped(job.work, deps.skip);
  // Everything that can be wrong with the inputs fails here, before dbt starts.
  const { interval, chunks, varsFor, envFor } = resolveShardVars(inputs, deps.trigger, plan.createdAt);
  const deferState = inputs.defer ? await deferStateDir(inputs, job.planDir, deps.log) : null;
  const chunkVars = chunks.map(varsFor); // a reserved var name fails here, before anything is written
  const secretVars = chunkVars.flatMap((v) => secretVarValues(v));
  const redact = createRedactor({
    env: deps.env,
    secretEnvNames: inputs.secrets,
    secretValues: [...(deps.secretValues ?? []), ...secretVars],
  });
  const folders = await openShardFolders(await planShardFolders(inputs.out, work.id));
  try {
    return await runInFolders(inputs, deps, {
      plan,
      planDir: job.planDir,
      work,
      skipped,
      interval,
      chunks,
      chunkVars,
      varsFor,
      envFor,
      deferState,
      redact,
      startedAt,
      folders,
    });
  } finally {
    await folders.cleanup();
  }
}

interface Prepared {
  plan: Plan;
  planDir: string;
  work: Work;
  /** planned nodes left out because a node they depend on failed earlier */
  skipped: SkippedNode[];
  interval: ResolvedInterval;
  chunks: Chunk[];
  chunkVars: Array<Record<string, unknown>>;
  varsFor: (c: Chunk) => Record<string, unknown>;
  /** the chunk's interval as environment variables (INTERVAL_ENV) */
  envFor: (c: Chunk) => Record<string, string>;
  deferState: string | null;
  redact: Redactor;
  startedAt: Date;
  folders: ShardFolders;
}

/** Runs the chunks with dbt's files in the shard's .work folder and its artifact built beside DIR/<id>/. */
async function runInFolders(inputs: RunSettings, deps: RunDeps, p: Prepared): Promise<RunOutcome> {
  const { plan, work, skipped, interval, chunks, varsFor, deferState, redact, startedAt } = p;
  const { shardDir, stagingDir, workDir } = p.folders;
  const projectDir = path.resolve(inputs.projectDir);
  const selection =
    work.nodes.length > 0
      ? await writeSelectionState(
          path.join(workDir, 'select-state'),
          work.nodes,
          deferState && stateFolder(deferState).manifest,
          startedAt,
        )
      : null;
  // microbatch models take the interval as event-time flags; a chunking they cannot follow fails here
  const inWork = new Set(work.nodes);
  const eventTime =
    selection === null
      ? null
      : eventTimePlan(
          interval,
          chunks,
          (plan.microbatch ?? []).filter((m) => inWork.has(m.uniqueId)),
        );
  const placed = selection !== null ? await placeParseState(p.planDir, projectDir, path.join(workDir, 'target')) : null;
  const log = await ShardLog.open(shardFolder(stagingDir).dbtLog, redact, deps.log);
  const reparse = new ReparseWatch(log);

  const stop = new StopController();
  const disposers: Array<() => void> = [];
  if (deps.handleProcessSignals ?? true)
    disposers.push(stopOnProcessSignals(stop, (sig) => log.note(`received ${sig}: stopping dbt`)));
  if (deps.signal) {
    const onAbort = (): void => stop.request('cancelled');
    if (deps.signal.aborted) onAbort();
    deps.signal.addEventListener('abort', onAbort);
    disposers.push(() => deps.signal?.removeEventListener('abort', onAbort));
  }

  const runs: ChunkRun[] = [];
  let command: string[] = [];
  try {
    log.note(
      `${work.kind} ${work.id}: ${work.nodes.length} nodes, interval [${interval.start}, ${interval.end}) from ${interval.source}, ${chunks.length} chunk(s), threads ${plan.threads}`,
    );
    if (skipped.length > 0)
      log.note(
        `${skipped.length} planned node(s) skipped: a node they depend on failed in an earlier stage (${skipped
          .slice(0, 3)
          .map((s) => s.unique_id)
          .join(', ')}${skipped.length > 3 ? ', …' : ''})`,
      );
    if (redact.size > 0) log.note(`redacting the values of ${redact.size} secret(s) in logs and artifacts`);
    if (placed?.parse)
      log.note(`dbt starts from the plan's parse (${PLAN_FOLDER.parseState}/${DBT_FILES.partialParse})`);
    if (placed?.packages) log.note(`installed the plan's packages into ${projectDir} (no dbt deps)`);
    if (selection !== null) {
      if (eventTime?.note) log.note(eventTime.note);
      const base = (chunk: Chunk): DbtInvocationBase => ({
        projectDir,
        profilesDir: inputs.profilesDir === null ? null : path.resolve(inputs.profilesDir),
        target: inputs.target,
        threads: plan.threads,
        targetPath: path.join(workDir, 'target'),
        logPath: path.join(workDir, 'logs'),
        vars: p.chunkVars[chunk.index] ?? varsFor(chunk),
        fullRefresh: inputs.fullRefresh,
        dbtFlags: inputs.dbtFlags,
        eventTime: eventTime?.windows[chunk.index] ?? null,
        defer: deferState !== null,
      });
      const deadline = inputs.timeoutMinutes === null ? null : startedAt.getTime() + inputs.timeoutMinutes * 60_000;
      for (const chunk of chunks) {
        if (runs.some((r) => r.status !== 'success')) {
          runs.push(skippedChunkRun());
          continue;
        }
        const title = `chunk ${chunk.index + 1}/${chunks.length} [${chunk.start}, ${chunk.end})`;
        reparse.chunk = chunk.index;
        const run = await deps.log.group(title, () =>
          runChunk(chunk, base(chunk), {
            dbtCommand: inputs.dbtCommand,
            env: { ...deps.env, ...hookEnv(plan, work, chunk.index, chunks.length), ...p.envFor(chunk) },
            cwd: deps.cwd,
            spawnDbt: deps.spawnDbt ?? runDbtProcess,
            stop,
            graceMs: inputs.graceSeconds * 1000,
            deadline,
            now: deps.now,
            log,
            retries: inputs.retries,
            runResultsFile: path.join(workDir, 'target', DBT_FILES.runResults),
            selection: { stateDir: selection },
            onInvocation: (argv) => {
              if (command.length === 0) command = argv;
            },
          }),
        );
        runs.push(run);
        log.note(chunkSummary(title, run));
      }
    }
  } catch (err) {
    await log.close();
    throw err;
  } finally {
    for (const dispose of disposers) dispose();
  }

  const status = shardStatus(runs);
  const exitCode = exitCodeFor(status, runs);
  // the plan's parse was offered: dbt parsing again anyway is worth a warning in the report
  const reparsed = placed?.parse ? (reparse.reasons.get(0) ?? null) : null;
  const artifact: ShardArtifact = {
    version: SHARD_ARTIFACT_VERSION,
    id: work.id,
    kind: work.kind,
    stage: work.stage,
    attempt: deps.attempt,
    interval: {
      start: interval.start,
      end: interval.end,
      overlap: interval.overlap,
      source: interval.source,
      timezone: interval.timezone,
    },
    vars: varsFor({ index: 0, start: interval.start, end: interval.end }),
    command: command.map((a) => redact(a)),
    dbtVersion: runs.find((r) => r.dbtVersion !== null)?.dbtVersion ?? null,
    exitCode,
    status,
    startedAt: startedAt.toISOString(),
    endedAt: deps.now().toISOString(),
    chunks: chunks.map((c, i) => chunkRecord(c, runs[i], varsFor(c), reparse.reasons.get(c.index) ?? null)),
    nodes: work.nodes,
    plan: planIdentity(plan),
    ...(skipped.length > 0 ? { skipped } : {}),
    reparsed,
  };
  const attempts: AttemptResults[] = runs.flatMap((r) => r.results);
  const summary = [
    `${work.kind} ${work.id}: ${status} (exit ${exitCode}) in ${((Date.parse(artifact.endedAt) - startedAt.getTime()) / 1000).toFixed(1)}s`,
  ];
  if (reparsed !== null)
    log.warn(
      `dbt parsed the project again instead of using the plan's parse: ${reparsed} (make the plan with the same vars, profile, target, env and dbt version as the shards)`,
    );
  log.note(summary[0]!);
  await log.close();
  const written = await writeShardArtifacts(stagingDir, artifact, attempts, redact);
  await p.folders.commit();
  return { exitCode, status, shardDir, artifact: written.artifact, results: written.results, summary };
}

/** Notes, per chunk, dbt's reason for parsing the project again (see reparse.ts). */
class ReparseWatch {
  chunk = 0;
  readonly reasons = new Map<number, string>();
  constructor(log: ShardLog) {
    log.onDbtLine = (line) => {
      const reason = reparseReason(line);
      if (reason !== null && !this.reasons.has(this.chunk)) this.reasons.set(this.chunk, reason);
    };
  }
}

function chunkRecord(
  chunk: Chunk,
  run: ChunkRun | undefined,
  vars: Record<string, unknown>,
  reparsed: string | null,
): ChunkRecord {
  return {
    index: chunk.index,
    start: chunk.start,
    end: chunk.end,
    vars,
    exitCode: run?.exitCode ?? null,
    status: run?.status ?? 'skipped',
    attempts: run?.attempts ?? 0,
    startedAt: run?.startedAt ?? null,
    endedAt: run?.endedAt ?? null,
    reparsed,
  };
}

/**
 * The production state --defer resolves unbuilt parents against: --state when given (it must
 * exist), else the state the plan was made against (`plan --state` copies it into the plan
 * folder). A plan made without state (first PR before main ever ran) runs without --defer.
 */
async function deferStateDir(inputs: RunSettings, planDir: string, log: Logger): Promise<string | null> {
  const state = stateFolder(path.resolve(inputs.state ?? planFolder(planDir).state.dir));
  if (await pathExists(state.manifest)) return state.dir;
  if (inputs.state !== null) {
    throw new UserError(`--state: ${state.manifest} does not exist; --defer needs the production manifest`);
  }
  log.warning('--defer: the plan carries no production state (planned without --state); running without --defer');
  return null;
}

/** The shard's work minus the nodes an earlier stage's failure skips; those are recorded for the merge. */
function withoutSkipped(work: Work, skip: RunDeps['skip']): { work: Work; skipped: SkippedNode[] } {
  if (!skip || skip.size === 0) return { work, skipped: [] };
  const skipped = work.nodes.filter((n) => skip.has(n)).map((n) => ({ unique_id: n, causes: [...skip.get(n)!] }));
  return { work: { ...work, nodes: work.nodes.filter((n) => !skip.has(n)) }, skipped };
}

/** The work of `--shard I` or `--final` in the plan; an index the plan does not have is a UserError. */
export function pickWork(plan: Plan, inputs: Pick<RunInputs, 'shard' | 'final'>): Work {
  if (inputs.final) return { id: 'final', kind: 'final', stage: plan.stages + 1, nodes: plan.finalTests };
  const shard = plan.shards.find((s) => s.index === inputs.shard);
  if (!shard) {
    const range =
      plan.shards.length === 0
        ? 'none: the plan has no shards'
        : `one of ${plan.shards.map((s) => s.index).join(', ')}`;
    throw new UserError(`--shard: got ${inputs.shard}, expected ${range}`);
  }
  return { id: shard.id, kind: 'shard', stage: shard.stage, nodes: shard.nodes };
}
