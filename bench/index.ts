/**
 * `npm run bench`: figures measured side by side in one run (ratios, not absolute targets).
 * Sections: plan (vs JSON.parse, memory, quality), merge (256 shards × 200 results),
 * runner overhead (vs a direct dbt build), local pipeline (wall time vs sum of shard times),
 * startup (a shard's parse and selection on a generated 1,500-model project; slow: run it alone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchLocal } from './local.js';
import { benchMerge } from './merge.js';
import { benchPlan } from './plan.js';
import { benchRun } from './run.js';
import { benchStartup } from './startup.js';

const only = process.argv.slice(2);
const tmp = mkdtempSync(path.join(tmpdir(), 'dbt-matrix-bench-'));
const sections: Record<string, (tmp: string) => Promise<void>> = { plan: benchPlan, merge: benchMerge, run: benchRun, local: benchLocal, startup: benchStartup };
try {
  for (const [name, run] of Object.entries(sections)) {
    if (only.length === 0 || only.includes(name)) await run(tmp);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
