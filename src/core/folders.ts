/**
 * The folder contracts between the steps, as names (pure; src/io/folders.ts joins them to paths and
 * holds the readers and writers). Every entry names these files through here, never by a literal.
 *
 * The plan folder (`plan --out`), uploaded as the plan artifact, read by run and merge:
 *   plan.json                 the plan (PLAN_VERSION)
 *   manifest.json             a copy of the manifest planned from
 *   state/manifest.json       the production manifest of `plan --state`, for `run --defer`
 *   dbt-state/                dbt's saved parse and the installed packages, so shards neither parse nor install
 *
 * The shard folder (`run --out`/<shard id>/), uploaded as one shard artifact, read by merge:
 *   run_results.json          dbt's, chunks and attempts combined, redacted
 *   shard.json                what ran and how (SHARD_ARTIFACT_VERSION)
 *   dbt.log                   dbt's output, redacted
 * (`run --out`/.work/ is the runner's scratch space, never an artifact.)
 *
 * The report folder (`merge --out`), also a dbt state directory:
 *   run_results.json, manifest.json, plan.json, summary.md, junit.xml
 */
export { PLAN_VERSION } from './plan/schema.js';
export { SHARD_ARTIFACT_VERSION } from './report/shard-artifact.js';

/** The two files dbt reads from a `--state` folder (and writes to its target folder). */
export const DBT_FILES = {
  manifest: 'manifest.json',
  runResults: 'run_results.json',
  /** dbt's saved parse, in its target folder */
  partialParse: 'partial_parse.msgpack',
} as const;

export const PLAN_FOLDER = {
  plan: 'plan.json',
  manifest: DBT_FILES.manifest,
  /** a dbt state folder holding the production manifest */
  state: 'state',
  /** dbt's parse state: partial_parse.msgpack and packages/ */
  parseState: 'dbt-state',
  parseStatePackages: 'packages',
} as const;

export const SHARD_FOLDER = {
  runResults: DBT_FILES.runResults,
  shard: 'shard.json',
  dbtLog: 'dbt.log',
} as const;

/** Inside `run --out`: dbt's target and log folders per shard; a dot-folder, so merge never reads it. */
export const SHARD_WORK_FOLDER = '.work';

export const REPORT_FOLDER = {
  runResults: DBT_FILES.runResults,
  manifest: DBT_FILES.manifest,
  plan: PLAN_FOLDER.plan,
  summary: 'summary.md',
  junit: 'junit.xml',
} as const;

/** `dbt-matrix local --out`: one folder for each step's folder. */
export const LOCAL_FOLDER = {
  plan: 'plan',
  shards: 'shards',
  report: 'report',
  /** DuckDB: the shards' database files */
  db: 'db',
  /** DuckDB: the profile derived for the shards */
  profile: 'profile',
  /** the previous report's run_results.json, kept to price the next run's nodes */
  previousTimings: 'previous-run_results.json',
} as const;
