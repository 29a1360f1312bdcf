/** The startup bench's timed dbt: every invocation's wall time and CPU seconds, and a plain runner. */
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DBT_BIN } from '../test/helpers/dbt.js';

/** the trigger every plan and shard of the bench resolves its interval from */
export { BENCH_TRIGGER as trigger } from './example-run.js';

export interface Timing {
  args: string[];
  wall: number;
  cpu: number;
}

/** A dbt executable that runs the real one and appends {args, wall, cpu} to a JSON-lines file. */
export interface TimedDbt {
  command: string;
  take(): Promise<Timing[]>;
}

export async function timedDbt(dir: string): Promise<TimedDbt> {
  const log = path.join(dir, 'dbt-timings.jsonl');
  const command = path.join(dir, 'timed-dbt');
  const python = (await readFile(DBT_BIN, 'utf8')).split('\n')[0]!.replace(/^#!/, '').trim();
  await writeFile(
    command,
    [
      `#!${python}`,
      'import json, resource, subprocess, sys, time',
      't = time.monotonic()',
      `code = subprocess.call([${JSON.stringify(DBT_BIN)}] + sys.argv[1:])`,
      'u = resource.getrusage(resource.RUSAGE_CHILDREN)',
      `with open(${JSON.stringify(log)}, "a") as f: f.write(json.dumps({"args": sys.argv[1:], "wall": time.monotonic() - t, "cpu": u.ru_utime + u.ru_stime}) + "\\n")`,
      'sys.exit(code)',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return {
    command,
    take: async () => {
      const text = await readFile(log, 'utf8').catch(() => '');
      await rm(log, { force: true });
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Timing);
    },
  };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new Error(
              `${path.basename(command)} ${args.slice(0, 2).join(' ')} failed (exit ${code}):\n${out.slice(-3000)}`,
            ),
          ),
    );
  });
}

export const fmt = (t: Timing): string => `${t.cpu.toFixed(1)} s CPU (${t.wall.toFixed(1)} s wall)`;
export const one = (ts: Timing[], what: string): Timing => {
  if (ts.length !== 1) throw new Error(`${what}: expected one dbt invocation, got ${ts.length}`);
  return ts[0]!;
};
