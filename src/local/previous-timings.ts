import { rename } from 'node:fs/promises';
import os from 'node:os';
import { sharedMachine } from '../core/partition/index.js';
import { pathExists } from '../io/files.js';
import { localFolder, reportFolder } from '../io/folders/index.js';
import type { PlanInputs } from '../plan/inputs.js';

/** Where the previous report's run_results.json is kept once a new run clears the report folder. */
export const previousTimingsFile = (out: string): string => localFolder(out).previousTimings;

/**
 * `local` plans for this machine: every shard shares its cores (the planner's CPU ceiling), and,
 * unless --timings is given, nodes are priced by the previous report in the same --out folder.
 * Call before the report folder is cleared: its run_results.json is moved aside to
 * DIR/previous-run_results.json, which also serves when that run never wrote a report.
 */
export async function planForThisMachine(
  plan: PlanInputs,
  out: string,
  reportDir: string,
): Promise<{ plan: PlanInputs; note: string | null }> {
  // a local shard's overhead is dbt's start-up, which is CPU work competing for the same cores
  const machine = sharedMachine(os.availableParallelism(), plan.shardOverheadSeconds);
  const kept = previousTimingsFile(out);
  const latest = reportFolder(reportDir).runResults;
  if (await pathExists(latest)) await rename(latest, kept);
  if (plan.timings.length > 0 || !(await pathExists(kept))) return { plan: { ...plan, machine }, note: null };
  return {
    plan: { ...plan, machine, timings: [kept] },
    note: `timings: from the previous report in ${out} (${kept}); pass --timings to use others`,
  };
}
