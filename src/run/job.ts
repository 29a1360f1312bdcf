import path from 'node:path';
import { UserError } from '../core/errors.js';
import type { Chunk, ResolvedInterval, TriggerContext } from '../core/interval/index.js';
import type { Plan } from '../core/plan/schema.js';
import type { ShardArtifact, SkippedNode } from '../core/report/shard-artifact.js';
import { secretVarValues } from '../core/vars/index.js';
import type { SpawnDbt } from '../io/dbt-process.js';
import { pathExists } from '../io/files.js';
import { planFolder, stateFolder } from '../io/folders/index.js';
import { createRedactor, type Redactor } from '../io/redact.js';
import type { RunResults } from '../io/run-results.js';
import type { Logger } from '../shared/log.js';
import { resolveShardVars } from '../shared/shard-vars.js';
import type { RunInputs, RunSettings } from './inputs.js';

// What one run job is: the work it runs, what it needs from the outside world, what it returns,
// and its inputs resolved before anything is written.

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

/** The shard's work minus the nodes an earlier stage's failure skips; those are recorded for the merge. */
export function withoutSkipped(work: Work, skip: RunDeps['skip']): { work: Work; skipped: SkippedNode[] } {
  if (!skip || skip.size === 0) return { work, skipped: [] };
  const skipped = work.nodes.filter((n) => skip.has(n)).map((n) => ({ unique_id: n, causes: [...skip.get(n)!] }));
  return { work: { ...work, nodes: work.nodes.filter((n) => !skip.has(n)) }, skipped };
}

/** A shard job with its inputs resolved: everything the run needs that is decided before any folder is made. */
export interface PreparedShard {
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
}

/** Resolves the job's interval, vars, --defer state and secrets; bad input throws here, before anything is written. */
export async function prepareShard(job: ShardJob, inputs: RunSettings, deps: RunDeps): Promise<PreparedShard> {
  const startedAt = deps.now();
  const { plan, planDir } = job;
  const { work, skipped } = withoutSkipped(job.work, deps.skip);
  const { interval, chunks, varsFor, envFor } = resolveShardVars(inputs, deps.trigger, plan.createdAt);
  const deferState = inputs.defer ? await deferStateDir(inputs, planDir, deps.log) : null;
  const chunkVars = chunks.map(varsFor); // a reserved var name fails here, before anything is written
  const secretVars = chunkVars.flatMap((v) => secretVarValues(v));
  const redact = createRedactor({
    env: deps.env,
    secretEnvNames: inputs.secrets,
    secretValues: [...(deps.secretValues ?? []), ...secretVars],
  });
  return { plan, planDir, work, skipped, interval, chunks, chunkVars, varsFor, envFor, deferState, redact, startedAt };
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
