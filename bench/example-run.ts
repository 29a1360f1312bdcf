/**
 * What the benches that run the example project share: the trigger every plan and shard resolves
 * its interval from, the seed data's interval, dbt's environment, and the plain `dbt build` each
 * compares `local` with; and what every bench's `local` run gets (benchLocalDeps, pg-sleep too).
 */
import type { TriggerContext } from '../src/core/interval/index.js';
import type { SpawnDbt } from '../src/io/dbt-process.js';
import { parseProject } from '../src/io/dbt-parse.js';
import type { LocalDeps } from '../src/local/main.js';
import { Progress } from '../src/local/progress.js';
import { memoryLogger } from '../src/shared/log.js';
import { runDbt } from '../test/helpers/dbt.js';

/** a manual run on 2024-01-20 */
export const BENCH_TRIGGER: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};

/** the example's seed data: January 2024 */
export const EXAMPLE_INTERVAL = { start: '2024-01-01', end: '2024-02-01' };

/**
 * dbt's environment without the caller's DuckDB path: each run names its own database, and the
 * profile's default (`$DBT_PROJECT_DIR/target/shop.duckdb`) lands in the project's copy, not in
 * the folder the bench was started from.
 */
export function exampleEnv(project: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DBT_PROJECT_DIR: project };
  delete e['DBT_DUCKDB_PATH'];
  return e;
}

/** One plain `dbt build` of the example with the shards' vars, into its own DuckDB file. */
export function plainExampleBuild(opts: {
  project: string;
  threads: number;
  vars: unknown;
  db: string;
  env: NodeJS.ProcessEnv;
}) {
  const { project, threads, vars, db, env } = opts;
  return runDbt(
    [
      'build',
      '--project-dir',
      project,
      '--profiles-dir',
      project,
      '--threads',
      String(threads),
      '--vars',
      JSON.stringify(vars),
    ],
    { cwd: project, env: { ...env, DBT_DUCKDB_PATH: db } },
  );
}

/** What `local` needs in a bench: quiet (the log kept in memory), dbt in `env`, the bench's trigger. */
export function benchLocalDeps(env: NodeJS.ProcessEnv, spawnDbt?: SpawnDbt): LocalDeps {
  return {
    env,
    trigger: BENCH_TRIGGER,
    now: () => new Date(),
    log: memoryLogger(),
    progress: new Progress({ write: () => true }),
    parseProject: (x) => parseProject(x, env),
    ...(spawnDbt ? { spawnDbt } : {}),
  };
}
