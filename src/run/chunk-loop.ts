import path from 'node:path';
import { DBT_FILES } from '../core/folders.js';
import type { Chunk, EventTimePlan } from '../core/interval/index.js';
import { runDbtProcess, stopOnProcessSignals, type StopController } from '../io/dbt-process.js';
import { runChunk, skippedChunkRun, type ChunkRun } from './chunk-runner.js';
import type { DbtInvocationBase } from './dbt-args.js';
import { hookEnv } from './hook-env.js';
import type { RunSettings } from './inputs.js';
import type { RunDeps } from './job.js';
import type { PreparedShard } from './job.js';
import type { ReparseWatch } from './reparse.js';
import type { ShardLog } from './shard-log.js';
import type { ChunksRan } from './shard-record.js';
import { chunkSummary } from './shard-work.js';

/** Where and how the shard's chunks run, beside the prepared shard. */
export interface ChunkLoop {
  projectDir: string;
  /** DIR/.work/<id>/: dbt's target and log paths */
  workDir: string;
  /** the select-state folder naming the shard's nodes (`--select result:success --state`) */
  selection: string;
  /** the microbatch models' event-time windows, one per chunk */
  eventTime: EventTimePlan | null;
  stop: StopController;
  log: ShardLog;
  reparse: ReparseWatch;
}

/** Runs the chunks in time order; once one has not succeeded, the later ones are skipped. */
export async function runChunks(
  inputs: RunSettings,
  deps: RunDeps,
  p: PreparedShard,
  loop: ChunkLoop,
): Promise<ChunksRan> {
  const { plan, work, chunks } = p;
  const runs: ChunkRun[] = [];
  let command: string[] = [];
  const deadline = inputs.timeoutMinutes === null ? null : p.startedAt.getTime() + inputs.timeoutMinutes * 60_000;
  for (const chunk of chunks) {
    if (runs.some((r) => r.status !== 'success')) {
      runs.push(skippedChunkRun());
      continue;
    }
    const title = `chunk ${chunk.index + 1}/${chunks.length} [${chunk.start}, ${chunk.end})`;
    loop.reparse.chunk = chunk.index;
    const run = await deps.log.group(title, () =>
      runChunk(chunk, invocationBase(inputs, p, loop, chunk), {
        dbtCommand: inputs.dbtCommand,
        env: { ...deps.env, ...hookEnv(plan, work, chunk.index, chunks.length), ...p.envFor(chunk) },
        cwd: deps.cwd,
        spawnDbt: deps.spawnDbt ?? runDbtProcess,
        stop: loop.stop,
        graceMs: inputs.graceSeconds * 1000,
        deadline,
        now: deps.now,
        log: loop.log,
        retries: inputs.retries,
        runResultsFile: path.join(loop.workDir, 'target', DBT_FILES.runResults),
        selection: { stateDir: loop.selection },
        onInvocation: (argv) => {
          if (command.length === 0) command = argv;
        },
      }),
    );
    runs.push(run);
    loop.log.note(chunkSummary(title, run));
  }
  return { runs, command };
}

/** The flags every dbt invocation of this chunk shares. */
function invocationBase(inputs: RunSettings, p: PreparedShard, loop: ChunkLoop, chunk: Chunk): DbtInvocationBase {
  return {
    projectDir: loop.projectDir,
    profilesDir: inputs.profilesDir === null ? null : path.resolve(inputs.profilesDir),
    target: inputs.target,
    threads: p.plan.threads,
    targetPath: path.join(loop.workDir, 'target'),
    logPath: path.join(loop.workDir, 'logs'),
    vars: p.chunkVars[chunk.index] ?? p.varsFor(chunk),
    fullRefresh: inputs.fullRefresh,
    dbtFlags: inputs.dbtFlags,
    eventTime: loop.eventTime?.windows[chunk.index] ?? null,
    defer: p.deferState !== null,
  };
}

/**
 * Turns SIGINT/SIGTERM to this process (unless deps.handleProcessSignals is false) and an abort
 * of deps.signal into a stop request; returns what undoes that.
 */
export function stopOnCancel(stop: StopController, deps: RunDeps, log: ShardLog): () => void {
  const disposers: Array<() => void> = [];
  if (deps.handleProcessSignals ?? true)
    disposers.push(stopOnProcessSignals(stop, (sig) => log.note(`received ${sig}: stopping dbt`)));
  if (deps.signal) {
    const onAbort = (): void => stop.request('cancelled');
    if (deps.signal.aborted) onAbort();
    deps.signal.addEventListener('abort', onAbort);
    disposers.push(() => deps.signal?.removeEventListener('abort', onAbort));
  }
  return () => {
    for (const dispose of disposers) dispose();
  };
}
