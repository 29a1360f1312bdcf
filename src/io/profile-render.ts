import { execFile } from 'node:child_process';
import { z } from 'zod';
import { UserError } from '../core/errors.js';

/**
 * Renders profile values the way dbt does (Jinja with env_var() and the as_* filters), with the
 * Python that runs dbt: dbt depends on jinja2, so it is always there, and a value means the same
 * to us as to dbt. Only the few values `local` must know before dbt starts go through here (the
 * target name, the adapter type, the DuckDB path and what it attaches); everything else stays
 * Jinja in the derived profile and dbt renders it itself.
 * The script is a constant run with `-c`; values and the env arrive as JSON on stdin.
 */
const SCRIPT = String.raw`
import json, os, sys
import jinja2

_MISSING = object()

def env_var(name, default=_MISSING):
    if name in os.environ:
        return os.environ[name]
    if default is not _MISSING:
        return default
    raise jinja2.exceptions.UndefinedError("Env var required but not provided: '" + name + "'")

env = jinja2.Environment(undefined=jinja2.StrictUndefined, extensions=['jinja2.ext.do'])
env.globals['env_var'] = env_var
env.globals['var'] = lambda name, default=None: default
env.filters['as_number'] = lambda v: v
env.filters['as_bool'] = lambda v: v
env.filters['as_text'] = lambda v: v
env.filters['as_native'] = lambda v: v

spec = json.load(sys.stdin)
out, errors = {}, {}
for key, text in spec['values'].items():
    try:
        out[key] = env.from_string(text).render()
    except Exception as err:
        errors[key] = str(err).splitlines()[0] if str(err) else type(err).__name__
print(json.dumps({'values': out, 'errors': errors}))
`;

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
    if (key !== undefined) throw new UserError(`${where}: cannot render ${key} (${JSON.stringify(values[key])}): ${error}`);
    return { ...values, ...parsed.data.values };
  };
}

function runPython(python: string, env: NodeJS.ProcessEnv, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(python, ['-c', SCRIPT], { env, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(String(stdout));
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new UserError(`--python: ${python} was not found; expected the Python interpreter that runs dbt`));
      reject(new Error(`rendering the profile with ${python} failed: ${String(stderr).trim().split('\n').slice(-2).join(' | ') || err.message}`));
    });
    child.stdin?.end(input);
  });
}
