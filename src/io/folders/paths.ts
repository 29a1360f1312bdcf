import path from 'node:path';
import {
  DBT_FILES,
  LOCAL_FOLDER,
  PLAN_FOLDER,
  REPORT_FOLDER,
  SHARD_FOLDER,
  SHARD_WORK_FOLDER,
} from '../../core/folders.js';

/** The folder contracts as paths (the names: src/core/folders.ts). */

/** A folder dbt reads with `--state`: manifest.json (and run_results.json for `result:` selectors). */
export const stateFolder = (dir: string) => ({
  dir,
  manifest: path.join(dir, DBT_FILES.manifest),
  runResults: path.join(dir, DBT_FILES.runResults),
});

export const planFolder = (dir: string) => ({
  dir,
  plan: path.join(dir, PLAN_FOLDER.plan),
  manifest: path.join(dir, PLAN_FOLDER.manifest),
  state: stateFolder(path.join(dir, PLAN_FOLDER.state)),
  parseState: path.join(dir, PLAN_FOLDER.parseState),
});

/** The plan folder of a plan.json path: its manifest.json and state/ sit beside it. */
export const planFolderOf = (planFile: string) => planFolder(path.dirname(planFile));

export const shardFolder = (dir: string) => ({
  dir,
  runResults: path.join(dir, SHARD_FOLDER.runResults),
  shard: path.join(dir, SHARD_FOLDER.shard),
  dbtLog: path.join(dir, SHARD_FOLDER.dbtLog),
});

/** `run --out`'s scratch space: one folder per shard for dbt's target and logs. */
export const shardWorkRoot = (out: string): string => path.join(out, SHARD_WORK_FOLDER);

export const reportFolder = (dir: string) => ({
  dir,
  runResults: path.join(dir, REPORT_FOLDER.runResults),
  manifest: path.join(dir, REPORT_FOLDER.manifest),
  plan: path.join(dir, REPORT_FOLDER.plan),
  summary: path.join(dir, REPORT_FOLDER.summary),
  junit: path.join(dir, REPORT_FOLDER.junit),
});

/** `dbt-matrix local --out`: each step's folder inside one. */
export const localFolder = (out: string) => ({
  planDir: path.join(out, LOCAL_FOLDER.plan),
  planFile: planFolder(path.join(out, LOCAL_FOLDER.plan)).plan,
  shardsDir: path.join(out, LOCAL_FOLDER.shards),
  reportDir: path.join(out, LOCAL_FOLDER.report),
  dbDir: path.join(out, LOCAL_FOLDER.db),
  profileDir: path.join(out, LOCAL_FOLDER.profile),
  previousTimings: path.join(out, LOCAL_FOLDER.previousTimings),
});
