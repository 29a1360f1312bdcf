import { badInput } from '../core/errors.js';
import { CHUNK_UNITS, DATETIME_FORMATS } from '../core/interval/index.js';
import { ARRAY_FORMATS, parseExtraVars } from '../core/vars/index.js';
import { parseDbtFlags, type DbtFlags } from './dbt-flags.js';
import { type OptionSpec, type RawOptions, PLAN_ARTIFACT_OPTION } from '../shared/options.js';
import { list, present, str } from '../shared/options.js';
import type { IntervalInputs } from '../shared/shard-vars.js';
import { parseBoolOption, parseEnumOption, parseIntOption, parseNumberOption } from '../shared/parse.js';

export const RUN_OPTIONS: OptionSpec[] = [
  { name: 'plan', value: 'FILE', description: 'plan.json written by `dbt-matrix plan` (its manifest.json must sit beside it)' },
  { name: 'shard', value: 'I', description: "index of the shard to run (the matrix's `shard` value)" },
  { name: 'final', description: "run the plan's finalTests (tests whose parents span shards) instead of a shard" },
  { name: 'project-dir', value: 'DIR', description: 'dbt project folder', defaultText: '.' },
  { name: 'profiles-dir', value: 'DIR', description: 'folder holding profiles.yml (default: dbt decides)' },
  { name: 'target', value: 'NAME', description: 'dbt target' },
  { name: 'start', value: 'DATETIME', description: 'interval start (ISO 8601 or a date = midnight), with --end' },
  { name: 'end', value: 'DATETIME', description: 'interval end, exclusive' },
  { name: 'timezone', value: 'IANA', description: 'time zone of the interval', defaultText: 'UTC' },
  { name: 'datetime-format', value: 'FORMAT', description: 'how start_dttm/end_dttm reach dbt: offset or naive', defaultText: 'offset' },
  { name: 'chunk', value: 'UNIT', description: 'split the interval and run the pieces in time order: none, hour, day, week, month', defaultText: 'none' },
  { name: 'vars', value: 'OBJ', description: 'extra dbt vars, a YAML or JSON object' },
  { name: 'forward-inputs', value: 'BOOL', description: 'in a workflow_dispatch run, pass the other dispatch inputs as vars', defaultText: 'true' },
  { name: 'array-format', value: 'FORMAT', description: 'array vars as tuple strings: compat ("a","b") or sql (\'a\',\'b\')', defaultText: 'compat' },
  {
    name: 'interval-env',
    value: 'BOOL',
    description: "keep start_dttm/end_dttm at the whole interval and give each chunk's dbt its own in DBT_MATRIX_START_DTTM/DBT_MATRIX_END_DTTM, so every chunk reuses the plan's parse (models must read the env vars: see the README, Chunked backfills)",
    defaultText: 'false',
  },
  { name: 'overlap', value: 'BOOL', description: 'the overlap var (default: true for scheduled runs, else false)' },
  { name: 'max-interval-days', value: 'N', description: 'longest interval accepted', defaultText: '366' },
  { name: 'retries', value: 'N', description: 're-run what failed or was skipped with `dbt retry`, up to N times', defaultText: '0' },
  { name: 'timeout-minutes', value: 'M', description: 'stop dbt (SIGINT, so it cancels its queries) after M minutes for the whole shard' },
  { name: 'grace-seconds', value: 'S', description: 'wait after SIGINT before SIGTERM, and again before SIGKILL', defaultText: '10' },
  { name: 'dbt-command', value: 'CMD', description: 'dbt executable', defaultText: 'dbt' },
  { name: 'full-refresh', description: 'pass --full-refresh to dbt' },
  {
    name: 'dbt-flags',
    value: 'FLAG',
    multiple: true,
    description: 'extra dbt flags for every dbt invocation, one per line (CLI: repeat it): --fail-fast, --warn-error, --warn-error-options=JSON, --empty, --store-failures, --log-level=LEVEL, …',
  },
  { name: 'defer', description: 'pass --defer --state (Slim CI): unbuilt parents resolve to production' },
  { name: 'state', value: 'DIR', description: "folder with the production manifest.json for --defer (default: the plan's state/ folder, copied there by `plan --state`)" },
  PLAN_ARTIFACT_OPTION,
  { name: 'secrets', value: 'NAME', multiple: true, description: 'names of env vars whose values must never reach logs or artifacts (beyond *PASSWORD*, *SECRET*, *TOKEN*, *KEY*, *CREDENTIAL*)' },
  { name: 'out', value: 'DIR', description: "folder for the shard's artifacts (written to DIR/<shard id>/)", defaultText: 'dbt-matrix-shards' },
];

