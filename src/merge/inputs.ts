import { badInput } from '../core/errors.js';
import { FAIL_ON_LEVELS, type FailOn } from '../core/report/totals.js';
import { bool, int, oneOf, text, PLAN_ARTIFACT_OPTION, type Option, type RawOptions } from '../shared/options.js';
import { projectDirOption } from '../shared/project-options.js';

const PLAN = text({
  name: 'plan',
  value: 'FILE',
  description: 'plan.json written by `plan` (manifest.json is read from the same folder)',
});
const IN = text(
  {
    name: 'in',
    value: 'DIR',
    description:
      'folder of shard folders <shard id>/{run_results.json,dbt.log,shard.json}; in the action, shard artifacts are downloaded here',
  },
  'dbt-matrix-shards',
);
const OUT = text(
  {
    name: 'out',
    value: 'DIR',
    description: 'report folder: run_results.json, summary.md, junit.xml, manifest.json, plan.json',
  },
  'dbt-matrix-report',
);
/** how the report fails the step (`local` takes it too) */
export const FAIL_ON_OPTION = oneOf(
  {
    name: 'fail-on',
    value: 'LEVEL',
    description: 'exit non-zero on: error (failed nodes, failed or missing shards), warn (also warnings), never',
  },
  FAIL_ON_LEVELS,
  'error',
);
/** how long the report's list of slowest nodes is (`local` takes it too) */
export const SLOWEST_OPTION = int(
  { name: 'slowest', value: 'N', description: 'how many of the slowest nodes the summary lists' },
  { min: 0, max: 1000 },
  10,
);
const PROJECT_DIR = projectDirOption(
  'the dbt project folder relative to the repository root, so annotations point at the right files',
);
const DOWNLOAD = bool(
  {
    name: 'download',
    description: "download this run's shard artifacts into --in first (false when an earlier step did)",
    actionOnly: true,
  },
  true,
);
const COMMENT = bool(
  {
    name: 'comment',
    description: 'post or update one sticky PR comment per workflow with the headline and failures',
    actionOnly: true,
  },
  false,
);
const GITHUB_TOKEN = text(
  {
    name: 'github-token',
    value: 'TOKEN',
    description: 'token for the PR comment (needs pull-requests: write)',
    actionOnly: true,
  },
  undefined,
  '${{ github.token }}',
);

/** `dbt-matrix merge` flags and the action's merge inputs (one list for both front ends). */
export const MERGE_OPTIONS: Option<unknown>[] = [
  PLAN,
  IN,
  OUT,
  FAIL_ON_OPTION,
  PROJECT_DIR,
  SLOWEST_OPTION,
  PLAN_ARTIFACT_OPTION,
  DOWNLOAD,
  COMMENT,
  GITHUB_TOKEN,
];

/** What to merge and how to judge it: the settings `local` shares with merge. */
export interface MergeInputs {
  planFile: string;
  inDir: string;
  outDir: string;
  failOn: FailOn;
  /** annotations name files relative to the repository root through it */
  projectDir: string;
  slowest: number;
}

/** The action's own: where the shard folders come from and the PR comment. */
export interface MergeActionInputs {
  merge: MergeInputs;
  download: boolean;
  comment: boolean;
  /** never logged; null when not given */
  token: string | null;
}

/** Validates raw option values; every error is one line naming the option. */
export function parseMergeInputs(raw: RawOptions): MergeInputs {
  const planFile = PLAN.read(raw);
  if (planFile === null) throw badInput('--plan', '', 'the path of plan.json written by `dbt-matrix plan`');
  return {
    planFile,
    inDir: IN.read(raw),
    outDir: OUT.read(raw),
    failOn: FAIL_ON_OPTION.read(raw),
    projectDir: PROJECT_DIR.read(raw),
    slowest: SLOWEST_OPTION.read(raw),
  };
}

export function parseMergeActionInputs(raw: RawOptions): MergeActionInputs {
  const inputs = {
    merge: parseMergeInputs(raw),
    download: DOWNLOAD.read(raw),
    comment: COMMENT.read(raw),
    token: GITHUB_TOKEN.read(raw),
  };
  if (inputs.comment && !inputs.token) throw badInput('github-token', '', 'a token when comment is true');
  return inputs;
}
