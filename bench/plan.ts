import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readManifest } from '../src/io/manifest-reader.js';
import { bundleForBench } from './bundle.js';
import { generateManifest } from './generate-manifest.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const REAL = path.resolve(here, '../test/fixtures/real-manifests');
const RUNS = 5;

interface Measurement {
  ms: number;
  maxRssMB: number;
  [k: string]: number;
}

function once(child: string, mode: 'json-parse' | 'plan', file: string, timings?: string): Measurement | null {
  try {
    const args = [child, mode, file, ...(timings ? [timings] : [])];
    return JSON.parse(
      execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as Measurement;
  } catch {
    return null; // JSON.parse of a file over V8's ~512 MiB string limit cannot even start
  }
}

/**
 * JSON.parse and the plan in alternating fresh processes, so a machine that speeds up or slows
 * down during the run (shared CI hosts do) moves both sides alike; the medians of each side.
 */
function measurePair(
  child: string,
  file: string,
  timings: string | undefined,
  runs: number,
): { jp: Measurement | null; pl: Measurement | null } {
  const jps: Array<Measurement | null> = [];
  const pls: Array<Measurement | null> = [];
  for (let i = 0; i < runs; i++) {
    jps.push(once(child, 'json-parse', file));
    pls.push(once(child, 'plan', file, timings));
  }
  const med = (ms: Array<Measurement | null>): Measurement | null =>
    ms.some((m) => m === null) ? null : median(ms as Measurement[]);
  return { jp: med(jps), pl: med(pls) };
}

function median(runs: Measurement[]): Measurement {
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)]!; // median of fresh processes
}

/** Heavy-tailed (log-normal, σ = 1.4) seconds per node, for manifests that come without run_results. */
async function syntheticTimings(manifestFile: string, out: string): Promise<string> {
  const m = await readManifest(manifestFile);
  let seed = 7;
  const rand = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const normal = (): number => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
  const results = [...m.nodes.values()]
    .filter((n) => ['model', 'seed', 'snapshot', 'test'].includes(n.resourceType))
    .map((n) => ({
      unique_id: n.uniqueId,
      status: 'success',
      execution_time: Number((Math.exp(1 + 1.4 * normal()) * (n.resourceType === 'test' ? 0.2 : 1)).toFixed(3)),
    }));
  writeFileSync(
    out,
    JSON.stringify({ metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' }, results }),
  );
  return out;
}

export async function benchPlan(tmp: string): Promise<void> {
  const child = bundleForBench(path.join(here, 'plan-child.ts'), 'plan-child', path.join(tmp, 'bundle'));
  const cases: Array<{ name: string; manifest: string; timings?: string; timingNote: string; runs?: number }> = [];
  for (const f of existsSync(REAL)
    ? readdirSync(REAL)
        .filter((f) => f.endsWith('manifest.json'))
        .sort()
    : []) {
    const manifest = path.join(REAL, f);
    const real = manifest.replace(/manifest\.json$/, 'run_results.json');
    if (existsSync(real)) cases.push({ name: f, manifest, timings: real, timingNote: 'real run_results' });
    else
      cases.push({
        name: f,
        manifest,
        timings: await syntheticTimings(manifest, path.join(tmp, `${f}.timings.json`)),
        timingNote: 'log-normal σ=1.4',
      });
  }
  const gen = path.join(tmp, 'generated-10k.json');
  const g = await generateManifest(gen, { models: 10_000 });
  cases.push({
    name: `generated 10k models (${(g.bytes / 2 ** 20).toFixed(0)} MiB)`,
    manifest: gen,
    timings: await syntheticTimings(gen, path.join(tmp, 'gen.timings.json')),
    timingNote: 'log-normal σ=1.4',
  });
  const huge = path.join(tmp, 'generated-huge.json');
  const h = await generateManifest(huge, { models: 6000, padBytes: 66_000, macros: 200 });
  cases.push({
    name: `generated ${(h.bytes / 2 ** 20).toFixed(0)} MiB (6k models, large SQL)`,
    manifest: huge,
    timings: await syntheticTimings(huge, path.join(tmp, 'huge.timings.json')),
    timingNote: 'log-normal σ=1.4',
    runs: 1,
  });

  console.log('\n## plan: time vs JSON.parse of the same file, peak memory, plan quality (budget 40, overhead 30 s)');
  console.log(
    `plan = the whole \`dbt-matrix plan\` (bundled, outputs written); median of ${RUNS} fresh processes each, the two sides alternating; quality = simulated makespan / lower bound\n`,
  );
  console.log(
    '| manifest | nodes | JSON.parse ms | plan ms | ratio | JSON.parse RSS MB | plan RSS MB | shards/stages/threads | timings | quality |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of cases) {
    const { jp, pl } = measurePair(child, c.manifest, c.timings, c.runs ?? RUNS);
    if (!pl) throw new Error(`plan failed on ${c.name}`);
    const quality = pl['makespan']! / pl['lowerBound']!;
    const [jpMs, ratio, jpRss] = jp
      ? [jp.ms.toFixed(0), `${(pl.ms / jp.ms).toFixed(2)}×`, jp.maxRssMB.toFixed(0)]
      : ['fails (> 512 MiB string)', '–', '–'];
    console.log(
      `| ${c.name} | ${pl['nodes']} | ${jpMs} | ${pl.ms.toFixed(0)} | ${ratio} | ${jpRss} | ${pl.maxRssMB.toFixed(0)} | ${pl['shards']}/${pl['stages']}/${pl['threads']} | ${c.timingNote} | ${quality.toFixed(3)} |`,
    );
  }
}
