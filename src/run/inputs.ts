import { badInput } from '../core/errors.js';
import { parseDbtFlags, type DbtFlags } from './dbt-flags.js';
import { INTERVAL_OPTIONS, parseIntervalInputs } from '../shared/interval-options.js';
import {
  bool,
  int,
  lines,
  num,
  str,
  text,
  PLAN_ARTIFACT_OPTION,
  type Option,
  type RawOptions,
} from '../shared/options.js';
import { DBT_COMMAND_OPTION, profilesDirOption, projectDirOption, targetOption } from '../shared/project-options.js';
import type { IntervalInputs } from '../shared/shard-vars.js';

const PLAN = text({
  name: 'plan',
  value: 'FILE',
  description: 'plan.json written by `dbt-matrix plan` (its manifest.json must sit beside it)',
});
const SHARD = int(
  { name: 'shard', value: 'I', description: "index of the shard to run (the matrix's `shard` value)" },
  { min: 0, max: 255 },
);
const FINAL = bool(
  { name: 'final', description: "run the plan's finalTests (tests whose parents span shards) instead of a shard" },
  false,
);
const PROJECT_DIR = projectDirOption('dbt project folder');
const PROFILES_DIR = profilesDirOption('folder holding profiles.yml (default: dbt decides)');
const TARGET = targetOption('dbt target');
const RETRIES = int(
  { name: 'retries', value: 'N', description: 're-run what failed or was skipped with `dbt retry`, up to N times' },
  { min: 0, max: 10 },
  0,
);
const TIMEOUT_MINUTES = num(
  {
    name: 'timeout-minutes',
    value: 'M',
    description: 'stop dbt (SIGINT, so it cancels its queries) after M minutes for the whole shard',
  },
  { min: 0 },
);
const GRACE_SECONDS = num(
  { name: 'grace-seconds', value: 'S', description: 'wait after SIGINT before SIGTERM, and again before SIGKILL' },
  { min: 0 },
  10,
);
const DBT_COMMAND = DBT_COMMAND_OPTION;
const FULL_REFRESH = bool({ name: 'full-refresh', description: 'pass --full-refresh to dbt' }, false);
const DBT_FLAGS = lines({
  name: 'dbt-flags',
  value: 'FLAG',
  description:
    'extra dbt flags for every dbt invocation, one per line (CLI: repeat it): --fail-fast, --warn-error, --warn-error-options=JSON, --empty, --store-failures, --log-level=LEVEL, …',
});
const DEFER = bool(
  { name: 'defer', description: 'pass --defer --state (Slim CI): unbuilt parents resolve to production' },
  false,
);
const STATE = text({
  name: 'state',
  value: 'DIR',
  description:
    "folder with the production manifest.json for --defer (default: the plan's state/ folder, copied there by `plan --state`)",
});
const SECRETS = lines({
  name: 'secrets',
  value: 'NAME',
  description:
    'names of env vars whose values must never reach logs or artifacts (beyond *PASSWORD*, *SECRET*, *TOKEN*, *KEY*, *CREDENTIAL*)',
});
const OUT = text(
  { name: 'out', value: 'DIR', description: "folder for the shard's artifacts (written to DIR/<shard id>/)" },
  'dbt-matrix-shards',
);

/** Which shard of which plan, and where its folder goes: what `local` sets itself for every shard. */
export const RUN_JOB_OPTIONS: readonly Option<unknown>[] = [PLAN, SHARD, FINAL, OUT];

export const RUN_OPTIONS: Option<unknown>[] = [
  PLAN,
  SHARD,
  FINAL,
  PROJECT_DIR,
  PROFILES_DIR,
  TARGET,
  ...INTERVAL_OPTIONS,
  RETRIES,
  TIMEOUT_MINUTES,
  GRACE_SECONDS,
  DBT_COMMAND,
  FULL_REFRESH,
  DBT_FLAGS,
  DEFER,
  STATE,
  PLAN_ARTIFACT_OPTION,
  SECRETS,
  OUT,
];

/** How every shard of a plan runs (the interval and vars options are shared with plan: see IntervalInputs). */
export interface RunSettings extends IntervalInputs {
  projectDir: string;
  profilesDir: string | null;
  target: string | null;
  retries: number;
  timeoutMinutes: number | null;
  graceSeconds: number;
  dbtCommand: string;
  fullRefresh: boolean;
  /** validated extra dbt flags (argv elements) */
  dbtFlags: DbtFlags;
  defer: boolean;
  state: string | null;
  secrets: string[];
  /** shard folders go to DIR/<shard id>/ */
  out: string;
}

/** `dbt-matrix run`: the settings, and which shard of which plan. */
export interface RunInputs extends RunSettings {
  plan: string;
  /** shard index, or null with `final` */
  shard: number | null;
  final: boolean;
}

/** Validates raw option values; each problem is one line naming the option, the value and what was expected. */
export function parseRunInputs(raw: RawOptions): RunInputs {
  const plan = PLAN.read(raw);
  if (plan === null) throw badInput('--plan', '(missing)', 'the plan.json written by `dbt-matrix plan`');
  const final = FINAL.read(raw);
  const shard = SHARD.read(raw);
  if (final && shard !== null) throw badInput('--shard', String(shard), 'either --shard or --final, not both');
  if (!final && shard === null)
    throw badInput('--shard', '(missing)', "a shard index from the plan's matrix, or --final for the final tests");
  return { plan, shard, final, ...parseRunSettings(raw, OUT.read(raw)) };
}

/** The settings without a plan or shard (`local` runs every shard of its own plan with them). */
export function parseRunSettings(raw: RawOptions, out: string): RunSettings {
  const interval = parseIntervalInputs(raw);
  const timeout = TIMEOUT_MINUTES.read(raw);
  if (timeout !== null && timeout <= 0)
    throw badInput('--timeout-minutes', str(raw, 'timeout-minutes'), 'a number of minutes > 0');
  const dbtCommand = DBT_COMMAND.read(raw);
  if (dbtCommand.trim() === '') throw badInput('--dbt-command', dbtCommand, 'an executable name or path');
  return {
    ...interval,
    projectDir: PROJECT_DIR.read(raw),
    profilesDir: PROFILES_DIR.read(raw),
    target: TARGET.read(raw),
    retries: RETRIES.read(raw),
    timeoutMinutes: timeout,
    graceSeconds: GRACE_SECONDS.read(raw),
    dbtCommand,
    fullRefresh: FULL_REFRESH.read(raw),
    dbtFlags: parseDbtFlags(DBT_FLAGS.read(raw)),
    defer: DEFER.read(raw),
    state: STATE.read(raw),
    secrets: SECRETS.read(raw),
    out,
  };
}
