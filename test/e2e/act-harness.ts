import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STEPS } from '../../src/action/compat.js';
import { EXAMPLE_EVENT_TIME } from '../helpers/dbt.js';

/**
 * The fixture an act test runs in: a fresh git repository with the example project and workflows
 * (act's workspace), and a copy of what `uses: dbt-matrix/dbt-matrix[/<step>]@v1` resolves to on
 * GitHub — the action.yml files, dist/ and .github/ (act maps the repository, not each folder).
 * act-run.ts runs a workflow in it; act-artifacts.ts reads back what the jobs uploaded.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VENV_BIN = path.join(ROOT, '.venv', 'bin');
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

/** Removes the fixture's folder (act's workspace, artifacts, logs and database with it). */
export async function removeFixture(fixture: ActFixture | undefined): Promise<void> {
  if (fixture) await fs.rm(fixture.dir, { recursive: true, force: true });
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
