import path from 'node:path';
import type { FailOn } from '../core/report/totals.js';
import { badInput } from '../core/errors.js';
import { DBT_STARTUP_SECONDS } from '../core/partition/index.js';
import { localFolder } from '../io/folders/index.js';
import { FAIL_ON_OPTION, SLOWEST_OPTION } from '../merge/inputs.js';
import { parsePlanSettings, PLAN_OPTIONS, shardOverheadOption, type PlanInputs } from '../plan/inputs.js';
import { parseRunSettings, RUN_JOB_OPTIONS, RUN_OPTIONS, type RunSettings } from '../run/inputs.js';
import { custom, text, type Option, type RawOptions } from '../shared/options.js';

/**
 * On one machine a shard costs a dbt start-up, not a GitHub job's set-up: the planner weighs
 * splitting against this much per shard, as wall time and as CPU the shards share (previous-
 * timings.ts). The default is dbt's start-up CPU as measured (DBT_STARTUP_SECONDS): warm starts
 * (src/io/warm-dbt.ts) take part of it off the wall clock, not off the cores, and shards starting
 * together on few cores wait for each other's (`npm run bench -- pg-sleep`: with 5 s, three shards
 * starting at once on two cores ran 24 % over their plan; with 7 s, that run was 12 % over and one
 * shard 8 % under).
 */
const LOCAL_SHARD_OVERHEAD = shardOverheadOption(
  'fixed cost of one shard (dbt start-up: wall time, and CPU on the shared cores)',
  DBT_STARTUP_SECONDS,
);
const OUT = text(
  {
    name: 'out',
    value: 'DIR',
    description: 'folder for everything: DIR/plan/, DIR/shards/<id>/, DIR/report/ (and DIR/db/ on DuckDB)',
  },
  'dbt-matrix-local',
);
const DUCKDB_RESULT = custom(
  {
    name: 'duckdb-result',
    value: 'FILE',
    description:
      "DuckDB only: where the merged database goes (default: the profile's path, where `dbt build` puts it); the profile's database is then only read",
  },
  (value) => {
    if (value === undefined) return null;
    if (!/\.duckdb$/i.test(value) || value.trim() !== value)
      throw badInput('--duckdb-result', value, 'a file path ending in .duckdb');
    return path.resolve(value);
  },
);
const PYTHON = text({
  name: 'python',
  value: 'FILE',
  description: "DuckDB only: Python with the duckdb module (default: the interpreter in dbt's shebang)",
});

/** Options of plan and run that `local` sets itself (one plan, every shard, its own folders). */
const SET_BY_LOCAL = new Set(['out', ...RUN_JOB_OPTIONS.map((o) => o.name)]);

/**
 * `dbt-matrix local`: the options of plan and run under the same names (shared ones, such as
 * --project-dir or --state, once), plus where everything goes and how the report fails.
 */
export const LOCAL_OPTIONS: Option<unknown>[] = [
  ...PLAN_OPTIONS.filter((o) => !SET_BY_LOCAL.has(o.name)).map((o) =>
    o.name === LOCAL_SHARD_OVERHEAD.name ? LOCAL_SHARD_OVERHEAD : o,
  ),
  ...RUN_OPTIONS.filter((o) => !SET_BY_LOCAL.has(o.name) && !PLAN_OPTIONS.some((p) => p.name === o.name)),
  OUT,
  FAIL_ON_OPTION,
  SLOWEST_OPTION,
  DUCKDB_RESULT,
  PYTHON,
];

export interface LocalInputs {
  /** plan settings; out = DIR/plan */
  plan: PlanInputs;
  /** the settings every shard runs with; out = DIR/shards */
  run: RunSettings;
  out: string;
  failOn: FailOn;
  slowest: number;
  /** null: the profile's path, as `dbt build` */
  duckdbResult: string | null;
  /** null: from dbt's shebang */
  python: string | null;
}

export function parseLocalInputs(raw: RawOptions): LocalInputs {
  const out = path.resolve(OUT.read(raw));
  const folders = localFolder(out);
  return {
    plan: {
      ...absoluteFolders(parsePlanSettings(raw)),
      shardOverheadSeconds: LOCAL_SHARD_OVERHEAD.read(raw),
      out: folders.planDir,
    },
    run: absoluteFolders(parseRunSettings(raw, folders.shardsDir)),
    out,
    failOn: FAIL_ON_OPTION.read(raw),
    slowest: SLOWEST_OPTION.read(raw),
    duckdbResult: DUCKDB_RESULT.read(raw),
    python: PYTHON.read(raw),
  };
}

/**
 * On DuckDB each shard's dbt runs in a folder of its own, where a relative --project-dir would
 * name nothing (dbt-duckdb reads seeds relative to the working directory): the user's folders are
 * resolved against the directory `local` was started in, for the plan's parse and every shard alike.
 */
function absoluteFolders<T extends { projectDir: string; profilesDir: string | null; state: string | null }>(
  settings: T,
): T {
  const resolve = (dir: string | null): string | null => (dir === null ? null : path.resolve(dir));
  return {
    ...settings,
    projectDir: path.resolve(settings.projectDir),
    profilesDir: resolve(settings.profilesDir),
    state: resolve(settings.state),
  };
}
