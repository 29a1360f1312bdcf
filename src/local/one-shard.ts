import type { Plan, Shard } from '../core/plan/schema.js';
import { runShardJob, pickWork, type RunOutcome } from '../run/main.js';
import type { Logger } from '../shared/log.js';
import type { LocalDeps } from './main.js';
import type { LocalInputs } from './inputs.js';
import type { Progress, ShardState } from './progress.js';
import type { SchemaGate } from './schema-gate.js';
import type { WarehouseState } from './warehouse.js';

export interface ShardContext {
  inputs: LocalInputs;
  deps: LocalDeps;
  warehouse: WarehouseState;
  gate: SchemaGate | null;
  signal: AbortSignal;
  /** nodes an earlier stage's failure skips (with their causes) */
  skip: ReadonlyMap<string, readonly string[]>;
  plan: Plan;
  planDir: string;
}

/** One shard (or the final tests) as one runShard call = one dbt subprocess at a time. */
export async function runOneShard(shard: Shard | 'final', ctx: ShardContext): Promise<RunOutcome | null> {
  const { inputs, deps, signal } = ctx;
  const id = shard === 'final' ? 'final' : shard.id;
  const release = ctx.gate ? await ctx.gate.enter(shard === 'final' ? [] : shard.nodes) : () => undefined;
  if (signal.aborted) {
    release();
    deps.progress.finish(id, 'not run');
    return null;
  }
  deps.progress.start(id);
  const work = pickWork(
    ctx.plan,
    shard === 'final' ? { shard: null, final: true } : { shard: shard.index, final: false },
  );
  try {
    const outcome = await runShardJob({ plan: ctx.plan, planDir: ctx.planDir, work }, inputs.run, {
      trigger: deps.trigger,
      env: ctx.warehouse.envFor(id),
      cwd: ctx.warehouse.cwdFor(id),
      attempt: 1,
      now: deps.now,
      log: shardLogger(id, deps.progress, release),
      signal,
      handleProcessSignals: false,
      skip: ctx.skip,
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
