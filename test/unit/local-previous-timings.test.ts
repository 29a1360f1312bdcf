import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planForThisMachine, previousTimingsFile } from '../../src/local/previous-timings.js';
import { parsePlanInputs } from '../../src/plan/inputs.js';

let out: string;
beforeEach(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-prev-'));
});
afterEach(() => rm(out, { recursive: true, force: true }));

const inputs = (extra: Record<string, unknown> = {}) =>
  parsePlanInputs({ 'connection-budget': '8', out: path.join(out, 'plan'), ...extra });

describe('local plans for this machine', () => {
  it("prices nodes by the previous report's run_results.json, kept aside before the report folder is cleared", async () => {
    const report = path.join(out, 'report');
    await mkdir(report, { recursive: true });
    await writeFile(path.join(report, 'run_results.json'), '{"from":"last run"}');
    const first = await planForThisMachine(inputs(), out, report);
    expect(first.plan.timings).toEqual([previousTimingsFile(out)]);
    expect(first.note).toContain(previousTimingsFile(out));
    expect(await readFile(previousTimingsFile(out), 'utf8')).toBe('{"from":"last run"}');
    // a run that wrote no report: the kept file still serves
    const second = await planForThisMachine(inputs(), out, report);
    expect(second.plan.timings).toEqual([previousTimingsFile(out)]);
    expect(first.plan.machine?.sharedCores).toBe(os.availableParallelism());
    // a local shard's overhead is dbt's start-up: CPU work on the shared cores
    expect(first.plan.machine?.startupCpuSeconds).toBe(first.plan.shardOverheadSeconds);
  });

  it('leaves --timings given by the user alone, and plans without timings on a first run', async () => {
    const given = await planForThisMachine(inputs({ timings: ['mine.json'] }), out, path.join(out, 'report'));
    expect(given.plan.timings).toEqual(['mine.json']);
    expect(given.note).toBeNull();
    const fresh = await planForThisMachine(inputs(), out, path.join(out, 'report'));
    expect(fresh.plan.timings).toEqual([]);
    expect(fresh.plan.machine?.sharedCores).toBeGreaterThanOrEqual(1);
  });
});
