import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * One dbt invocation as a subprocess (never in-process: dbtRunner is not thread-safe).
 * Arguments go as an array, never through a shell, so `--vars` JSON with quotes, `$()` or
 * newlines is one harmless argv element.
 *
 * Stopping (timeout, the runner being cancelled, an AbortSignal): only SIGINT makes dbt cancel
 * its in-flight warehouse queries and write a partial run_results.json, so that goes
 * first; SIGTERM follows after `graceMs` if dbt is still alive, SIGKILL after another `graceMs`.
 * A repeated stop request (e.g. GitHub's SIGTERM 7.5 s after its SIGINT) skips ahead one step
 * instead of waiting out the grace period: the runner must still write artifacts before SIGKILL.
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
  /** requests to stop from outside (cancellation): the first sends SIGINT, each repeat escalates */
  stop?: StopController;
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

export const runDbtProcess: SpawnDbt = (opts) => {
  const started = Date.now();
  // Own process group: a terminal's Ctrl-C reaches only us, and we send dbt exactly one
  // SIGINT (a second one can interrupt dbt's own cancellation of warehouse queries).
  const child = spawn(opts.command, [...opts.args], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    shell: false,
  });
  return superviseDbt(child, opts, started);
};

/**
 * Streams a started dbt's output lines, stops it on a timeout or request (the escalation above) and
 * resolves once it has exited and its output is drained. `child` must run in its own process group
 * (spawned detached) with stdout and stderr piped.
 */
export const superviseDbt = (
  child: ChildProcess,
  opts: Omit<DbtProcessOptions, 'args' | 'env' | 'cwd'>,
  started: number,
): Promise<DbtProcessResult> =>
  new Promise<DbtProcessResult>((resolve) => {
    const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
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
    const unsubscribe = opts.stop?.subscribe((reason) => stop(reason));
    if (opts.stop?.requested) queueMicrotask(() => stop(opts.stop!.requested!));

    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => opts.onLine(line, name));
    }
    child.on('error', (err) => {
      spawnError = `${opts.command}: ${(err as NodeJS.ErrnoException).code ?? err.message}`;
    });
    // 'close' waits for stdout/stderr to drain, so no line arrives after we resolve.
    child.on('close', (code, sig) => {
      clearTimeout(timeoutTimer);
      clearTimeout(escalationTimer);
      unsubscribe?.();
      resolve({
        exitCode: code,
        signal: sig,
        outcome: stopReason ?? 'exited',
        durationMs: Date.now() - started,
        ...(spawnError !== undefined ? { spawnError } : {}),
      });
    });
  });

/**
 * Stop requests shared by a whole shard run: the runner's own SIGINT/SIGTERM (GitHub's
 * cancellation), an AbortSignal, or anything else. Requests made while no dbt runs are kept,
 * so the next invocation never starts (see `requested`).
 */
export class StopController {
  private readonly listeners = new Set<(reason: StopReason) => void>();
  private first: StopReason | null = null;

  get requested(): StopReason | null {
    return this.first;
  }

  request(reason: StopReason): void {
    this.first ??= reason;
    for (const listener of [...this.listeners]) listener(reason);
  }

  subscribe(listener: (reason: StopReason) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Every signal a runner can get when it should stop: GitHub's cancellation (SIGINT, then
 * SIGTERM), a terminal's Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT), and a lost terminal or SSH session
 * (SIGHUP). All take the one cancel path: dbt gets SIGINT (it cancels its warehouse queries and
 * writes a partial run_results.json), and the shard still writes its artifacts.
 */
export const CANCEL_SIGNALS: readonly NodeJS.Signals[] = Object.freeze(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);

/**
 * Installs `handler` for every CANCEL_SIGNALS signal, in place of the default (exit at once,
 * leaving dbt and its queries running). Returns the uninstaller. After a SIGHUP the terminal may
 * be gone: writing to it then fails (EIO), and that must not crash the run before its artifacts
 * are written, so output errors are ignored from then on.
 */
export function onCancelSignals(handler: (sig: NodeJS.Signals) => void): () => void {
  const ignore = (): void => undefined;
  const listener = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGHUP') {
      process.stdout.on('error', ignore);
      process.stderr.on('error', ignore);
    }
    handler(sig);
  };
  for (const sig of CANCEL_SIGNALS) process.on(sig, listener);
  return () => {
    for (const sig of CANCEL_SIGNALS) process.off(sig, listener);
  };
}

/**
 * While installed, the cancel signals to this process become stop requests instead of killing it,
 * so the shard can stop dbt properly and still write its artifacts. Returns the uninstaller;
 * call it when the run is over so the process's default handling comes back.
 */
export function stopOnProcessSignals(controller: StopController, onSignal?: (sig: NodeJS.Signals) => void): () => void {
  return onCancelSignals((sig) => {
    onSignal?.(sig);
    controller.request('cancelled');
  });
}
