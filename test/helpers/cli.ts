/**
 * The dbt-matrix CLI from source (tsx), as a user runs it: argument arrays, no shell. For the
 * promises about bad input (one line, exit 2, no stack trace) that only the real front end keeps.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './dbt.js';

export const CLI_SOURCE = path.join(REPO_ROOT, 'src', 'cli', 'index.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `dbt-matrix ...args`; kills it (SIGKILL) after timeoutMs, so a hang shows as signal SIGKILL. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; prefix?: string[] } = {},
): Promise<CliResult> {
  const started = Date.now();
  const [file, ...pre] = [...(opts.prefix ?? []), process.execPath];
  return new Promise((resolve, reject) => {
    const child = spawn(file!, [...pre, '--import', 'tsx', CLI_SOURCE, ...args], {
      cwd: REPO_ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The bad-input promise: exit 2, exactly one line on stderr naming the input, no stack trace. */
export function expectOneLineRefusal(r: CliResult, input: string | RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const where = `exit ${r.code} signal ${r.signal}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`;
  if (r.code !== 2 || lines.length !== 1 || /\bat .+:\d+:\d+\)?$|unexpected error/m.test(r.stderr))
    throw new Error(`expected one line and exit 2:\n${where}`);
  const line = lines[0]!;
  if (typeof input === 'string' ? !line.includes(input) : !input.test(line))
    throw new Error(`the line does not name ${String(input)}: ${line}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line)) throw new Error(`raw control bytes in: ${JSON.stringify(line)}`);
}

/** Every file under `dir` with its size, sorted: "nothing written" compares two of these. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await fs.readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out.push(`${path.relative(dir, p)}/`);
        await walk(p);
      } else out.push(`${path.relative(dir, p)} ${(await fs.lstat(p)).size}`);
    }
  };
  await walk(dir);
  return out.sort();
}
