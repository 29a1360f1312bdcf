import { spawn } from 'node:child_process';
import path from 'node:path';
import { UserError } from '../core/errors.js';

export interface DbtParseOptions {
  dbtCommand: string;
  projectDir: string;
  profilesDir: string | null;
  target: string | null;
  /** where dbt writes manifest.json (default: <project>/target) */
  targetPath?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `dbt parse` (argument array, no shell) and returns the manifest it wrote. dbt's output is
 * kept and shown only when parsing fails, so a plan's log stays one screen.
 */
export async function dbtParse(opts: DbtParseOptions): Promise<string> {
  const targetPath = path.resolve(opts.targetPath ?? path.join(opts.projectDir, 'target'));
  const args = ['parse', '--project-dir', opts.projectDir, '--target-path', targetPath];
  if (opts.profilesDir) args.push('--profiles-dir', opts.profilesDir);
  if (opts.target) args.push('--target', opts.target);
  const { code, output } = await collect(opts.dbtCommand, args, opts.env ?? process.env);
  if (code !== 0) {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    throw new UserError(`--project-dir: \`${opts.dbtCommand} parse\` failed in ${opts.projectDir} (exit ${code}):\n${tail}`);
  }
  return path.join(targetPath, 'manifest.json');
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

/** `dbt parse` for the options every entry shares (plan, local); `env` for tests and benches. */
export function parseProject(
  i: { dbtCommand: string; projectDir: string; profilesDir: string | null; target: string | null },
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  return dbtParse({ dbtCommand: i.dbtCommand, projectDir: i.projectDir, profilesDir: i.profilesDir, target: i.target, ...(env ? { env } : {}) });
}
