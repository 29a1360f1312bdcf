/**
 * Warm dbt processes (src/io/warm-dbt.ts + warm_dbt.py) with a stand-in dbt: a real Python console
 * script that reports its argv, folder, environment and stdin, and can wait for SIGINT. A warm run
 * must be indistinguishable from a cold one; real dbt goes through it in every `local` test.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dbtScriptOf } from '../../src/io/dbt-python.js';
import { runDbtProcess, StopController, type DbtProcessOptions, type SpawnDbt } from '../../src/io/dbt-process.js';
import { WarmDbt } from '../../src/io/warm-dbt.js';

// the interpreter behind the venv's python3: no dbt there, so the warm script's imports fail fast
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys._base_executable)'], { encoding: 'utf8' }).trim();
const FAKE_DBT = `#!${PYTHON}
import json, os, signal, sys, time
if sys.argv[1:2] == ['wait']:
    signal.signal(signal.SIGINT, lambda *_: (print('cancelling queries', flush=True), sys.exit(2)))
    print('ready', flush=True)
    time.sleep(30)
print(json.dumps({'args': sys.argv[1:], 'cwd': os.getcwd(), 'attempt': os.environ.get('DBT_MATRIX_ATTEMPT'),
                  'stdin': sys.stdin.read(), 'path0': sys.path[0], 'warm': 'runpy' in sys.modules}))
print('to stderr', file=sys.stderr)
sys.exit(int(os.environ.get('EXIT_CODE', '0')))
`;

const dir = mkdtempSync(path.join(tmpdir(), 'warm-dbt-'));
const dbt = path.join(dir, 'dbt');
writeFileSync(dbt, FAKE_DBT);
chmodSync(dbt, 0o755);
const env: NodeJS.ProcessEnv = { ...process.env, EXIT_CODE: '3' };

const pools: WarmDbt[] = [];
afterEach(() => pools.splice(0).forEach((p) => p.close()));

async function pool(coldCalls: string[][], most = 1): Promise<WarmDbt> {
  const found = await dbtScriptOf(dbt, env);
  expect(found).toEqual({ script: dbt, python: PYTHON });
  const cold: SpawnDbt = (o) => {
    coldCalls.push([...o.args]);
    return runDbtProcess(o);
  };
  const p = new WarmDbt({ ...found!, command: dbt, adapter: 'none_such', env, most, spawnCold: cold });
  pools.push(p);
  return p;
}

function invocation(args: string[], extra: NodeJS.ProcessEnv = {}): DbtProcessOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    command: dbt,
    args,
    env: { ...env, ...extra },
    cwd: dir,
    onLine: (l, s) => lines.push(`${s}:${l}`),
    lines,
  };
}

describe('WarmDbt', () => {
  it('runs an invocation exactly as a cold start does: argv, folder, added env, empty stdin, exit code, output', async () => {
    const cold: string[][] = [];
    const warm = await pool(cold);
    warm.expect(1);
    const tricky = ['build', '--vars', `{"a": "it's $(echo x)\\n"}`];
    const w = invocation(tricky, { DBT_MATRIX_ATTEMPT: '2' });
    const c = invocation(tricky, { DBT_MATRIX_ATTEMPT: '2' });
    const [warmRes, coldRes] = await Promise.all([warm.spawn(w), runDbtProcess(c)]);
    expect(cold).toEqual([]); // the warm process ran it
    expect(warmRes).toMatchObject({ exitCode: 3, outcome: 'exited', signal: null });
    expect(coldRes).toMatchObject({ exitCode: 3, outcome: 'exited', signal: null });
    // the stand-in reports whether it runs inside the warm script (which imports runpy; a cold script does not)
    const report = (lines: string[]) => JSON.parse(lines.find((l) => l.startsWith('stdout:'))!.slice(7)) as object;
    expect(report(w.lines)).toEqual({ ...report(c.lines), warm: true });
    expect(report(c.lines)).toMatchObject({ args: tricky, cwd: dir, attempt: '2', stdin: '' });
    expect(w.lines).toContain('stderr:to stderr');
  });

  it('starts cold when the invocation changes a variable the warm process imported with, or names another dbt', async () => {
    const cold: string[][] = [];
    const warm = await pool(cold);
    warm.expect(4);
    expect((await warm.spawn(invocation(['one'], { EXIT_CODE: '0' }))).exitCode).toBe(0);
    const other = await warm.spawn({ ...invocation(['two']), command: path.join(dir, 'other-dbt') });
    expect(other.spawnError).toMatch(/ENOENT/);
    expect((await warm.spawn(invocation(['three']))).exitCode).toBe(3);
    expect((await warm.spawn(invocation(['four'], { PYTHONPATH: dir }))).exitCode).toBe(3);
    expect(cold).toEqual([['one'], ['two'], ['four']]);
  });

  it('keeps at most `most` waiting and no more than the invocations still expected', async () => {
    const cold: string[][] = [];
    const warm = await pool(cold, 2);
    warm.expect(5);
    expect(warm.waiting).toBe(2);
    await Promise.all([1, 2, 3].map((i) => warm.spawn(invocation([`n${i}`]))));
    expect(cold).toEqual([]);
    expect(warm.waiting).toBe(2); // two invocations still expected
    await warm.spawn(invocation(['n4']));
    expect(warm.waiting).toBe(1);
    warm.expect(0);
    expect(warm.waiting).toBe(0);
    expect((await warm.spawn(invocation(['unexpected']))).exitCode).toBe(3);
    expect(cold).toEqual([['unexpected']]);
  });

  it('stops a warm dbt with SIGINT first, like a cold one', async () => {
    const warm = await pool([]);
    warm.expect(1);
    const stop = new StopController();
    const w = invocation(['wait']);
    const signals: string[] = [];
    const running = warm.spawn({
      ...w,
      stop,
      graceMs: 5000,
      onSignal: (s) => signals.push(s),
      onLine: (l, s) => {
        w.onLine(l, s);
        if (l === 'ready') stop.request('cancelled');
      },
    });
    expect(await running).toMatchObject({ exitCode: 2, outcome: 'cancelled' });
    expect(signals).toEqual(['SIGINT']);
    expect(w.lines).toContain('stdout:cancelling queries');
  });

  it('leaves no process behind when closed', async () => {
    const warm = await pool([], 2);
    warm.expect(2);
    await new Promise((r) => setTimeout(r, 300));
    warm.close();
    await new Promise((r) => setTimeout(r, 300));
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(dbt) && l.includes('python'));
    expect(left).toEqual([]);
  });
});
