import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { eventTimePlan, formatDttm, resolveInterval, splitChunks, triggerAtPlanTime, type Chunk, type ResolvedInterval, type TriggerContext } from '../core/interval/index.js';
import type { Plan } from '../core/plan/schema.js';
import type { ChunkRecord, ShardArtifact } from '../core/report/shard-artifact.js';
import { SHARD_ARTIFACT_VERSION } from '../core/report/shard-artifact.js';
import { buildDbtVars, dispatchInputsToForward } from '../core/vars/index.js';
import { runDbtProcess, StopController, stopOnProcessSignals, type SpawnDbt } from '../io/dbt-process.js';
import { pathExists } from '../io/files.js';
import { readPlan } from '../io/plan-file.js';
import { createRedactor } from '../io/redact.js';
import type { Logger } from '../shared/log.js';
import { DBT_LOG_FILE, writeShardArtifacts } from './artifacts.js';
import { runChunk, type ChunkRun } from './chunk-runner.js';
import type { AttemptResults } from './combine-results.js';
import type { DbtInvocationBase } from './dbt-args.js';
import { hookEnv } from './hook-env.js';
import type { RunInputs } from './inputs.js';
import { chunkSummary, prepareSelection, shardStatus, exitCodeFor } from './shard-work.js';
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
}

export interface RunOutcome {
  /** 0 only when every node passed */
  exitCode: number;
  status: ShardArtifact['status'];
  /** DIR/<shard id>/, complete even on failure */
  shardDir: string;
  artifact: ShardArtifact;
  summary: string[];
}

interface Work {
  id: string;
  kind: 'shard' | 'final';
  stage: number;
  nodes: string[];
}

