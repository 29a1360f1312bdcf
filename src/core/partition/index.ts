export {
  RunResultsSchema,
  costsFromRunResults,
  costsFromTimings,
  measureTimings,
  defaultSecondsFor,
  DEFAULT_SECONDS,
  median,
} from './costs.js';
export type { CostTable, MeasuredTimings, RunResults } from './costs.js';
export { partition, DEFAULT_MAX_THREADS, MAX_SHARDS_PER_STAGE, MIN_SHARDING_GAIN } from './partition.js';
export type { PartitionInput, PartitionResult } from './partition.js';
export { isSchedulable } from './schedulable.js';
export {
  DBT_CPU_SECONDS_PER_NODE,
  DBT_SECONDS_PER_NODE,
  DBT_STARTUP_SECONDS,
  GITHUB_MACHINE,
  sharedMachine,
} from './machine.js';
export type { Machine } from './machine.js';
