/** The report core: pure functions from shard folders' contents to the merged report and its renderings. */
export { mergeShardResults } from './merge.js';
export { spanSeconds } from './shard-rows.js';
export {
  combineShardResults,
  combineAcrossShards,
  mergeTimings,
  type MergedResult,
  type MergedTag,
} from './combine.js';
export * from './model.js';
export * from './run-results.js';
export { computeTotals, runStatus, exitCodeFor, FAIL_ON_LEVELS, type FailOn, type RunStatus } from './totals.js';
export { renderSummary, renderHeadline, renderComment, type SummaryOptions } from './summary.js';
export { renderGantt, escapeTaskName } from './gantt.js';
export { renderJunit } from './junit.js';
export {
  buildAnnotations,
  emitAnnotations,
  repoPath,
  MAX_ANNOTATIONS,
  type Annotator,
  type Annotation,
  type AnnotationProps,
} from './annotations.js';
export { formatDuration } from './format.js';
