import { existsSync, mkdtempSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DbtProcessOptions, SpawnDbt } from '../../src/io/dbt-process.js';
import { parseRunInputs } from '../../src/run/inputs.js';
import { runShard } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';

// Which state --defer uses is decided before dbt starts; a recording stand-in for the dbt process
// captures the argv (no dbt needed to check that decision).
function planDir(withState: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'run-defer-'));
  const plan = {
    version: 1,
    createdAt: '2024-01-01T00:00:00Z',
    dbtVersion: '1.11.0',
    projectName: 'shop',
    selection: { select: [], exclude: [], selector: null, state: null },
    threads: 1,
    maxParallel: 1,
    connectionBudget: 2,
    stages: 1,
    shards: [{ index: 0, id: 's1-01', stage: 1, nodes: ['model.shop.a'], estimatedSeconds: 1 }],
    finalTests: [],
    estimates: {
      sequentialSeconds: 1,
      makespanSeconds: 1,
      lowerBoundSeconds: 1,
      shardOverheadSeconds: 0,
      nodesWithHistory: 0,
      nodesEstimated: 1,
      assumption: 'x',
    },
  };
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
  const model = {
    unique_id: 'model.shop.a',
    resource_type: 'model',
    name: 'a',
    package_name: 'shop',
    fqn: ['shop', 'a'],
    path: 'a.sql',
    original_file_path: 'models/a.sql',
    config: { materialized: 'table' },
    depends_on: { nodes: [] },
  };
  const manifest = {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.11.0' },
    nodes: { 'model.shop.a': model },
    sources: {},
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  if (withState) {
    mkdirSync(path.join(dir, 'state'));
    writeFileSync(path.join(dir, 'state', 'manifest.json'), '{}');
  }
  return dir;
}

/** Records each invocation, and where its --state manifest leads while dbt would run (.work is removed afterwards). */
function recordingDbt(): { spawn: SpawnDbt; calls: DbtProcessOptions[]; stateManifests: string[] } {
  const calls: DbtProcessOptions[] = [];
  const stateManifests: string[] = [];
  const spawn: SpawnDbt = async (opts) => {
    calls.push(opts);
    const at = opts.args.indexOf('--state');
    const manifest = at >= 0 ? path.join(opts.args[at + 1]!, 'manifest.json') : null;
    stateManifests.push(manifest !== null && existsSync(manifest) ? realpathSync(manifest) : 'none');
    return { exitCode: 2, signal: null, outcome: 'exited', durationMs: 1 };
  };
  return { calls, spawn, stateManifests };
}

const deps = (spawnDbt: SpawnDbt, log = memoryLogger()) => ({
  trigger: { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date('2024-01-15T10:00:00Z') },
  env: {},
  attempt: 1,
  now: () => new Date(),
  log,
  spawnDbt,
  handleProcessSignals: false,
});

describe('run --defer', () => {
  it('defers to the state the plan carries (<plan dir>/state) when --state is not given', async () => {
    const dir = planDir(true);
    const dbt = recordingDbt();
    await runShard(
      parseRunInputs({ plan: path.join(dir, 'plan.json'), shard: '0', defer: true, out: path.join(dir, 'out') }),
      deps(dbt.spawn),
    );
    const args = dbt.calls[0]!.args;
    expect(args).toContain('--defer');
    // one --state folder serves the selection and deferral: it links the plan's production manifest
    expect(dbt.stateManifests[0]).toBe(realpathSync(path.join(dir, 'state', 'manifest.json')));
  });

  it('runs without --defer, with a warning, when the plan was made without state', async () => {
    const dir = planDir(false);
    const dbt = recordingDbt();
    const log = memoryLogger();
    await runShard(
      parseRunInputs({ plan: path.join(dir, 'plan.json'), shard: '0', defer: true, out: path.join(dir, 'out') }),
      deps(dbt.spawn, log),
    );
    expect(dbt.calls[0]!.args).not.toContain('--defer');
    expect(dbt.stateManifests[0]).toBe('none');
    expect(log.lines.join('\n')).toMatch(/carries no production state/);
  });

  it('an explicit --state that does not exist is a clear error before dbt starts', async () => {
    const dir = planDir(true);
    const dbt = recordingDbt();
    const run = runShard(
      parseRunInputs({
        plan: path.join(dir, 'plan.json'),
        shard: '0',
        defer: true,
        state: path.join(dir, 'nope'),
        out: path.join(dir, 'out'),
      }),
      deps(dbt.spawn),
    );
    await expect(run).rejects.toThrow(/^--state: .*nope\/manifest\.json does not exist/);
    expect(dbt.calls).toHaveLength(0);
  });
});
