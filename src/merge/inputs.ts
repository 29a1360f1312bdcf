import { badInput } from '../core/errors.js';
import { FAIL_ON_LEVELS, type FailOn } from '../core/report/totals.js';
import { type OptionSpec, type RawOptions, PLAN_ARTIFACT_OPTION } from '../shared/options.js';
import { str } from '../shared/options.js';
import { parseBoolOption, parseEnumOption, parseIntOption } from '../shared/parse.js';

/** `dbt-matrix merge` flags and the action's merge inputs (one list for both front ends). */
export const MERGE_OPTIONS: OptionSpec[] = [
  { name: 'plan', value: 'FILE', description: 'plan.json written by `plan` (manifest.json is read from the same folder)' },
  { name: 'in', value: 'DIR', description: 'folder of shard folders <shard id>/{run_results.json,dbt.log,shard.json}; in the action, shard artifacts are downloaded here', defaultText: 'dbt-matrix-shards' },
  { name: 'out', value: 'DIR', description: 'report folder: run_results.json, summary.md, junit.xml, manifest.json, plan.json', defaultText: 'dbt-matrix-report' },
  { name: 'fail-on', value: 'LEVEL', description: 'exit non-zero on: error (failed nodes, failed or missing shards), warn (also warnings), never', defaultText: 'error' },
  { name: 'project-dir', value: 'DIR', description: 'the dbt project folder relative to the repository root, so annotations point at the right files', defaultText: '.' },
  { name: 'slowest', value: 'N', description: 'how many of the slowest nodes the summary lists', defaultText: '10' },
  PLAN_ARTIFACT_OPTION,
  { name: 'download', description: 'download this run\'s shard artifacts into --in first (false when an earlier step did)', defaultText: 'true', actionOnly: true },
  { name: 'comment', description: 'post or update one sticky PR comment per workflow with the headline and failures', defaultText: 'false', actionOnly: true },
  { name: 'github-token', value: 'TOKEN', description: 'token for the PR comment (needs pull-requests: write)', defaultText: '${{ github.token }}', actionOnly: true },
  { name: 'json', description: 'print the outcome as JSON', cliOnly: true },
];

export interface MergeInputs {
  planFile: string;
  inDir: string;
  outDir: string;
  failOn: FailOn;
  projectDir: string;
  slowest: number;
  download: boolean;
  comment: boolean;
  /** never logged; absent when not given */
  token: string | null;
  json: boolean;
}

/** A boolean flag: `true` from the CLI, a string from the action. */
const flag = (raw: RawOptions, name: string): string | boolean | undefined => (typeof raw[name] === 'boolean' ? (raw[name] as boolean) : str(raw, name));

/** Validates raw option values; every error is one line naming the option. */
export function parseMergeInputs(raw: RawOptions): MergeInputs {
  const planFile = str(raw, 'plan');
  if (planFile === undefined) throw badInput('--plan', '', 'the path of plan.json written by `dbt-matrix plan`');
  const rawFailOn = str(raw, 'fail-on');
  const inputs: MergeInputs = {
    planFile,
    inDir: str(raw, 'in') ?? 'dbt-matrix-shards',
    outDir: str(raw, 'out') ?? 'dbt-matrix-report',
    failOn: parseEnumOption('fail-on', rawFailOn?.trim().toLowerCase(), FAIL_ON_LEVELS, 'error'),
    projectDir: str(raw, 'project-dir') ?? '.',
    slowest: parseIntOption('slowest', str(raw, 'slowest'), { min: 0, max: 1000, fallback: 10 })!,
    download: parseBoolOption('download', flag(raw, 'download'), true),
    comment: parseBoolOption('comment', flag(raw, 'comment'), false),
    token: str(raw, 'github-token') ?? null,
    json: parseBoolOption('json', flag(raw, 'json'), false),
  };
  if (inputs.comment && !inputs.token) throw badInput('github-token', '', 'a token when comment is true');
  return inputs;
}
