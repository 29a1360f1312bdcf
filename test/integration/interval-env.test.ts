/**
 * `--interval-env` with real dbt (DuckDB): a 2-day backfill in day chunks on a fresh copy of a tiny
 * project, planned with the same inputs. Every chunk's dbt reuses the plan's parse: dbt's own debug
 * log of chunk 2 shows a partial parse of the one file that reads DBT_MATRIX_START_DTTM while
 * parsing (dbt re-parses only the files that use a changed env var) and never "Unable to do
 * partial parsing"; the documented macros read it under `{% if execute %}`, so their model is not
 * re-parsed at all. Each chunk's rows carry the chunk's interval; the vars carry the whole interval.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { parseProject } from '../../src/io/dbt-parse.js';
import { runDbtProcess, type SpawnDbt } from '../../src/io/dbt-process.js';
import { parsePlanInputs } from '../../src/plan/inputs.js';
import { runPlan } from '../../src/plan/main.js';
import { parseRunInputs } from '../../src/run/inputs.js';
import { runShard, type RunOutcome } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { DBT_BIN, queryDuckDb, removeDir } from '../helpers/dbt.js';
import { INTERVAL_MACROS } from '../helpers/interval-macros.js';

const manual: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-20T12:00:00Z'),
};
const BACKFILL = { start: '2024-01-10', end: '2024-01-12', chunk: 'day', 'interval-env': 'true' };

const FILES: Record<string, string> = {
  'dbt_project.yml':
    'name: chunks\nversion: "1.0"\nconfig-version: 2\nprofile: chunks\nmodel-paths: ["models"]\nmacro-paths: ["macros"]\n',
  'profiles.yml':
    'chunks:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: "{{ env_var(\'DBT_DUCKDB_PATH\') }}"\n      threads: 1\n',
  'macros/matrix_interval.sql': INTERVAL_MACROS,
  // one row per chunk: what the macros and the vars said while the chunk ran
  'models/chunk_log.sql': `{{ config(materialized='incremental') }}
select '{{ matrix_start_dttm() }}' as chunk_start, '{{ matrix_end_dttm() }}' as chunk_end,
       '{{ var("start_dttm") }}' as var_start, '{{ var("end_dttm") }}' as var_end
`,
  // reads the env var while parsing too: dbt re-parses this one file when the value changes
  'models/unguarded.sql': 'select \'{{ env_var("DBT_MATRIX_START_DTTM", "unset") }}\' as chunk_start\n',
};

let scratch: string;
let env: NodeJS.ProcessEnv;
let outcome: RunOutcome;
/** dbt's own debug log, one entry per dbt invocation of the shard */
const debugLogs: string[] = [];

async function writeProject(dir: string): Promise<string> {
  for (const [file, text] of Object.entries(FILES)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), text);
  }
  return dir;
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'interval-env-'));
  env = {
    ...process.env,
    DBT_DUCKDB_PATH: path.join(scratch, 'chunks.duckdb'),
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
  };
  const planProject = await writeProject(path.join(scratch, 'plan-checkout'));
  const planned = await runPlan(
    parsePlanInputs({
      'project-dir': planProject,
      'profiles-dir': planProject,
      'dbt-command': DBT_BIN,
      'connection-budget': '2',
      threads: '1',
      'max-shards': '1',
      'max-stages': '1',
      out: path.join(scratch, 'plan'),
      ...BACKFILL,
    }),
    { log: memoryLogger(), now: () => new Date(), trigger: manual, parseProject: (req) => parseProject(req, env) },
  );
  // the shard runs on a fresh checkout in another folder, as a matrix job does
  const shardProject = await writeProject(path.join(scratch, 'shard-checkout'));
  const keepDebugLog: SpawnDbt = async (opts) => {
    const file = path.join(opts.args[opts.args.indexOf('--log-path') + 1]!, 'dbt.log');
    const before = (await fs.readFile(file, 'utf8').catch(() => '')).length;
    const result = await runDbtProcess(opts);
    debugLogs.push((await fs.readFile(file, 'utf8').catch(() => '')).slice(before));
    return result;
  };
  outcome = await runShard(
    parseRunInputs({
      plan: planned.planFile,
      shard: '0',
      'project-dir': shardProject,
      'profiles-dir': shardProject,
      'dbt-command': DBT_BIN,
      out: path.join(scratch, 'shards'),
      ...BACKFILL,
    }),
    {
      trigger: manual,
      env,
      attempt: 1,
      now: () => new Date(),
      log: memoryLogger(),
      handleProcessSignals: false,
      spawnDbt: keepDebugLog,
    },
  );
}, 300_000);

afterAll(async () => {
  if (scratch) await removeDir(scratch);
});

describe("--interval-env: a chunked backfill reuses the plan's parse", () => {
  it('no chunk parses the project again; chunk 2 re-parses only the file that reads the env var while parsing', async () => {
    const log = await fs.readFile(path.join(outcome.shardDir, 'dbt.log'), 'utf8');
    expect(outcome.exitCode, log).toBe(0);
    expect(debugLogs).toHaveLength(2);
    expect(log).not.toMatch(/Unable to do partial parsing/);
    expect(outcome.artifact.chunks.map((c) => c.reparsed)).toEqual([null, null]);
    expect(debugLogs[0]).toMatch(/Partial parsing enabled, no changes found, skipping parsing/);
    expect(debugLogs[1]).toMatch(/Partial parsing enabled: 0 files deleted, 0 files added, 1 files changed/);
    expect(debugLogs[1]).toMatch(/unguarded\.sql/);
    expect(debugLogs[1]).not.toMatch(/Unable to do partial parsing/);
  });

  it("each chunk's model sees its own interval in the env vars, and the whole interval in the vars", async () => {
    const rows = await queryDuckDb(env['DBT_DUCKDB_PATH']!, 'select * from main.chunk_log order by chunk_start');
    const whole = { var_start: '2024-01-10T00:00:00+00:00', var_end: '2024-01-12T00:00:00+00:00' };
    expect(rows).toEqual([
      { chunk_start: '2024-01-10T00:00:00+00:00', chunk_end: '2024-01-11T00:00:00+00:00', ...whole },
      { chunk_start: '2024-01-11T00:00:00+00:00', chunk_end: '2024-01-12T00:00:00+00:00', ...whole },
    ]);
    expect(outcome.artifact.chunks.map((c) => c.vars['start_dttm'])).toEqual([whole.var_start, whole.var_start]);
  });
});
