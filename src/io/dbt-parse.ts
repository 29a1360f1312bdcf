import { spawn } from 'node:child_process';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { DBT_FILES } from '../core/folders.js';
import { installPackagesIfMissing } from './dbt-deps.js';

/** What a `dbt parse` must share with the shards for them to reuse it: project, profile, target, vars, env. */
export interface ParseRequest {
  dbtCommand: string;
  projectDir: string;
  profilesDir: string | null;
  target: string | null;
  /** the `--vars` of the shards' first chunk (the parse state is only valid for the same vars) */
  vars?: Record<string, unknown>;
  /** environment variables the shards' first chunk sets (its interval), added to the parse's env */
  env?: Record<string, string>;
}

export interface ParsedProject {
  manifest: string;
  /** dbt's target folder: partial_parse.msgpack sits here */
  targetPath: string;
  /** `dbt deps` ran first, because declared packages were not installed */
  installedPackages: boolean;
}

/**
 * `dbt deps` when the project declares packages that are not installed, then `dbt parse`
 * (argument arrays, no shell). dbt's output is kept and shown only when a command fails, so a
 * plan's log stays one screen. `env` for tests and benches (default: this process's).
 */
export async function parseProject(req: ParseRequest, env: NodeJS.ProcessEnv = process.env): Promise<ParsedProject> {
  const installedPackages = await installPackagesIfMissing(req, env);
  const targetPath = path.resolve(req.projectDir, 'target');
  const args = ['parse', '--project-dir', req.projectDir, '--target-path', targetPath];
  if (req.profilesDir) args.push('--profiles-dir', req.profilesDir);
  if (req.target) args.push('--target', req.target);
  if (req.vars && Object.keys(req.vars).length > 0) args.push('--vars', JSON.stringify(req.vars));
  await runOrExplain(req.dbtCommand, args, { ...env, ...req.env }, req.projectDir);
  return { manifest: path.join(targetPath, DBT_FILES.manifest), targetPath, installedPackages };
}

/** Runs one dbt command; a failure is a UserError with the tail of dbt's output. */
export async function runOrExplain(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  projectDir: string,
): Promise<void> {
  const { code, output } = await collect(command, args, env);
  if (code !== 0) {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    throw new UserError(`--project-dir: \`${command} ${args[0]}\` failed in ${projectDir} (exit ${code}):\n${tail}`);
  }
}

function collect(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new UserError(`--dbt-command: ${JSON.stringify(command)} was not found; install dbt or pass its path`)
          : err,
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
