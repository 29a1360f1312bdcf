import { z } from 'zod';
import { UserError } from '../errors.js';
import type { DbtGraph } from '../graph/graph.js';
import { DBT_SECONDS_PER_NODE } from './machine.js';
import { isSchedulable } from './schedulable.js';

/**
 * The subset of dbt's run_results.json (schema v4–v6, dbt 1.0 to 1.11) that costs need. Unknown
 * keys are ignored, so the big per-result fields (compiled code, adapter response) cost nothing.
 * Narrower than the report's schema (src/core/report/run-results.ts) on purpose: timings may come
 * from older dbt, and a history file of 10k results is read before any plan is made.
 */
const TimingSchema = z.object({
  name: z.string(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
});

export const RunResultsSchema = z.object({
  metadata: z.object({
    dbt_schema_version: z
      .string()
      .regex(/\/run-results\/v[4-6]\.json$/, 'expected run_results.json of schema v4–v6 (dbt 1.0 or later)'),
    generated_at: z.string().optional(),
  }),
  // the dbt command that wrote the file (dbt 1.x keeps its arguments here)
  args: z.looseObject({ which: z.string().optional() }).optional(),
  results: z.array(
    z.object({
      unique_id: z.string(),
      status: z.string(),
      execution_time: z.number().nonnegative(),
      // checked only when it is read (execution_time 0): tens of thousands of results carry two each
      timing: z.unknown().optional(),
    }),
  ),
});
export type RunResults = z.infer<typeof RunResultsSchema>;
type RunResult = RunResults['results'][number];

export interface CostTable {
  /** seconds per unique id: every schedulable node of the graph, measured or estimated */
  seconds: Map<string, number>;
  /** schedulable nodes with at least one usable timing */
  withHistory: number;
  /** schedulable nodes whose seconds are an estimate */
  estimated: number;
  /** one sentence for plan.json and the summary: where the numbers come from */
  assumption: string;
  /** ignorable oddities, e.g. results for nodes the manifest no longer has */
  warnings: string[];
}

/**
 * Seconds assumed per resource type when no timing of that type is known at all: dbt's own time per
 * node, measured on real dbt (src/core/partition/machine.ts), the warehouse's share taken as nil
 * because nothing is known of it. A project whose models take the warehouse real time gets a
 * plan worth having only from --timings.
 */
export const DEFAULT_SECONDS: Readonly<Record<string, number>> = {
  model: DBT_SECONDS_PER_NODE,
  snapshot: DBT_SECONDS_PER_NODE,
  seed: DBT_SECONDS_PER_NODE,
  test: DBT_SECONDS_PER_NODE,
  unit_test: DBT_SECONDS_PER_NODE,
};
export const defaultSecondsFor = (resourceType: string): number =>
  DEFAULT_SECONDS[resourceType] ?? DBT_SECONDS_PER_NODE;

/** Statuses whose time says nothing about the node's cost (it did not run, or stopped early). */
const NOT_RUN = new Set(['skipped']);
const FAILED = new Set(['error', 'runtime error']);

/**
 * Folds timings into per-node seconds. Several files (`--timings` more than once): the **median**
 * of a node's samples, so one cold-cache or contended run does not skew the plan and the result
 * does not depend on file order. Errored runs stop early, so their time counts only when a node
 * has no successful sample; skipped nodes are ignored. Nodes without history get the median of
 * measured nodes of the same resource type, or DEFAULT_SECONDS when that type has none.
 *
 * A file none of whose results names a node of the manifest is almost surely from another project:
 * that is a UserError naming `--timings`. Some unknown ids are normal (nodes removed since that
 * run) and only produce a warning.
 */
export function costsFromRunResults(files: Array<{ file: string; data: RunResults }>, graph: DbtGraph): CostTable {
  return costsFromTimings(measureTimings(files), graph);
}

/** Per-node seconds of the timing files alone: needs no manifest, so it runs while that is read. */
export interface MeasuredTimings {
  files: Array<{ file: string; ids: string[] }>;
  seconds: Map<string, number>;
}

/**
 * Commands whose run_results.json holds compile times, not run times: `dbt docs generate`
 * overwrites target/run_results.json, so a workflow that runs it after its build hands these on.
 */
const COMPILE_ONLY_COMMANDS = new Set(['compile', 'generate', 'show']);

export function measureTimings(files: Array<{ file: string; data: RunResults }>): MeasuredTimings {
  for (const { file, data } of files) {
    const which = data.args?.which;
    if (which !== undefined && COMPILE_ONLY_COMMANDS.has(which))
      throw new UserError(
        `--timings: ${file} was written by \`dbt ${which === 'generate' ? 'docs generate' : which}\` (compile times, not run times); expected the run_results.json of a dbt build, run, test, seed or snapshot`,
      );
  }
  // one sample per node is the common case (one file): a list only from the second sample on
  const good = new Map<string, number | number[]>();
  const failed = new Map<string, number | number[]>();
  let repeated = false;
  for (const { file, data } of files) {
    for (const r of data.results) {
      if (NOT_RUN.has(r.status)) continue;
      if (addSample(FAILED.has(r.status) ? failed : good, r.unique_id, resultSeconds(r, file))) repeated = true;
    }
  }
  const ids = files.map(({ file, data }) => ({ file, ids: data.results.map((r) => r.unique_id) }));
  // every node timed once and none failed: the samples are the seconds
  if (!repeated && failed.size === 0) return { files: ids, seconds: good as Map<string, number> };
  const seconds = new Map<string, number>();
  for (const samples of [failed, good]) {
    for (const [id, s] of samples) seconds.set(id, typeof s === 'number' ? s : median(s));
  }
  return { files: ids, seconds };
}

/** The cost of every schedulable node of `graph`: measured, or estimated (see costsFromRunResults). */
export function costsFromTimings(measured: MeasuredTimings, graph: DbtGraph): CostTable {
  const warnings: string[] = [];
  for (const { file, ids } of measured.files) {
    const unknown = ids.filter((id) => !graph.has(id)).sort();
    if (ids.length > 0 && unknown.length === ids.length) {
      throw new UserError(
        `--timings: ${file} names no node of the manifest (e.g. ${JSON.stringify(unknown[0])}), expected run_results.json of this project`,
      );
    }
    if (unknown.length > 0) {
      warnings.push(
        `--timings ${file}: ${unknown.length} result(s) for nodes not in the manifest ignored (e.g. ${unknown[0]})`,
      );
    }
  }
  // seconds of ids the graph does not hold are never looked up
  return fillEstimates(graph, measured.seconds, measured.files.length, warnings);
}

function fillEstimates(
  graph: DbtGraph,
  measured: Map<string, number>,
  fileCount: number,
  warnings: string[],
): CostTable {
  // one pass over the graph: measured seconds in, the rest waits (per type) for its type's median;
  // medians and counts do not depend on node order, so graph order serves (no sort of 40k ids)
  const seconds = new Map<string, number>();
  const knownByType = new Map<string, number[]>();
  const missingByType = new Map<string, string[]>();
  let withHistory = 0;
  for (const [id, node] of graph.nodes) {
    const s = measured.get(id);
    if (s !== undefined) seconds.set(id, s);
    if (!isSchedulable(node)) continue;
    if (s === undefined) push(missingByType, node.resourceType, id);
    else {
      withHistory++;
      push(knownByType, node.resourceType, s);
    }
  }
  const estimateFor = new Map<string, { seconds: number; how: string }>();
  let estimated = 0;
  for (const type of [...missingByType.keys()].sort()) {
    const known = knownByType.get(type);
    const estimate = known
      ? { seconds: median(known), how: `median of ${known.length} timed ${type}s` }
      : {
          seconds: defaultSecondsFor(type),
          how: "dbt's own time per node measured on dbt 1.11 + DuckDB; warehouse time unknown: pass --timings",
        };
    estimateFor.set(type, estimate);
    for (const id of missingByType.get(type)!) seconds.set(id, estimate.seconds);
    estimated += missingByType.get(type)!.length;
  }
  return {
    seconds,
    withHistory,
    estimated,
    assumption: describe(fileCount, withHistory, estimated, estimateFor),
    warnings,
  };
}

function describe(
  fileCount: number,
  withHistory: number,
  estimated: number,
  estimateFor: Map<string, { seconds: number; how: string }>,
): string {
  const guesses = [...estimateFor].map(([type, e]) => `${type} ${round(e.seconds)} s (${e.how})`).join(', ');
  if (fileCount === 0)
    return `no --timings given: every node estimated per resource type: ${guesses || 'nothing to estimate'}`;
  const from = `${withHistory} node(s) timed from ${fileCount} run_results file(s) (median per node)`;
  return estimated === 0 ? from : `${from}; ${estimated} without history estimated as ${guesses}`;
}

/** dbt's execution_time; older or odd files may carry 0 there but a usable timing span. */
function resultSeconds(r: RunResult, file: string): number {
  if (r.execution_time > 0 || r.timing === undefined) return r.execution_time;
  const parsed = z.array(TimingSchema).safeParse(r.timing);
  if (!parsed.success)
    throw new UserError(
      `--timings: ${file}: the result for ${r.unique_id} has a "timing" that is not a list of {name, started_at, completed_at}`,
    );
  const starts = parsed.data.map((t) => Date.parse(t.started_at ?? '')).filter(Number.isFinite);
  const ends = parsed.data.map((t) => Date.parse(t.completed_at ?? '')).filter(Number.isFinite);
  if (starts.length === 0 || ends.length === 0) return 0;
  return Math.max(0, (Math.max(...ends) - Math.min(...starts)) / 1000);
}

/** Adds a sample; true when the node already had one. */
function addSample(map: Map<string, number | number[]>, id: string, seconds: number): boolean {
  const known = map.get(id);
  if (known === undefined) map.set(id, seconds);
  else if (typeof known === 'number') map.set(id, [known, seconds]);
  else known.push(seconds);
  return known !== undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function median(values: readonly number[]): number {
  if (values.length === 1) return values[0]!;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (s: number): number => Math.round(s * 100) / 100;
