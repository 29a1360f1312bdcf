import type { EventTimeWindow } from '../core/interval/index.js';
import type { DbtFlags } from './dbt-flags.js';
import { SELECTION_METHOD } from './selection.js';

/**
 * The argv of each dbt invocation of a shard, as arrays (no shell ever parses them).
 * Paths should be absolute: dbt resolves a relative --target-path against the project root,
 * and a long selection runs dbt on a view of the project in another folder.
 */
export interface DbtInvocationBase {
  projectDir: string;
  profilesDir: string | null;
  target: string | null;
  threads: number;
  /** this shard's own folders: shards never share files */
  targetPath: string;
  logPath: string;
  vars: Record<string, unknown>;
  fullRefresh: boolean;
  /** microbatch models in the selection: this invocation's window (dbt takes it on run/build only) */
  eventTime: EventTimeWindow | null;
  /** the user's extra dbt flags, validated */
  dbtFlags: DbtFlags;
  /** pass --defer: the selection folder then holds the production manifest too (see selection.ts) */
  defer: boolean;
}

/** the folder whose run_results.json lists the shard's nodes (see selection.ts) */
export interface SelectionArgs {
  stateDir: string;
}

/**
 * `dbt build` of exactly the selected nodes. `--indirect-selection empty`: tests run only when
 * listed (the plan put each test where all its parents are, or in finalTests).
 * `--vars` is ONE argv element of JSON: quotes, `$()` and newlines in values stay inert.
 */
export function buildArgs(base: DbtInvocationBase, sel: SelectionArgs): string[] {
  const args = ['build', ...commonArgs(base), '--indirect-selection', 'empty'];
  if (base.target !== null) args.push('--target', base.target);
  args.push('--select', SELECTION_METHOD, '--state', sel.stateDir);
  if (base.fullRefresh) args.push('--full-refresh');
  if (base.eventTime !== null)
    args.push('--event-time-start', base.eventTime.start, '--event-time-end', base.eventTime.end);
  if (base.defer) args.push('--defer');
  args.push(...base.dbtFlags.build);
  return args;
}

/**
 * `dbt retry` re-runs what failed or was skipped, reading run_results.json from the same
 * --target-path. It restores the other flags (target, selection, full-refresh, defer/state)
 * from that file's args (the selection folder as --state included, which keeps deferral); vars
 * and threads are passed again so they are certain to match the chunk. Microbatch models'
 * event-time window comes back from run_results.json too, and retry re-runs only their failed
 * batches. `--state` must NOT be passed: retry would read the run_results of the selection folder
 * instead of the run's.
 */
export function retryArgs(base: DbtInvocationBase): string[] {
  return ['retry', ...commonArgs(base), ...base.dbtFlags.retry];
}

function commonArgs(base: DbtInvocationBase): string[] {
  const args = ['--project-dir', base.projectDir];
  if (base.profilesDir !== null) args.push('--profiles-dir', base.profilesDir);
  args.push('--target-path', base.targetPath, '--log-path', base.logPath);
  args.push('--threads', String(base.threads));
  args.push('--vars', JSON.stringify(base.vars));
  return args;
}
