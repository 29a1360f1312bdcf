import type { Machine } from '../core/partition/index.js';
import { badInput } from '../core/errors.js';
import type { OptionSpec, RawOptions } from '../shared/options.js';
import { list, str } from '../shared/options.js';
import { parseIntOption, parseNumberOption } from '../shared/parse.js';
import type { IntervalInputs } from '../shared/shard-vars.js';
import { parseRunInputs, RUN_OPTIONS } from '../run/inputs.js';

/**
 * The run options that decide the shards' `--vars`: the plan's `dbt parse` uses the same vars
 * (dbt discards a saved parse made with other vars), so the plan takes them as run does.
 */
const INTERVAL_OPTION_NAMES = ['start', 'end', 'timezone', 'datetime-format', 'chunk', 'interval-env', 'vars', 'forward-inputs', 'array-format', 'overlap', 'max-interval-days'];

export const PLAN_OPTIONS: OptionSpec[] = [
  { name: 'manifest', value: 'FILE', description: "dbt's manifest.json to plan from (default: run `dbt parse` in --project-dir)" },
  { name: 'project-dir', value: 'DIR', description: 'dbt project folder (used for `dbt parse` when --manifest is not given)', defaultText: '.' },
  { name: 'profiles-dir', value: 'DIR', description: 'folder holding profiles.yml for `dbt parse`' },
  { name: 'target', value: 'NAME', description: 'dbt target for `dbt parse`' },
  { name: 'dbt-command', value: 'CMD', description: 'dbt executable', defaultText: 'dbt' },
  { name: 'select', value: 'SPEC', multiple: true, description: "dbt node selection (dbt's --select grammar)" },
  { name: 'exclude', value: 'SPEC', multiple: true, description: 'nodes to leave out (same grammar)' },
  { name: 'selector', value: 'NAME', description: 'a named selector from selectors.yml' },
  { name: 'state', value: 'DIR', description: 'folder with the production manifest.json, for state:modified / state:new (copied into the plan so run can --defer to it); in the action, `github` = the manifest of the latest dbt-matrix-report of --report-workflow' },
  { name: 'report-workflow', value: 'FILE', description: 'workflow file whose latest successful dbt-matrix-report on the default branch `github` timings and state come from (default: this workflow)', actionOnly: true },
  { name: 'github-token', value: 'TOKEN', description: 'token for `github` timings/state and PR comments (needs actions: read; pull-requests: write to comment)', defaultText: '${{ github.token }}', actionOnly: true },
  { name: 'connection-budget', value: 'N', description: 'warehouse connections this run may use at once (every shard holds threads + 1)' },
  { name: 'threads', value: 'N', description: 'dbt threads per shard (default: the planner picks)' },
  { name: 'max-shards', value: 'N', description: 'most shards in one stage (≤ 256, the matrix limit)', defaultText: '256' },
  { name: 'max-stages', value: 'N', description: 'most stages (matrix jobs run stage after stage)', defaultText: '3' },
  { name: 'timings', value: 'FILE', multiple: true, description: 'run_results.json of earlier runs, for per-node seconds; in the action, `github` = the latest dbt-matrix-report of --report-workflow on the default branch' },
  { name: 'shard-overhead-seconds', value: 'S', description: 'fixed cost of one job (runner start, setup, dbt start-up)', defaultText: '60' },
  { name: 'out', value: 'DIR', description: 'folder for plan.json and the manifest planned from', defaultText: 'dbt-matrix-plan' },
  ...RUN_OPTIONS.filter((o) => INTERVAL_OPTION_NAMES.includes(o.name)),
];

export interface PlanInputs {
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
  out: string;
  /** the shards' interval options: `dbt parse` runs with their first chunk's vars */
  interval: IntervalInputs;
  /** `--state github` found no production manifest: every node counts as new */
  stateMissing?: boolean;
  /** where shards run (local: one machine's shared cores); a runner per shard when absent */
  machine?: Machine;
}

/** dbt splits --select on spaces; each CLI repeat or action line may hold several. */
const words = (values: string[]): string[] => values.flatMap((v) => v.split(/\s+/)).filter((w) => w.length > 0);

export function parsePlanInputs(raw: RawOptions): PlanInputs {
  const budget = str(raw, 'connection-budget');
  if (budget === undefined) throw badInput('--connection-budget', '(missing)', 'the number of warehouse connections this run may use, ≥ 2');
  const selector = str(raw, 'selector') ?? null;
  const select = words(list(raw, 'select'));
  if (selector !== null && select.length > 0) {
    throw badInput('--selector', selector, 'either --selector or --select, not both (as in dbt)');
  }
  return {
    manifest: str(raw, 'manifest') ?? null,
    projectDir: str(raw, 'project-dir') ?? '.',
    profilesDir: str(raw, 'profiles-dir') ?? null,
    target: str(raw, 'target') ?? null,
    dbtCommand: str(raw, 'dbt-command') ?? 'dbt',
    select,
    exclude: words(list(raw, 'exclude')),
    selector,
    state: str(raw, 'state') ?? null,
    connectionBudget: parseIntOption('connection-budget', budget, { min: 2 })!,
    threads: parseIntOption('threads', str(raw, 'threads'), { min: 1 }) ?? null,
    maxShards: parseIntOption('max-shards', str(raw, 'max-shards'), { min: 1, max: 256, fallback: 256 })!,
    maxStages: parseIntOption('max-stages', str(raw, 'max-stages'), { min: 1, max: 3, fallback: 3 })!,
    timings: list(raw, 'timings'),
    shardOverheadSeconds: parseNumberOption('shard-overhead-seconds', str(raw, 'shard-overhead-seconds'), { min: 0, fallback: 60 })!,
    out: str(raw, 'out') ?? 'dbt-matrix-plan',
    interval: intervalInputs(raw),
  };
}

/** Parsed and checked exactly as run parses them (one home for their rules and messages). */
function intervalInputs(raw: RawOptions): IntervalInputs {
  const only = Object.fromEntries(Object.entries(raw).filter(([name]) => INTERVAL_OPTION_NAMES.includes(name)));
  const run = parseRunInputs({ ...only, plan: 'plan.json', shard: '0' });
  const { start, end, timezone, datetimeFormat, chunk, intervalEnv, vars, forwardInputs, arrayFormat, overlap, maxIntervalDays } = run;
  return { start, end, timezone, datetimeFormat, chunk, intervalEnv, vars, forwardInputs, arrayFormat, overlap, maxIntervalDays };
}
