import { promises as fs } from 'node:fs';
import type { Chunk } from '../core/interval/index.js';
import type { ChunkRecord } from '../core/report/shard-artifact.js';
import type { SpawnDbt, StopController } from '../io/dbt-process.js';
import { isPassing, readRunResults, type RunResults } from '../io/run-results.js';
import type { AttemptResults } from './combine-results.js';
import { buildArgs, retryArgs, type DbtInvocationBase, type SelectionArgs } from './dbt-args.js';
import { HOOK_ENV } from './hook-env.js';
import type { ShardLog } from './shard-log.js';

export interface ChunkContext {
  dbtCommand: string;
  env: NodeJS.ProcessEnv;
  cwd?: string | undefined;
  spawnDbt: SpawnDbt;
  stop: StopController;
  graceMs: number;
  /** epoch ms when the shard's --timeout-minutes runs out, or null */
  deadline: number | null;
  now(): Date;
  log: ShardLog;
  retries: number;
  /** the run_results.json dbt writes in this shard's --target-path */
  runResultsFile: string;
  selection: SelectionArgs;
  /** told each argv before it runs (the shard records the first one) */
  onInvocation(argv: string[]): void;
}

export interface ChunkRun {
  status: ChunkRecord['status'];
  /** exit code of the last dbt invocation (null: killed by a signal, or never ran) */
  exitCode: number | null;
  attempts: number;
  results: AttemptResults[];
  startedAt: string | null;
  endedAt: string | null;
  dbtVersion: string | null;
}

/** A chunk that never started (an earlier chunk failed): no dbt, no results. */
export function skippedChunkRun(): ChunkRun {
  return {
    status: 'skipped',
    exitCode: null,
    attempts: 0,
    results: [],
    startedAt: null,
    endedAt: null,
    dbtVersion: null,
  };
}

/**
 * Runs one chunk: `dbt build`, then up to `retries` × `dbt retry` while nodes fail. A retry
 * needs the previous run_results.json; when dbt left none (it failed before running anything)
 * the attempt repeats `dbt build`. A timeout or cancellation ends the chunk at once.
 */
export async function runChunk(chunk: Chunk, base: DbtInvocationBase, ctx: ChunkContext): Promise<ChunkRun> {
  const run = skippedChunkRun();
  // A stale file from the previous chunk would be mistaken for this chunk's results.
  await fs.rm(ctx.runResultsFile, { force: true });
  let previous: RunResults | null = null;
  for (let attempt = 1; attempt <= ctx.retries + 1; attempt++) {
    const stopped = ctx.stop.requested;
    if (stopped !== null) return finish(run, stopped === 'timeout' ? 'timeout' : 'cancelled', ctx);
    const remaining = ctx.deadline === null ? undefined : ctx.deadline - ctx.now().getTime();
    if (remaining !== undefined && remaining <= 0) return finish(run, 'timeout', ctx);

    const args = previous === null ? buildArgs(base, ctx.selection) : retryArgs(base);
    run.startedAt ??= ctx.now().toISOString();
    run.attempts = attempt;
    ctx.log.note(`chunk ${chunk.index + 1} attempt ${attempt}: ${ctx.dbtCommand} ${args[0]}`);
    ctx.onInvocation([ctx.dbtCommand, ...args]);
    const res = await ctx.spawnDbt({
      command: ctx.dbtCommand,
      args,
      env: { ...ctx.env, [HOOK_ENV.attempt]: String(attempt) },
      ...(ctx.cwd !== undefined ? { cwd: ctx.cwd } : {}),
      onLine: (line) => ctx.log.dbt(line),
      ...(remaining !== undefined ? { timeoutMs: remaining } : {}),
      graceMs: ctx.graceMs,
      stop: ctx.stop,
      onSignal: (sig, reason) =>
        ctx.log.note(`${reason === 'timeout' ? 'timeout' : 'cancelled'}: sending ${sig} to dbt`),
    });
    run.exitCode = res.exitCode;
    if (res.spawnError !== undefined) {
      ctx.log.warn(`cannot start dbt: ${res.spawnError}; check --dbt-command`);
      return finish(run, 'error', ctx);
    }

    const read = await readRunResults(ctx.runResultsFile);
    if (read.problem !== null) ctx.log.warn(read.problem);
    // dbt may have died before writing: then the file still holds the previous attempt's results.
    const fresh: RunResults | null =
      read.results !== null && !sameInvocation(read.results, previous) ? read.results : null;
    if (fresh !== null) {
      run.results.push({ chunk: chunk.index, attempt, results: fresh });
      run.dbtVersion ??= fresh.metadata.dbt_version ?? null;
    }
    previous = fresh ?? previous;

    if (res.outcome !== 'exited') return finish(run, res.outcome, ctx);
    const passed = res.exitCode === 0 && (fresh?.results.every((r) => isPassing(r.status)) ?? true);
    if (passed) return finish(run, 'success', ctx);
    run.status = 'error';
    if (attempt <= ctx.retries)
      ctx.log.note(
        `chunk ${chunk.index + 1} attempt ${attempt} failed (exit ${res.exitCode ?? res.signal}); retrying what failed or was skipped`,
      );
  }
  return finish(run, 'error', ctx);
}

function finish(run: ChunkRun, status: ChunkRecord['status'], ctx: ChunkContext): ChunkRun {
  run.status = status;
  if (run.startedAt !== null) run.endedAt = ctx.now().toISOString();
  return run;
}

function sameInvocation(a: RunResults, b: RunResults | null): boolean {
  if (b === null) return false;
  const id = a.metadata.invocation_id;
  return id !== undefined && id !== null
    ? id === b.metadata.invocation_id
    : a.metadata.generated_at === b.metadata.generated_at;
}
