import path from 'node:path';
import { FAIL_ON_LEVELS, type FailOn } from '../core/report/totals.js';
import { parsePlanInputs, PLAN_OPTIONS, type PlanInputs } from '../plan/inputs.js';
import { parseRunInputs, RUN_OPTIONS, type RunInputs } from '../run/inputs.js';
import type { OptionSpec, RawOptions } from '../shared/options.js';
import { badInput } from '../core/errors.js';
import { localFolder } from '../io/folders/index.js';
import { str } from '../shared/options.js';
import { parseEnumOption, parseIntOption } from '../shared/parse.js';

/** Options of `run` that `local` sets itself (one plan, every shard, its own folders). */
const RUN_ONLY_HIDDEN = new Set(['plan', 'shard', 'final', 'out']);

/**
 * `dbt-matrix local`: the options of plan and run under the same names (shared ones, such as
 * --project-dir or --state, once), plus where everything goes and how the report fails.
 */
/**
 * On one machine a shard costs a dbt start-up and parse, not a GitHub job's set-up: the planner
 * weighs splitting against this much per shard.
 */
const LOCAL_SHARD_OVERHEAD_SECONDS = '10';

export const LOCAL_OPTIONS: OptionSpec[] = [
  ...PLAN_OPTIONS.filter((o) => o.name !== 'out').map((o) =>
    o.name === 'shard-overhead-seconds' ? { ...o, description: 'fixed cost of one shard (dbt start-up and parse)', defaultText: LOCAL_SHARD_OVERHEAD_SECONDS } : o,
  ),
  ...RUN_OPTIONS.filter((o) => !RUN_ONLY_HIDDEN.has(o.name) && !PLAN_OPTIONS.some((p) => p.name === o.name)),
  { name: 'out', value: 'DIR', description: 'folder for everything: DIR/plan/, DIR/shards/<id>/, DIR/report/ (and DIR/db/ on DuckDB)', defaultText: 'dbt-matrix-local' },
  { name: 'fail-on', value: 'LEVEL', description: 'exit non-zero on: error (failed nodes or shards), warn (also warnings), never', defaultText: 'error' },
  { name: 'slowest', value: 'N', description: 'how many of the slowest nodes the report lists', defaultText: '10' },
  {
    name: 'duckdb-result',
    value: 'FILE',
    description: "DuckDB only: where the merged database goes (default: the profile's path, where `dbt build` puts it); the profile's database is then only read",
  },
  { name: 'python', value: 'FILE', description: "DuckDB only: Python with the duckdb module (default: the interpreter in dbt's shebang)" },
];

export interface LocalInputs {
  /** plan options; out = DIR/plan */
  plan: PlanInputs;
  /** run options shared by every shard; plan = DIR/plan/plan.json, out = DIR/shards */
  run: RunInputs;
  out: string;
  failOn: FailOn;
  slowest: number;
  /** null: the profile's path, as `dbt build` */
  duckdbResult: string | null;
  /** null: from dbt's shebang */
  python: string | null;
}


function duckdbResult(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/\.duckdb$/i.test(value) || value.trim() !== value) throw badInput('--duckdb-result', value, 'a file path ending in .duckdb');
  return path.resolve(value);
}

export function parseLocalInputs(raw: RawOptions): LocalInputs {
  const out = path.resolve(str(raw, 'out') ?? 'dbt-matrix-local');
  const paths = localFolder(out);
  const plan = parsePlanInputs({ 'shard-overhead-seconds': LOCAL_SHARD_OVERHEAD_SECONDS, ...raw, out: paths.planDir });
  // the shard index is set per shard; 0 only satisfies the run parser
  const run = parseRunInputs({ ...raw, plan: paths.planFile, shard: '0', final: undefined, out: paths.shardsDir });
  return {
    plan,
    run,
    out,
    failOn: parseEnumOption('fail-on', str(raw, 'fail-on')?.trim().toLowerCase(), FAIL_ON_LEVELS, 'error'),
    slowest: parseIntOption('slowest', str(raw, 'slowest'), { min: 0, max: 1000, fallback: 10 })!,
    duckdbResult: duckdbResult(str(raw, 'duckdb-result')),
    python: str(raw, 'python') ?? null,
  };
}
