import path from 'node:path';
import { planFolderOf, readPlan } from '../io/folders/index.js';
import type { RunInputs, RunSettings } from './inputs.js';
import { pickWork, prepareShard, type RunDeps, type RunOutcome, type ShardJob } from './job.js';

import { openShardFolders, planShardFolders } from './shard-folder.js';
import { runInFolders } from './shard-run.js';

export { pickWork, type RunDeps, type RunOutcome, type ShardJob, type Work } from './job.js';

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
  const prepared = await prepareShard(job, inputs, deps);
  const folders = await openShardFolders(await planShardFolders(inputs.out, prepared.work.id));
  try {
    return await runInFolders(inputs, deps, prepared, folders);
  } finally {
    await folders.cleanup();
  }
}
