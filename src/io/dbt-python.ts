import { constants, promises as fs } from 'node:fs';
import path from 'node:path';

/** A dbt executable that is a Python console script, and the interpreter its shebang names. */
export interface DbtScript {
  /** the executable's resolved path */
  script: string;
  /** `/venv/bin/python3`, or `python3` from `#!/usr/bin/env python3` */
  python: string;
}

/**
 * The resolved dbt executable and its interpreter (`#!/venv/bin/python3`, or `#!/usr/bin/env
 * python3`); null when dbt is not found or is not a Python script (a wrapper, Fusion's binary).
 */
export async function dbtScriptOf(dbtCommand: string, env: NodeJS.ProcessEnv): Promise<DbtScript | null> {
  const exe = await resolveExecutable(dbtCommand, env);
  if (exe === null) return null;
  let head: string;
  try {
    const handle = await fs.open(exe, 'r');
    try {
      const buf = Buffer.alloc(512);
      const { bytesRead } = await handle.read(buf, 0, 512, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
  const python = pythonFromShebang(head.split('\n')[0] ?? '');
  return python === null ? null : { script: exe, python };
}

/** The interpreter that runs dbt (see dbtScriptOf); null when dbt is not a Python script. */
export async function pythonOfDbt(dbtCommand: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return (await dbtScriptOf(dbtCommand, env))?.python ?? null;
}

/** `#!/x/python3.11` → `/x/python3.11`; `#!/usr/bin/env python3` → `python3`; else null. */
export function pythonFromShebang(line: string): string | null {
  if (!line.startsWith('#!')) return null;
  const words = line.slice(2).trim().split(/\s+/);
  const [first, ...rest] = words;
  if (first === undefined) return null;
  const candidate = path.basename(first) === 'env' ? rest.find((w) => !w.startsWith('-')) : first;
  return candidate !== undefined && /python/i.test(path.basename(candidate)) ? candidate : null;
}

async function resolveExecutable(command: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const candidates = command.includes(path.sep)
    ? [path.resolve(command)]
    : (env['PATH'] ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, command));
  for (const file of candidates) {
    try {
      await fs.access(file, constants.X_OK);
      return file;
    } catch {
      // next PATH entry
    }
  }
  return null;
}
