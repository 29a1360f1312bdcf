import { execFile } from 'node:child_process';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { PROFILE_RENDER_SCRIPT } from './profile-render-script.js';

/**
 * Renders profile values the way dbt does (Jinja with env_var() and the as_* filters), with the
 * Python that runs dbt: dbt depends on jinja2, so it is always there, and a value means the same
 * to us as to dbt. Only the few values `local` must know before dbt starts go through here (the
 * target name, the adapter type, the DuckDB path and what it attaches); everything else stays
 * Jinja in the derived profile and dbt renders it itself.
 * The program is src/io/profile_render.py, embedded at build time and run with `-c`; values and the
 * env arrive as JSON on stdin.
 */

const OutputSchema = z.object({ values: z.record(z.string(), z.string()), errors: z.record(z.string(), z.string()) });

export type RenderValues = (values: Record<string, string>) => Promise<Record<string, string>>;

/** A renderer on `python`; errors name the profile key whose value could not be rendered. */
export function profileRenderer(python: string, env: NodeJS.ProcessEnv, where: string): RenderValues {
  return async (values) => {
    const pending = Object.fromEntries(Object.entries(values).filter(([, v]) => v.includes('{')));
    if (Object.keys(pending).length === 0) return values;
    const raw = await runPython(python, env, JSON.stringify({ values: pending }));
    const parsed = OutputSchema.safeParse(JSON.parse(raw.trim().split('\n').pop() ?? '{}'));
    if (!parsed.success) throw new Error(`rendering ${where} gave unexpected output: ${raw.slice(0, 200)}`);
    const [key, error] = Object.entries(parsed.data.errors)[0] ?? [];
    if (key !== undefined) {
      throw new UserError(`${where}: cannot render ${key} (${JSON.stringify(values[key])}): ${error}`);
    }
    return { ...values, ...parsed.data.values };
  };
}

function runPython(python: string, env: NodeJS.ProcessEnv, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { env, maxBuffer: 4 * 1024 * 1024 };
    const child = execFile(python, ['-c', PROFILE_RENDER_SCRIPT], options, (err, stdout, stderr) => {
      if (err) reject(renderFailure(python, err, String(stderr)));
      else resolve(String(stdout));
    });
    child.stdin?.end(input);
  });
}

function renderFailure(python: string, err: Error, stderr: string): Error {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    return new UserError(`--python: ${python} was not found; expected the Python interpreter that runs dbt`);
  }
  const detail = stderr.trim().split('\n').slice(-2).join(' | ') || err.message;
  return new Error(`rendering the profile with ${python} failed: ${detail}`);
}
