/**
 * Real dbt for integration tests: the project-local virtualenv's dbt, the example project, and a
 * way to copy that project so parallel tests never share `target/` or a DuckDB file.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The dbt executable: env DBT_MATRIX_DBT (a path, made absolute, or a bare command looked up on
 * PATH), else the absolute path of the repo's .venv/bin/dbt.
 */
export const DBT_BIN = resolveDbtBin(process.env['DBT_MATRIX_DBT']);

function resolveDbtBin(fromEnv: string | undefined): string {
  if (!fromEnv) return path.join(REPO_ROOT, '.venv', 'bin', 'dbt');
  return fromEnv.includes(path.sep) ? path.resolve(fromEnv) : fromEnv;
}

/** Absolute path of the example dbt project (dbt project name `shop`). */
export const EXAMPLE_PROJECT = path.join(REPO_ROOT, 'examples', 'shop');

/**
 * The example's microbatch model (web_events_daily) takes its window from dbt's event-time flags;
 * without them a first build runs every day from its `begin` (2024-01-01) to today, one query per
 * day. Plain dbt runs in tests get the seed data's months instead (dbt reads these env vars on
 * run/build only; an explicit --event-time-start/--event-time-end wins).
 */
export const EXAMPLE_EVENT_TIME = {
  DBT_EVENT_TIME_START: '2023-12-01T00:00:00',
  DBT_EVENT_TIME_END: '2024-03-01T00:00:00',
} as const;

export interface DbtResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunDbtOptions {
  cwd?: string;
  /** The child's whole environment (default process.env); quiet-telemetry defaults are added. */
  env?: NodeJS.ProcessEnv;
  /** Kills dbt (SIGKILL) after this many milliseconds; the result then has code 124. */
  timeoutMs?: number;
}

/**
 * Runs dbt with an argument array (no shell) and resolves with its exit code and output. It never
 * rejects on a non-zero exit (a killed process gets 128 + signal number, a timeout 124); it rejects
 * only when dbt cannot be started at all.
 */
export function runDbt(args: string[], opts: RunDbtOptions = {}): Promise<DbtResult> {
  const env = {
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
    ...EXAMPLE_EVENT_TIME,
    ...(opts.env ?? process.env),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(DBT_BIN, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start dbt (${DBT_BIN}): ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const signalCode = signal ? 128 + (os.constants.signals[signal] ?? 0) : 1;
      resolve({
        code: timedOut ? 124 : (code ?? signalCode),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** What a copy leaves behind: build output, installed packages and local databases. */
const SKIPPED = new Set(['target', 'logs', 'dbt_packages', '.user.yml']);
const SKIPPED_SUFFIXES = ['.duckdb', '.duckdb.wal'];

/**
 * Copies examples/shop into a fresh temp dir (without target/, logs/, dbt_packages/, *.duckdb) and
 * returns its path. Its local package is installed as `dbt deps` installs a `local:` package (a
 * link in dbt_packages/), so tests that are not about packages need not run dbt deps;
 * `installPackages: false` leaves it uninstalled, as on a fresh checkout.
 */
export async function copyExampleProject(opts: { installPackages?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-shop-'));
  await cp(EXAMPLE_PROJECT, dir, {
    recursive: true,
    filter: (source) => {
      const name = path.basename(source);
      return !SKIPPED.has(name) && !SKIPPED_SUFFIXES.some((suffix) => name.endsWith(suffix));
    },
  });
  if (opts.installPackages ?? true) {
    await mkdir(path.join(dir, 'dbt_packages'));
    await symlink(path.join(dir, EXAMPLE_LOCAL_PACKAGE), path.join(dir, 'dbt_packages', 'shop_utils'));
  }
  return dir;
}

/** The example project's local package (packages.yml), relative to the project. */
export const EXAMPLE_LOCAL_PACKAGE = path.join('packages', 'shop_utils');

/** Removes a directory made by copyExampleProject (or any temp dir); ignores a missing one. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs `dbt show --inline SQL --output json` in a project and returns the rows. The SQL may use
 * `ref()`; `extraArgs` carries e.g. `--target postgres` or `--vars`. Rejects when dbt fails.
 */
export async function dbtShow(
  projectDir: string,
  sql: string,
  opts: { env?: NodeJS.ProcessEnv; extraArgs?: string[] } = {},
): Promise<Record<string, unknown>[]> {
  const args = ['show', '--inline', sql, '--output', 'json', '--quiet', '--limit', '-1'];
  args.push('--project-dir', projectDir, '--profiles-dir', projectDir, ...(opts.extraArgs ?? []));
  const result = await runDbt(args, { cwd: projectDir, env: opts.env });
  if (result.code !== 0) {
    throw new Error(`dbt show failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  const json = result.stdout.slice(result.stdout.indexOf('{'));
  const parsed = JSON.parse(json) as { show?: Record<string, unknown>[] };
  if (!Array.isArray(parsed.show)) throw new Error(`dbt show printed no rows:\n${result.stdout}`);
  return parsed.show;
}

/** The virtualenv's python next to DBT_BIN (it has the duckdb module that dbt-duckdb uses). */
const VENV_PYTHON = path.join(path.dirname(DBT_BIN), 'python');

// The SQL and the database path arrive as argv, never spliced into code.
const DUCKDB_QUERY_SCRIPT = `
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
cur = con.execute(sys.argv[2])
names = [d[0] for d in cur.description]
print(json.dumps([dict(zip(names, row)) for row in cur.fetchall()], default=str))
`;

/**
 * Runs a read-only query on a DuckDB file with the venv's duckdb module and returns the rows
 * (non-JSON values such as timestamps and decimals as strings). Much faster than `dbt show`,
 * which re-parses the project; the file must not be open for writing (no dbt running on it).
 */
export function queryDuckDb(dbFile: string, sql: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(VENV_PYTHON, ['-c', DUCKDB_QUERY_SCRIPT, dbFile, sql], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code !== 0) {
        reject(new Error(`duckdb query failed (exit ${String(code)}): ${Buffer.concat(err).toString('utf8').trim()}`));
        return;
      }
      resolve(JSON.parse(stdout) as Record<string, unknown>[]);
    });
  });
}
