/**
 * The folder contracts: the plan folder, the shard folder, the report folder (their files are
 * listed in src/core/folders.ts) as paths, with their readers and writers. plan, run, merge and
 * local name every file of them through here.
 */
export { PLAN_VERSION, SHARD_ARTIFACT_VERSION } from '../../core/folders.js';
export * from './paths.js';
export { planIdentity, readPlan } from './plan-folder.js';
export { readShardFolder, readShardFolders, writeShardFiles, type ShardFolderContents } from './shard-folder.js';
export { writeReportFolder, type ReportFiles } from './report-folder.js';
