import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlanInputs } from '../../src/plan/inputs.js';
import { runPlan, type PlanDeps } from '../../src/plan/main.js';
import { memoryLogger } from '../../src/shared/log.js';

/** runPlan's files: the plan folder holds plan.json and the manifest copy, or nothing at all. */
const REAL = path.resolve(__dirname, '../fixtures/real-manifests');
const manifest = path.join(
  REAL,
  readdirSync(REAL)
    .filter((f) => f.endsWith('manifest.json'))
    .sort()[0]!,
);
const deps = (): PlanDeps => ({
  log: memoryLogger(),
  now: () => new Date('2026-11-22T00:00:00Z'),
  parseProject: () => Promise.reject(new Error('--manifest is given')),
});

describe('runPlan outputs', () => {
  it('writes plan.json and a byte-identical copy of the manifest into --out', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'plan-out-')), 'plan');
    const { planFile, manifestFile } = await runPlan(
      parsePlanInputs({ manifest, 'connection-budget': '8', out }),
      deps(),
    );
    expect(JSON.parse(readFileSync(planFile, 'utf8')).version).toBeDefined();
    expect(readFileSync(manifestFile).equals(readFileSync(manifest))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'plan.json']);
  });

  it('leaves nothing behind when it fails after the manifest was read (no folder, no temp copy)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-out-'));
    const out = path.join(dir, 'plan');
    const timings = path.join(dir, 'run_results.json');
    const results = [{ unique_id: 'model.other_project.x', status: 'success', execution_time: 1 }];
    writeFileSync(
      timings,
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
        results,
      }),
    );
    const inputs = parsePlanInputs({ manifest, 'connection-budget': '8', out, timings: [timings] });
    await expect(runPlan(inputs, deps())).rejects.toThrow(/--timings: .* names no node of the manifest/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['run_results.json']);
  });
});
