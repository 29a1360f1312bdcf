/**
 * Every signal a runner can get (SIGINT, SIGTERM, SIGHUP, SIGQUIT) takes the one cancel path:
 * the runner process (src/run/main.ts, from source) passes SIGINT to dbt, waits for it, and
 * writes its artifacts. dbt here is a stand-in (a node script named so): it records the signal it
 * got and writes a partial run_results.json as dbt does on SIGINT. Real dbt and a real cancelled
 * PostgreSQL query: run-postgres.test.ts (SIGINT and SIGHUP).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShardArtifactSchema } from '../../src/core/report/shard-artifact.js';
import { CANCEL_SIGNALS } from '../../src/io/dbt-process.js';
import { REPO_ROOT } from '../helpers/dbt.js';
import { tinyPlan, writePlanFolder } from '../helpers/tiny-manifest.js';

let root: string;
let standInDbt: string;
let runner: string;
let planFile: string;

/** The stand-in dbt: says it started, then on SIGINT writes a partial run_results.json and exits 130. */
const STAND_IN_DBT = (node: string): string => `#!${node}
const fs = require('node:fs');
const path = require('node:path');
const target = process.argv[process.argv.indexOf('--target-path') + 1];
const got = [];
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(sig, () => {
  got.push(sig);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'run_results.json'), JSON.stringify({
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', dbt_version: '1.11.0', generated_at: new Date().toISOString(), invocation_id: 'stand-in' },
    results: [{ unique_id: 'model.tiny.a', status: 'error', message: 'stand-in dbt got ' + got.join(','), execution_time: 0.1, timing: [], thread_id: 'Thread-1', adapter_response: {}, failures: null }],
    elapsed_time: 0.1, args: {},
  }));
  console.log('stand-in dbt got ' + got.join(','));
  setTimeout(() => process.exit(130), 100);
});
console.log('1 of 1 START sql table model tiny.a');
setInterval(() => {}, 1000);
`;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-signals-'));
  standInDbt = path.join(root, 'stand-in-dbt');
  await fs.writeFile(standInDbt, STAND_IN_DBT(process.execPath), { mode: 0o755 });
  planFile = await writePlanFolder(path.join(root, 'plan'), tinyPlan([{ id: 's1-00', nodes: ['model.tiny.a'] }]));
  runner = path.join(root, 'runner.mts');
  const src = (...p: string[]): string => JSON.stringify(path.join(REPO_ROOT, 'src', ...p));
  await fs.writeFile(
    runner,
    [
      `import { runShard } from ${src('run', 'main.ts')};`,
      `import { parseRunInputs } from ${src('run', 'inputs.ts')};`,
      `import { consoleLogger } from ${src('shared', 'log.ts')};`,
      `const inputs = parseRunInputs(JSON.parse(process.env.RUN_INPUTS));`,
      `const trigger = { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date() };`,
      `const outcome = await runShard(inputs, { trigger, env: process.env, attempt: 1, now: () => new Date(), log: consoleLogger() });`,
      `process.exitCode = outcome.exitCode;`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function runAndSignal(
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; out: string }> {
  const out = path.join(root, `out-${signal}`);
  const inputs = {
    plan: planFile,
    shard: '0',
    out,
    start: '2024-01-10',
    end: '2024-01-11',
    'dbt-command': standInDbt,
    'grace-seconds': '20',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', runner], {
    cwd: REPO_ROOT,
    env: { ...process.env, RUN_INPUTS: JSON.stringify(inputs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let sent = false;
  const onData = (b: Buffer): void => {
    output += b.toString();
    if (!sent && output.includes('START sql table model')) {
      sent = true;
      child.kill(signal);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  clearTimeout(killer);
  return { code, signal: sig, output, out };
}

describe('one cancel path for every signal', () => {
  it('covers SIGINT, SIGTERM, SIGHUP and SIGQUIT', () => {
    expect([...CANCEL_SIGNALS].sort()).toEqual(['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM']);
  });

  it('each signal to the runner: dbt gets SIGINT (only), the runner exits 130, shard.json and the partial run_results.json are written', async () => {
    // side by side: four runner processes at once
    const runs = await Promise.all(CANCEL_SIGNALS.map(async (sig) => [sig, await runAndSignal(sig)] as const));
    for (const [sig, r] of runs) {
      expect(r, `${sig}: ${r.output}`).toMatchObject({ code: 130, signal: null });
      expect(r.output).toContain(`received ${sig}: stopping dbt`);
      expect(r.output).toContain('cancelled: sending SIGINT to dbt');
      expect(r.output).toContain('stand-in dbt got SIGINT\n'); // one SIGINT, nothing else
      const shardDir = path.join(r.out, 's1-00');
      const shard = ShardArtifactSchema.parse(JSON.parse(await fs.readFile(path.join(shardDir, 'shard.json'), 'utf8')));
      expect(shard).toMatchObject({ status: 'cancelled', exitCode: 130 });
      const results = JSON.parse(await fs.readFile(path.join(shardDir, 'run_results.json'), 'utf8')) as {
        results: Array<{ unique_id: string; message: string }>;
      };
      expect(results.results).toEqual([
        expect.objectContaining({ unique_id: 'model.tiny.a', message: 'stand-in dbt got SIGINT' }),
      ]);
    }
  }, 120_000);
});
