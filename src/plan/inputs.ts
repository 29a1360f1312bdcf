import type { Machine } from '../core/partition/index.js';
import { badInput } from '../core/errors.js';
import { INTERVAL_OPTIONS, parseIntervalInputs } from '../shared/interval-options.js';
import { int, lines, num, text, type Option, type RawOptions } from '../shared/options.js';
import { DBT_COMMAND_OPTION, profilesDirOption, projectDirOption, targetOption } from '../shared/project-options.js';
import type { IntervalInputs } from '../shared/shard-vars.js';

const MANIFEST = text({
  name: 'manifest',
  value: 'FILE',
  description: "dbt's manifest.json to plan from (default: run `dbt parse` in --project-dir)",
});
const PROJECT_DIR = projectDirOption('dbt project folder (used for `dbt parse` when --manifest is not given)');
const PROFILES_DIR = profilesDirOption('folder holding profiles.yml for `dbt parse`');
const TARGET = targetOption('dbt target for `dbt parse`');
const SELECT = lines({ name: 'select', value: 'SPEC', description: "dbt node selection (dbt's --select grammar)" });
const EXCLUDE = lines({ name: 'exclude', value: 'SPEC', description: 'nodes to leave out (same grammar)' });
const SELECTOR = text({ name: 'selector', value: 'NAME', description: 'a named selector from selectors.yml' });
const STATE = text({
  name: 'state',
  value: 'DIR',
  description:
    'folder with the production manifest.json, for state:modified / state:new (copied into the plan so run can --defer to it); in the action, `github` = the manifest of the latest dbt-matrix-report of --report-workflow',
});
const REPORT_WORKFLOW = text({
  name: 'report-workflow',
  value: 'FILE',
  description:
    'workflow file whose latest successful dbt-matrix-report on the default branch `github` timings and state come from (default: this workflow)',
  actionOnly: true,
});
/** GitHub applies the default */
const GITHUB_TOKEN = text(
  {
    name: 'github-token',
    value: 'TOKEN',
    description: 'token for `github` timings and state (needs actions: read)',
    actionOnly: true,
  },
  undefined,
  '${{ github.token }}',
);
const CONNECTION_BUDGET = int(
  {
    name: 'connection-budget',
    value: 'N',
    description: 'warehouse connections this run may use at once (every shard holds threads + 1)',
  },
  { min: 2 },
);
const THREADS = int(
  { name: 'threads', value: 'N', description: 'dbt threads per shard (default: the planner picks)' },
  { min: 1 },
);
const MAX_SHARDS = int(
  { name: 'max-shards', value: 'N', description: 'most shards in one stage (≤ 256, the matrix limit)' },
  { min: 1, max: 256 },
  256,
);
const MAX_STAGES = int(
  { name: 'max-stages', value: 'N', description: 'most stages (matrix jobs run stage after stage)' },
  { min: 1, max: 3 },
  3,
);
const TIMINGS = lines({
  name: 'timings',
  value: 'FILE',
  description:
    'run_results.json of earlier runs, for per-node seconds; in the action, `github` = the latest dbt-matrix-report of --report-workflow on the default branch',
});
/** What one shard costs besides its nodes: a GitHub job's set-up here; `local` declares its own. */
export const shardOverheadOption = (description: string, seconds: number) =>
  num({ name: 'shard-overhead-seconds', value: 'S', description }, { min: 0 }, seconds);
const SHARD_OVERHEAD = shardOverheadOption('fixed cost of one job (runner start, setup, dbt start-up)', 60);
const OUT = text(
  { name: 'out', value: 'DIR', description: 'folder for plan.json and the manifest planned from' },
  'dbt-matrix-plan',
);

export const PLAN_OPTIONS: Option<unknown>[] = [
  MANIFEST,
  PROJECT_DIR,
  PROFILES_DIR,
  TARGET,
  DBT_COMMAND_OPTION,
  SELECT,
  EXCLUDE,
  SELECTOR,
  STATE,
  REPORT_WORKFLOW,
  GITHUB_TOKEN,
  CONNECTION_BUDGET,
  THREADS,
  MAX_SHARDS,
  MAX_STAGES,
  TIMINGS,
  SHARD_OVERHEAD,
  OUT,
  // the shards' --vars: the plan's `dbt parse` uses the same (dbt discards a parse made with other vars)
  ...INTERVAL_OPTIONS,
];

/** What to plan and how: the settings `local` shares, without where the plan folder goes. */
export interface PlanSettings {
  manifest: string | null;
  projectDir: string;
  profilesDir: string | null;
  target: string | null;
  dbtCommand: string;
  select: string[];
  exclude: string[];
  selector: string | null;
  state: string | null;
  connectionBudget: number;
  threads: number | null;
  maxShards: number;
  maxStages: number;
  timings: string[];
  shardOverheadSeconds: number;
  /** the shards' interval options: `dbt parse` runs with their first chunk's vars */
  interval: IntervalInputs;
  /** `--state github` found no production manifest: every node counts as new */
  stateMissing?: boolean;
  /** where shards run (local: one machine's shared cores); a runner per shard when absent */
  machine?: Machine;
}

export interface PlanInputs extends PlanSettings {
  /** the plan folder */
  out: string;
}

/** dbt splits --select on spaces; each CLI repeat or action line may hold several. */
const words = (values: string[]): string[] => values.flatMap((v) => v.split(/\s+/)).filter((w) => w.length > 0);

export function parsePlanInputs(raw: RawOptions): PlanInputs {
  return { ...parsePlanSettings(raw), out: OUT.read(raw) };
}

export function parsePlanSettings(raw: RawOptions): PlanSettings {
  const connectionBudget = CONNECTION_BUDGET.read(raw);
  if (connectionBudget === null)
    throw badInput('--connection-budget', '(missing)', 'the number of warehouse connections this run may use, ≥ 2');
  const selector = SELECTOR.read(raw);
  const select = words(SELECT.read(raw));
  if (selector !== null && select.length > 0) {
    throw badInput('--selector', selector, 'either --selector or --select, not both (as in dbt)');
  }
  return {
    manifest: MANIFEST.read(raw),
    projectDir: PROJECT_DIR.read(raw),
    profilesDir: PROFILES_DIR.read(raw),
    target: TARGET.read(raw),
    dbtCommand: DBT_COMMAND_OPTION.read(raw),
    select,
    exclude: words(EXCLUDE.read(raw)),
    selector,
    state: STATE.read(raw),
    connectionBudget,
    threads: THREADS.read(raw),
    maxShards: MAX_SHARDS.read(raw),
    maxStages: MAX_STAGES.read(raw),
    timings: TIMINGS.read(raw),
    shardOverheadSeconds: SHARD_OVERHEAD.read(raw),
    interval: parseIntervalInputs(raw),
  };
}

/** The action's own: where `github` timings and state come from, and the token to fetch them. */
export interface PlanActionInputs {
  plan: PlanInputs;
  /** never logged; null when not given */
  token: string | null;
  /** null: this workflow */
  reportWorkflow: string | null;
}

export function parsePlanActionInputs(raw: RawOptions): PlanActionInputs {
  return { plan: parsePlanInputs(raw), token: GITHUB_TOKEN.read(raw), reportWorkflow: REPORT_WORKFLOW.read(raw) };
}