/** Runs one shard (or the final tests) chunk by chunk in time order and writes its artifact folder. */
export async function runShard(inputs: RunInputs, deps: RunDeps): Promise<RunOutcome> {
  const startedAt = deps.now();
  const plan = await readPlan(inputs.plan);
  const work = pickWork(plan, inputs);
  // Everything that can be wrong with the inputs fails here, before dbt starts.
  const trigger = triggerAtPlanTime(deps.trigger, plan.createdAt);
  const interval = resolveInterval(
    { start: inputs.start, end: inputs.end, timezone: inputs.timezone, maxIntervalDays: inputs.maxIntervalDays, ...(inputs.overlap !== undefined ? { overlap: inputs.overlap } : {}) },
    trigger,
  );
  const chunks = splitChunks(interval, inputs.chunk);
  const deferState = inputs.defer ? await deferStateDir(inputs, deps.log) : null;
  const varsFor = varsBuilder(inputs, trigger, interval);
  const redact = createRedactor({ env: deps.env, secretEnvNames: inputs.secrets, secretValues: deps.secretValues ?? [] });

  const out = path.resolve(inputs.out);
  const shardDir = path.join(out, work.id);
  const workDir = path.join(out, '.work', work.id);
  await fs.rm(shardDir, { recursive: true, force: true });
  await fs.mkdir(workDir, { recursive: true });
  const selection = work.nodes.length > 0 ? await prepareSelection(work.nodes, inputs, workDir, (m) => deps.log.warning(m)) : null;
  // microbatch models take the interval as event-time flags; a chunking they cannot follow fails here
  const eventTime = selection === null ? null : eventTimePlan(interval, chunks, selection.microbatch);
  const log = await ShardLog.open(path.join(shardDir, DBT_LOG_FILE), redact, deps.log);

  const stop = new StopController();
  const disposers: Array<() => void> = [];
  if (deps.handleProcessSignals ?? true) disposers.push(stopOnProcessSignals(stop, (sig) => log.note(`received ${sig}: stopping dbt`)));
  if (deps.signal) {
    const onAbort = (): void => stop.request('cancelled');
    if (deps.signal.aborted) onAbort();
    deps.signal.addEventListener('abort', onAbort);
    disposers.push(() => deps.signal?.removeEventListener('abort', onAbort));
  }

  const runs: ChunkRun[] = [];
  let command: string[] = [];
  try {
    log.note(`${work.kind} ${work.id}: ${work.nodes.length} nodes, interval [${interval.start}, ${interval.end}) from ${interval.source}, ${chunks.length} chunk(s), threads ${plan.threads}`);
    if (redact.size > 0) log.note(`redacting the values of ${redact.size} secret(s) in logs and artifacts`);
    if (selection !== null) {
      if (selection.note) log.note(selection.note);
      if (eventTime?.note) log.note(eventTime.note);
      const base = (chunk: Chunk): DbtInvocationBase => ({
        projectDir: selection.projectDir,
        profilesDir: inputs.profilesDir === null ? null : path.resolve(inputs.profilesDir),
        target: inputs.target,
        threads: plan.threads,
        targetPath: path.join(workDir, 'target'),
        logPath: path.join(workDir, 'logs'),
        vars: varsFor(chunk),
        fullRefresh: inputs.fullRefresh,
        dbtFlags: inputs.dbtFlags,
        eventTime: eventTime?.windows[chunk.index] ?? null,
        defer: deferState !== null,
        state: deferState,
      });
      const deadline = inputs.timeoutMinutes === null ? null : startedAt.getTime() + inputs.timeoutMinutes * 60_000;
      for (const chunk of chunks) {
        if (runs.some((r) => r.status !== 'success')) {
          runs.push({ status: 'skipped', exitCode: null, attempts: 0, results: [], startedAt: null, endedAt: null, dbtVersion: null });
          continue;
        }
        const title = `chunk ${chunk.index + 1}/${chunks.length} [${chunk.start}, ${chunk.end})`;
        const run = await deps.log.group(title, () =>
          runChunk(chunk, base(chunk), {
            dbtCommand: inputs.dbtCommand,
            env: { ...deps.env, ...hookEnv(plan, work, chunk.index, chunks.length) },
            cwd: deps.cwd,
            spawnDbt: deps.spawnDbt ?? runDbtProcess,
            stop,
            graceMs: inputs.graceSeconds * 1000,
            deadline,
            now: deps.now,
            log,
            retries: inputs.retries,
            runResultsFile: path.join(workDir, 'target', 'run_results.json'),
            selection: selection.args,
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
  const artifact: ShardArtifact = {
    version: SHARD_ARTIFACT_VERSION,
    id: work.id,
    kind: work.kind,
    stage: work.stage,
    attempt: deps.attempt,
    interval: { start: interval.start, end: interval.end, overlap: interval.overlap, source: interval.source, timezone: interval.timezone },
    vars: varsFor({ index: 0, start: interval.start, end: interval.end }),
    command: command.map((a) => redact(a)),
    dbtVersion: runs.find((r) => r.dbtVersion !== null)?.dbtVersion ?? null,
    exitCode,
    status,
    startedAt: startedAt.toISOString(),
    endedAt: deps.now().toISOString(),
    chunks: chunks.map((c, i) => chunkRecord(c, runs[i], varsFor(c))),
    nodes: work.nodes,
  };
  const attempts: AttemptResults[] = runs.flatMap((r) => r.results);
  const summary = [`${work.kind} ${work.id}: ${status} (exit ${exitCode}) in ${((Date.parse(artifact.endedAt) - startedAt.getTime()) / 1000).toFixed(1)}s`];
  log.note(summary[0]!);
  await log.close();
  await writeShardArtifacts(shardDir, artifact, attempts, redact);
  return { exitCode, status, shardDir, artifact, summary };
}

function chunkRecord(chunk: Chunk, run: ChunkRun | undefined, vars: Record<string, unknown>): ChunkRecord {
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
  };
}

function varsBuilder(inputs: RunInputs, trigger: TriggerContext, interval: ResolvedInterval): (c: Chunk) => Record<string, unknown> {
  const forwarded = inputs.forwardInputs && trigger.eventName === 'workflow_dispatch' ? dispatchInputsToForward(trigger.dispatchInputs) : {};
  const fmt = (iso: string): string => formatDttm(iso, interval.timezone, inputs.datetimeFormat);
  return (c) => buildDbtVars({ start: fmt(c.start), end: fmt(c.end), overlap: interval.overlap, extra: inputs.vars, forwarded, arrayFormat: inputs.arrayFormat });
}

/** Reads plan.json; a newer version gets its own message rather than a schema complaint. */
/**
 * The production state --defer resolves unbuilt parents against: --state when given (it must
 * exist), else the state the plan was made against (`plan --state` copies it into the plan
 * folder). A plan made without state (first PR before main ever ran) runs without --defer.
 */
async function deferStateDir(inputs: RunInputs, log: Logger): Promise<string | null> {
  const dir = path.resolve(inputs.state ?? path.join(path.dirname(inputs.plan), 'state'));
  if (await pathExists(path.join(dir, 'manifest.json'))) return dir;
  if (inputs.state !== null) {
    throw new UserError(`--state: ${path.join(dir, 'manifest.json')} does not exist; --defer needs the production manifest`);
  }
  log.warning('--defer: the plan carries no production state (planned without --state); running without --defer');
  return null;
}

function pickWork(plan: Plan, inputs: RunInputs): Work {
  if (inputs.final) return { id: 'final', kind: 'final', stage: plan.stages + 1, nodes: plan.finalTests };
  const shard = plan.shards.find((s) => s.index === inputs.shard);
  if (!shard) {
    const range = plan.shards.length === 0 ? 'none: the plan has no shards' : `one of ${plan.shards.map((s) => s.index).join(', ')}`;
    throw new UserError(`--shard: got ${inputs.shard}, expected ${range}`);
  }
  return { id: shard.id, kind: 'shard', stage: shard.stage, nodes: shard.nodes };
}
