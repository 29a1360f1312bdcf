/**
 * A throw-away PostgreSQL server for integration tests: initdb into a temp dir, listen only on
 * 127.0.0.1 at a free port, scram password auth over TCP, no Unix socket. Everything is spawned
 * with argument arrays (no shell). PostgreSQL refuses to run as root, so under uid 0 the server
 * binaries run as the `postgres` OS user (Debian's package creates it) via `runuser`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { appendFile, chmod, chown, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PgServer {
  host: string;
  port: number;
  superuser: string;
  password: string;
  database: string;
  dataDir: string;
  /** the server's log (e.g. the FATAL line of every refused connection) */
  logFile: string;
  /** process.env plus PGHOST/PGPORT/PGUSER/PGDATABASE and DBT_PG_PASSWORD (the example profile's names). */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Runs SQL with psql (unaligned, tuples only) and returns its trimmed stdout; rejects on error. */
  psql(sql: string, opts?: { user?: string; password?: string }): Promise<string>;
  /** A login role that may create schemas in `database`; connectionLimit sets CONNECTION LIMIT. */
  createRole(name: string, opts: { password: string; connectionLimit?: number }): Promise<void>;
  /** Stops the server (fast shutdown) and deletes its files. Safe to call twice. */
  stop(): Promise<void>;
}

const PG_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';

/** Newest /usr/lib/postgresql/<version>/bin that has initdb (or PG_BIN_DIR when set). */
export async function findPostgresBinDir(): Promise<string> {
  const override = process.env['PG_BIN_DIR'];
  if (override) return override;
  const versions = (await readdir(PG_ROOT).catch(() => [] as string[]))
    .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(path.join(PG_ROOT, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error(`no PostgreSQL server binaries under ${PG_ROOT}/<version>/bin`);
  return path.join(PG_ROOT, newest, 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Exec {
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Exec> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim() || error.message;
          reject(new Error(`${path.basename(file)} ${args[0] ?? ''} failed: ${detail}`));
        } else {
          resolve({ stdout: String(stdout), stderr: String(stderr) });
        }
      },
    );
  });
}

interface OsUser {
  uid: number;
  gid: number;
}

async function lookupOsUser(name: string): Promise<OsUser> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const fields = passwd
    .split('\n')
    .find((line) => line.startsWith(`${name}:`))
    ?.split(':');
  if (!fields || fields.length < 4) {
    throw new Error(`running as root needs the '${name}' OS user (PostgreSQL refuses to run as root)`);
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** Quotes an SQL identifier / string literal (PostgreSQL rules). */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Servers not yet stopped: killed synchronously if the test process exits without stop(). */
const live = new Set<{ pgCtl: string[]; dataDir: string; root: string }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const server of live) {
      const [file, ...prefix] = server.pgCtl;
      if (file)
        spawnSync(file, [...prefix, 'stop', '-D', server.dataDir, '-m', 'immediate', '-w'], { stdio: 'ignore' });
      rmSync(server.root, { recursive: true, force: true });
    }
  });
}

export async function startPostgres(opts: { port?: number } = {}): Promise<PgServer> {
  const binDir = await findPostgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await lookupOsUser('postgres') : undefined;
  // argv prefix that runs a server binary as the right OS user (never through a shell)
  const serverCmd = (bin: string): string[] =>
    asRoot ? ['runuser', '-u', 'postgres', '--', path.join(binDir, bin)] : [path.join(binDir, bin)];

  const root = await mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const pwFile = path.join(root, 'pwfile');
  const password = randomBytes(18).toString('base64url');
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  await writeFile(logFile, '');
  if (owner) {
    await chown(root, owner.uid, owner.gid);
    await chown(pwFile, owner.uid, owner.gid);
    await chown(logFile, owner.uid, owner.gid);
  }
  await chmod(root, 0o700);

  const exec = (argv: string[], timeoutMs?: number): Promise<Exec> => {
    const [file, ...args] = argv;
    if (!file) throw new Error('empty argv');
    // cwd = root: the postgres user may not be allowed into the test's working directory
    return run(file, args, { cwd: root, timeoutMs, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
  };

  try {
    await exec([
      ...serverCmd('initdb'),
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      `--pwfile=${pwFile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await rm(pwFile, { force: true });
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }

  const pgCtl = serverCmd('pg_ctl');
  const handle = { pgCtl, dataDir, root };
  installExitHook();

  // Settings go into postgresql.conf rather than `pg_ctl -o`, which pg_ctl would hand to a shell.
  const startOnce = async (port: number): Promise<void> => {
    await appendFile(
      path.join(dataDir, 'postgresql.conf'),
      [
        '',
        '# dbt-matrix test server',
        `listen_addresses = '${HOST}'`,
        `port = ${port}`,
        "unix_socket_directories = ''",
        'max_connections = 100',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        "password_encryption = 'scram-sha-256'",
        '',
      ].join('\n'),
    );
    await exec([...pgCtl, 'start', '-D', dataDir, '-l', logFile, '-w', '-t', '60'], 90_000);
  };

  let port = opts.port ?? (await freePort());
  live.add(handle);
  try {
    try {
      await startOnce(port);
    } catch (err) {
      // a free port can be taken between probing and binding; retry once when we chose the port
      if (opts.port !== undefined) throw err;
      port = await freePort();
      await startOnce(port);
    }
  } catch (err) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    live.delete(handle);
    await rm(root, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n--- server log ---\n${log.slice(-4000)}`, { cause: err });
  }

  const psqlBin = path.join(binDir, 'psql');
  const database = 'postgres';

  const psql: PgServer['psql'] = async (sql, o = {}) => {
    const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', HOST, '-p', String(port)];
    args.push('-U', o.user ?? SUPERUSER, '-d', database, '-c', sql);
    const env = { ...process.env, PGPASSWORD: o.password ?? password, PGCONNECT_TIMEOUT: '10' };
    const { stdout } = await run(psqlBin, args, { env, timeoutMs: 120_000 });
    return stdout.trim();
  };

  let stopped = false;
  const server: PgServer = {
    host: HOST,
    port,
    superuser: SUPERUSER,
    password,
    database,
    dataDir,
    logFile,
    env: (extra = {}) => ({
      ...process.env,
      PGHOST: HOST,
      PGPORT: String(port),
      PGUSER: SUPERUSER,
      PGDATABASE: database,
      DBT_PG_PASSWORD: password,
      ...extra,
    }),
    psql,
    createRole: async (name, o) => {
      const limit = o.connectionLimit === undefined ? '' : ` CONNECTION LIMIT ${Math.trunc(o.connectionLimit)}`;
      await psql(`CREATE ROLE ${quoteIdent(name)} LOGIN PASSWORD ${quoteLiteral(o.password)}${limit}`);
      // dbt creates its schema itself: the role needs CREATE on the database
      await psql(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(name)}`);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await exec([...pgCtl, 'stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], 90_000);
      } finally {
        live.delete(handle);
        await rm(root, { recursive: true, force: true });
      }
    },
  };
  return server;
}
