/**
 * The dbt subprocess edge with a stand-in child (plain node scripts): line streaming, the
 * SIGINT → SIGTERM → SIGKILL escalation, repeated stop requests, signal handlers removed after.
 * dbt's own reaction to SIGINT is covered with real dbt in run-postgres.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runDbtProcess, StopController, stopOnProcessSignals } from '../../src/io/dbt-process.js';

const node = process.execPath;

function collect() {
  const lines: string[] = [];
  const signals: string[] = [];
  return {
    lines,
    signals,
    onLine: (l: string, s: string) => lines.push(`${s}:${l}`),
    onSignal: (sig: string) => signals.push(sig),
  };
}

describe('runDbtProcess', () => {
  it('streams stdout and stderr line by line and passes argv untouched (no shell)', async () => {
    const c = collect();
    const tricky = `it's "q" $(echo pwned) \`x\`\nnext`;
    const res = await runDbtProcess({
      command: node,
      args: [
        '-e',
        'console.log(JSON.stringify(process.argv[1])); console.error("err line"); process.stdout.write("a\\nb"); process.exit(3)',
        tricky,
      ],
      env: process.env,
      onLine: c.onLine,
    });
    expect(res).toMatchObject({ exitCode: 3, outcome: 'exited', signal: null });
    expect(c.lines).toContain(`stdout:${JSON.stringify(tricky)}`);
    expect(c.lines).toContain('stderr:err line');
    expect(c.lines.filter((l) => l.startsWith('stdout:')).slice(-2)).toEqual(['stdout:a', 'stdout:b']);
  });

  it('on timeout sends SIGINT first and lets the child finish its own cleanup', async () => {
    const c = collect();
    const script =
      'process.on("SIGINT", () => { console.log("cancelling queries"); setTimeout(() => process.exit(2), 200); }); setInterval(() => {}, 1000); console.log("ready")';
    const res = await runDbtProcess({
      command: node,
      args: ['-e', script],
      env: process.env,
      onLine: c.onLine,
      timeoutMs: 500,
      graceMs: 5000,
      onSignal: c.onSignal,
    });
    expect(res).toMatchObject({ exitCode: 2, outcome: 'timeout' });
    expect(c.signals).toEqual(['SIGINT']);
    expect(c.lines).toContain('stdout:cancelling queries');
  });

  it('escalates to SIGTERM then SIGKILL when the child ignores SIGINT and SIGTERM', async () => {
    const c = collect();
    const script =
      'process.on("SIGINT", () => {}); process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("ready")';
    const started = Date.now();
    const res = await runDbtProcess({
      command: node,
      args: ['-e', script],
      env: process.env,
      onLine: c.onLine,
      timeoutMs: 300,
      graceMs: 300,
      onSignal: c.onSignal,
    });
    expect(res).toMatchObject({ exitCode: null, signal: 'SIGKILL', outcome: 'timeout' });
    expect(c.signals).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a repeated stop request skips ahead one step instead of waiting out the grace period', async () => {
    const c = collect();
    const stop = new StopController();
    const script = 'process.on("SIGINT", () => {}); setInterval(() => {}, 1000); console.log("ready")';
    const done = runDbtProcess({
      command: node,
      args: ['-e', script],
      env: process.env,
      onLine: (l, s) => {
        c.onLine(l, s);
        if (l === 'ready') {
          stop.request('cancelled');
          setTimeout(() => stop.request('cancelled'), 100);
        }
      },
      graceMs: 60_000,
      stop,
      onSignal: c.onSignal,
    });
    const res = await done;
    expect(res).toMatchObject({ signal: 'SIGTERM', outcome: 'cancelled' });
    expect(c.signals).toEqual(['SIGINT', 'SIGTERM']);
  });

  it('does not start when a stop was requested before, and reports a missing executable', async () => {
    const stop = new StopController();
    stop.request('cancelled');
    const res = await runDbtProcess({
      command: node,
      args: ['-e', 'setTimeout(() => console.log("ran"), 2000)'],
      env: process.env,
      onLine: () => {},
      stop,
    });
    expect(res.outcome).toBe('cancelled');
    expect(res.durationMs).toBeLessThan(1500);
    const missing = await runDbtProcess({ command: '/nonexistent/dbt', args: [], env: process.env, onLine: () => {} });
    expect(missing.spawnError).toMatch(/ENOENT/);
  });

  it('turns SIGINT to this process into a stop request while installed, and removes its handlers after', async () => {
    const before = process.listenerCount('SIGINT');
    const beforeTerm = process.listenerCount('SIGTERM');
    const stop = new StopController();
    const dispose = stopOnProcessSignals(stop);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT', 'SIGINT');
    expect(stop.requested).toBe('cancelled');
    dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('SIGTERM')).toBe(beforeTerm);
  });
});