/** The interval and vars options (start, end, chunk, vars…) are shared with plan: see IntervalInputs. */
export interface RunInputs extends IntervalInputs {
  plan: string;
  /** shard index, or null with `final` */
  shard: number | null;
  final: boolean;
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
  out: string;
}

/** Validates raw option values; each problem is one line naming the option, the value and what was expected. */
export function parseRunInputs(raw: RawOptions): RunInputs {
  const plan = str(raw, 'plan');
  if (plan === undefined) throw badInput('--plan', '(missing)', 'the plan.json written by `dbt-matrix plan`');
  const final = parseBoolOption('final', flag(raw, 'final'), false);
  const shard = parseIntOption('shard', str(raw, 'shard'), { min: 0, max: 255 }) ?? null;
  if (final && shard !== null) throw badInput('--shard', String(shard), 'either --shard or --final, not both');
  if (!final && shard === null) throw badInput('--shard', '(missing)', "a shard index from the plan's matrix, or --final for the final tests");
  const start = str(raw, 'start');
  const end = str(raw, 'end');
  if ((start === undefined) !== (end === undefined)) {
    throw start === undefined ? badInput('--start', '(missing)', 'a start together with --end') : badInput('--end', '(missing)', 'an end together with --start');
  }
  const defer = parseBoolOption('defer', flag(raw, 'defer'), false);
  const state = str(raw, 'state') ?? null;
  const timeout = parseNumberOption('timeout-minutes', str(raw, 'timeout-minutes'), { min: 0 });
  if (timeout !== undefined && timeout <= 0) throw badInput('--timeout-minutes', str(raw, 'timeout-minutes'), 'a number of minutes > 0');
  const dbtCommand = str(raw, 'dbt-command') ?? 'dbt';
  if (dbtCommand.trim() === '') throw badInput('--dbt-command', dbtCommand, 'an executable name or path');
  return {
    plan,
    shard,
    final,
    projectDir: str(raw, 'project-dir') ?? '.',
    profilesDir: str(raw, 'profiles-dir') ?? null,
    target: str(raw, 'target') ?? null,
    start,
    end,
    timezone: str(raw, 'timezone') ?? 'UTC',
    datetimeFormat: parseEnumOption('datetime-format', str(raw, 'datetime-format'), DATETIME_FORMATS, 'offset'),
    chunk: parseEnumOption('chunk', str(raw, 'chunk'), CHUNK_UNITS, 'none'),
    vars: parseExtraVars(str(raw, 'vars'), '--vars'),
    forwardInputs: parseBoolOption('forward-inputs', flag(raw, 'forward-inputs'), true),
    arrayFormat: parseEnumOption('array-format', str(raw, 'array-format'), ARRAY_FORMATS, 'compat'),
    intervalEnv: parseBoolOption('interval-env', flag(raw, 'interval-env'), false),
    overlap: present(raw['overlap']) ? parseBoolOption('overlap', flag(raw, 'overlap'), false) : undefined,
    maxIntervalDays: parseIntOption('max-interval-days', str(raw, 'max-interval-days'), { min: 1, fallback: 366 })!,
    retries: parseIntOption('retries', str(raw, 'retries'), { min: 0, max: 10, fallback: 0 })!,
    timeoutMinutes: timeout ?? null,
    graceSeconds: parseNumberOption('grace-seconds', str(raw, 'grace-seconds'), { min: 0, fallback: 10 })!,
    dbtCommand,
    fullRefresh: parseBoolOption('full-refresh', flag(raw, 'full-refresh'), false),
    dbtFlags: parseDbtFlags(list(raw, 'dbt-flags')),
    defer,
    state,
    secrets: list(raw, 'secrets'),
    out: str(raw, 'out') ?? 'dbt-matrix-shards',
  };
}

/** A boolean option: `true` from a CLI flag, a string from the action or `--x false`. */
function flag(raw: RawOptions, name: string): string | boolean | undefined {
  const v = raw[name];
  return typeof v === 'boolean' ? v : str(raw, name);
}
