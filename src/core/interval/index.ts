export type { Chunk, ChunkUnit, DatetimeFormat, IntervalOptions, ResolvedInterval, TriggerContext } from './types.js';
export { CHUNK_UNITS, DATETIME_FORMATS } from './types.js';
export { resolveInterval, triggerAtPlanTime } from './resolve.js';
export { splitChunks } from './chunks.js';
export { formatDttm } from './datetime.js';
export {
  BATCH_SIZES,
  eventTimePlan,
  microbatchModels,
  type BatchSize,
  type EventTimePlan,
  type EventTimeWindow,
  type MicrobatchModel,
} from './microbatch.js';
