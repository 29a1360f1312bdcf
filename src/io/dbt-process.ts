import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * One dbt invocation as a subprocess (never in-process: dbtRunner is not thread-safe, DESIGN §1).
 * Arguments go as an array, never through a shell, so `--vars` JSON with quotes, `$()` or
 * newlines is one harmless argv element.
 *
 * Stopping (timeout, the runner being cancelled, an AbortSignal): only SIGINT makes dbt cancel
 * its in-flight warehouse queries and write a partial run_results.json (DESIGN §5), so that goes
 * first; SIGTERM follows after `graceMs` if dbt is still alive, SIGKILL after another `graceMs`.
 * A second cancellation request (e.g. GitHub's SIGTERM 7.5 s after its SIGINT) skips ahead one
 * step instead of waiting out the grace period.
 */
export interface DbtProcessOptions {
  /** executable: `dbt`, a venv path, `dbtf`... */
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** every output line, without its newline, in order per stream */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  /** stop with SIGINT after this long (undefined: no limit) */
  timeoutMs?: number;
  /** wait between SIGINT, SIGTERM and SIGKILL; default 10 s */
  graceMs?: number;
  /** aborting it stops dbt like a timeout does, but reports `cancelled` */
  signal?: AbortSignal;
  /** stop dbt when this process gets SIGINT/SIGTERM (GitHub cancellation); default true */
  handleProcessSignals?: boolean;
  /** told about each signal sent, for the log */
  onSignal?(signal: NodeJS.Signals, reason: StopReason): void;
}

export type StopReason = 'timeout' | 'cancelled';

export interface DbtProcessResult {
  /** dbt's exit code; null when it died of a signal or never started */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** why we stopped it, or `exited` when it finished on its own */
  outcome: 'exited' | StopReason;
  durationMs: number;
  /** set when the executable could not be started (ENOENT, EACCES) */
  spawnError?: string;
}

export type SpawnDbt = (opts: DbtProcessOptions) => Promise<DbtProcessResult>;

export const DEFAULT_GRACE_MS = 10_000;
const ESCALATION: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];

export const runDbtProcess: SpawnDbt = (opts) =>
  new Promise<DbtProcessResult>((resolve) => {
    const started = Date.now();
    const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    // Own process group: a terminal's Ctrl-C reaches only us, and we send dbt exactly one
    // SIGINT (a second one can interrupt dbt's own cancellation of warehouse queries).
    const child = spawn(opts.command, [...opts.args], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      shell: false,
    });
    let stopReason: StopReason | null = null;
    let step = 0;
    let escalationTimer: NodeJS.Timeout | undefined;
    let spawnError: string | undefined;

    const send = (sig: NodeJS.Signals): void => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      opts.onSignal?.(sig, stopReason ?? 'cancelled');
      try {
        process.kill(-child.pid, sig); // the group: reaches dbt behind a wrapper script too
      } catch {
        child.kill(sig);
      }
    };
    const escalate = (): void => {
      const sig = ESCALATION[step];
      if (sig === undefined) return;
      step += 1;
      send(sig);
      clearTimeout(escalationTimer);
      if (step < ESCALATION.length) escalationTimer = setTimeout(escalate, graceMs);
    };
    const stop = (reason: StopReason): void => {
      stopReason ??= reason;
      escalate();
    };

    const onTimeout = (): void => stop('timeout');
    const timeoutTimer = opts.timeoutMs !== undefined ? setTimeout(onTimeout, Math.max(0, opts.timeoutMs)) : undefined;
    const onAbort = (): void => stop('cancelled');
    const onProcessSignal = (): void => stop('cancelled');
    if (opts.signal?.aborted) queueMicrotask(onAbort);
    else opts.signal?.addEventListener('abort', onAbort);
    const handleSignals = opts.handleProcessSignals ?? true;
    if (handleSignals) {
      process.on('SIGINT', onProcessSignal);
      process.on('SIGTERM', onProcessSignal);
    }

    for (const [stream, name] of [[child.stdout, 'stdout'], [child.stderr, 'stderr']] as const) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => opts.onLine(line, name));
    }
    child.on('error', (err) => {
      spawnError = `${opts.command}: ${(err as NodeJS.ErrnoException).code ?? err.message}`;
    });
    // 'close' waits for stdout/stderr to drain, so no line arrives after we resolve.
    child.on('close', (code, sig) => {
      clearTimeout(timeoutTimer);
      clearTimeout(escalationTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (handleSignals) {
        process.off('SIGINT', onProcessSignal);
        process.off('SIGTERM', onProcessSignal);
      }
      resolve({
        exitCode: code,
        signal: sig,
        outcome: stopReason ?? 'exited',
        durationMs: Date.now() - started,
        ...(spawnError !== undefined ? { spawnError } : {}),
      });
    });
  });
