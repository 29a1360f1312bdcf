import { spawn, type ChildProcess } from 'node:child_process';
import {
  runDbtProcess,
  superviseDbt,
  type DbtProcessOptions,
  type DbtProcessResult,
  type SpawnDbt,
} from './dbt-process.js';
import { dbtScriptOf } from './dbt-python.js';
import { WARM_DBT_SCRIPT } from './warm-dbt-script.js';

/**
 * dbt processes started before their work is known (warm_dbt.py): each imports dbt and its adapter
 * while the caller does something else, then runs one invocation as the dbt executable would. On a
 * 2-core machine that takes 3-4 CPU seconds off every dbt start the run waits for (`npm run bench --
 * one-job`). Each invocation is still its own process: a warm one is used once, then exits.
 *
 * Only for a dbt that is a Python console script (its shebang names the interpreter): any other
 * (a wrapper, Fusion's binary) is started cold, as is any invocation when no warm process is ready.
 */
export interface WarmDbtOptions {
  /** the interpreter of the dbt executable's shebang */
  python: string;
  /** the dbt executable (a Python console script), as invocations name it */
  command: string;
  /** its resolved path, which the warm process runs */
  script: string;
  /** the dbt adapter's module name (`duckdb`, `postgres`, …), imported ahead too */
  adapter: string | null;
  /** the environment every invocation shares but for the keys it adds: imports see this one */
  env: NodeJS.ProcessEnv;
  /** the most processes kept waiting at once (each holds a Python with dbt and its adapter loaded, ~110 MB) */
  most: number;
  /** cold starts (tests pass a fake) */
  spawnCold?: SpawnDbt;
}

/** dbt-core's modules every invocation imports; a name a dbt version lacks is skipped */
const DBT_MODULES = ['dbt.cli.main', 'dbt.task.build', 'dbt.parser.manifest'];

export class WarmDbt {
  private readonly idle: ChildProcess[] = [];
  private expected = 0;
  private closed = false;

  constructor(private readonly opts: WarmDbtOptions) {}

  /** Tells the pool how many more invocations to expect (it keeps up to `most` of them warm). */
  expect(invocations: number): void {
    this.expected = Math.max(0, invocations);
    this.fill();
    const wanted = Math.min(this.opts.most, this.expected);
    this.kill(this.idle.splice(wanted));
  }

  /** processes started and waiting for an invocation */
  get waiting(): number {
    return this.idle.filter(alive).length;
  }

  /** A SpawnDbt: a warm process when one is ready for this invocation, else a cold start. */
  readonly spawn: SpawnDbt = (opts) => {
    this.expected = Math.max(0, this.expected - 1);
    const child = this.usableFor(opts) ? this.take() : undefined;
    this.fill();
    if (child === undefined) return (this.opts.spawnCold ?? runDbtProcess)(opts);
    return this.run(child, opts);
  };

  /** Ends every waiting process: none has started dbt's work, so nothing is cut short. */
  close(): void {
    this.closed = true;
    this.kill(this.idle.splice(0));
  }

  private kill(children: readonly ChildProcess[]): void {
    for (const child of children) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // it has exited already
      }
    }
  }

  private run(child: ChildProcess, opts: DbtProcessOptions): Promise<DbtProcessResult> {
    const started = Date.now();
    const request = { args: opts.args, cwd: opts.cwd ?? process.cwd(), env: opts.env };
    child.stdin?.on('error', () => undefined); // it died meanwhile: superviseDbt reports its exit
    child.stdin?.end(`${JSON.stringify(request)}\n`);
    return superviseDbt(child, opts, started);
  }

  /**
   * Same executable, and an environment that only adds keys dbt reads after its imports (ours:
   * DBT_MATRIX_*, the interval's); Python's own (PYTHON*) act when the interpreter starts.
   */
  private usableFor(opts: DbtProcessOptions): boolean {
    if (opts.command !== this.opts.command) return false;
    const base = this.opts.env;
    if (Object.entries(base).some(([k, v]) => opts.env[k] !== v)) return false;
    return Object.keys(opts.env).every((k) => k in base || !k.startsWith('PYTHON'));
  }

  private take(): ChildProcess | undefined {
    while (this.idle.length > 0) {
      const child = this.idle.shift()!;
      if (alive(child)) return child;
    }
    return undefined;
  }

  private fill(): void {
    const wanted = Math.min(this.opts.most, this.expected);
    while (!this.closed && this.idle.length < wanted) this.idle.push(this.start());
  }

  private start(): ChildProcess {
    const modules = [...DBT_MODULES, ...(this.opts.adapter ? [`dbt.adapters.${this.opts.adapter}`] : [])];
    // detached like a cold dbt: its own process group, so stop signals reach it alone
    const child = spawn(this.opts.python, ['-c', WARM_DBT_SCRIPT, this.opts.script, ...modules], {
      env: this.opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
    });
    child.on('error', () => undefined); // a Python that cannot start is noticed by take()
    return child;
  }
}

const alive = (child: ChildProcess): boolean =>
  child.exitCode === null && child.signalCode === null && child.pid !== undefined;

/**
 * Warm processes for `dbtCommand`, or null when it is not a Python console script (then every
 * invocation starts cold).
 */
export async function warmDbtFor(
  dbtCommand: string,
  env: NodeJS.ProcessEnv,
  opts: Pick<WarmDbtOptions, 'adapter' | 'most'>,
): Promise<WarmDbt | null> {
  const found = await dbtScriptOf(dbtCommand, env);
  return found === null ? null : new WarmDbt({ ...found, command: dbtCommand, env, ...opts });
}
