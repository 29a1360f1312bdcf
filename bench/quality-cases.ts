/**
 * Inputs of the quality benchmark: every real manifest in test/fixtures/real-manifests (copies of
 * public projects' artifacts, see README.md there), plus seeded synthetic DAGs shaped like the
 * deep projects the planner was not tuned on; heavy-tailed timing draws with fixed seeds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DbtGraph } from '../src/core/graph/graph.js';
import type { ManifestNode } from '../src/core/manifest/types.js';
import { isSchedulable, RunResultsSchema } from '../src/core/partition/index.js';
import { readManifest } from '../src/io/manifest-reader.js';
import { mulberry32 } from './generate-manifest.js';

export const REAL_MANIFESTS = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../test/fixtures/real-manifests',
);

export interface QualityCase {
  name: string;
  graph: DbtGraph;
  /** real per-node seconds, when the project committed a run_results.json */
  realSeconds?: Map<string, number>;
}

/**
 * Every *manifest.json in test/fixtures/real-manifests, then in each folder of
 * BENCH_EXTRA_MANIFESTS (path-separated): public artifacts kept outside the repository can be
 * measured beside the committed ones without copying them in.
 */
export async function realCases(): Promise<QualityCase[]> {
  const extra = (process.env.BENCH_EXTRA_MANIFESTS ?? '').split(path.delimiter).filter((d) => d !== '');
  const cases: QualityCase[] = [];
  for (const dir of [REAL_MANIFESTS, ...extra]) {
    for (const f of readdirSync(dir)
      .filter((f) => f.endsWith('manifest.json'))
      .sort())
      cases.push(await realCase(path.join(dir, f)));
  }
  return cases;
}

async function realCase(file: string): Promise<QualityCase> {
  const graph = DbtGraph.fromManifest(await readManifest(file));
  const rr = file.replace(/manifest\.json$/, 'run_results.json');
  const realSeconds = existsSync(rr)
    ? new Map(
        RunResultsSchema.parse(JSON.parse(readFileSync(rr, 'utf8'))).results.map((r) => [
          r.unique_id,
          r.execution_time,
        ]),
      )
    : undefined;
  return { name: path.basename(file).split('_')[0]!, graph, ...(realSeconds ? { realSeconds } : {}) };
}

export { mulberry32 };

function node(id: string, resourceType: ManifestNode['resourceType'], dependsOn: string[]): ManifestNode {
  return {
    uniqueId: id,
    resourceType,
    name: id,
    packageName: 'syn',
    fqn: ['syn', id],
    path: '',
    originalFilePath: '',
    tags: [],
    config: {},
    dependsOn,
    checksum: null,
    testMetadata: null,
    sourceName: null,
    relationName: null,
  };
}

/**
 * A layered DAG of `models` models in `depth` layers and 10 domains, shaped like a dbt project:
 * each model reads a model of the layer before (so the depth is real), mostly of its own domain,
 * and up to two more of earlier layers (one in six from another domain: the marts that join
 * domains); a few shared "dimensions" of the first layers are read from everywhere (what glues real
 * projects into one component). Two single-parent tests per model, a two-parent relationships test
 * on every fourth. Seeded: the same DAG on every run.
 */
export function syntheticCase(name: string, models: number, depth: number, seed: number): QualityCase {
  const DOMAINS = 10;
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  // layers[l][d]: models of layer l in domain d
  const layers: string[][][] = Array.from({ length: depth }, () => Array.from({ length: DOMAINS }, () => []));
  const nodes: ManifestNode[] = [];
  const dims: string[] = [];
  const fromLayer = (l: number, d: number): string | undefined => {
    const own = layers[l]![d]!;
    if (own.length > 0 && rand() < 5 / 6) return pick(own);
    const any = layers[l]!.flat();
    return any.length > 0 ? pick(any) : undefined;
  };
  for (let i = 0; i < models; i++) {
    const domain = i % DOMAINS;
    // layer sizes shrink with depth (wide staging, narrow marts); the first `depth` models make every layer non-empty
    const layer = i < depth ? i : Math.min(depth - 1, Math.floor(depth * Math.pow(rand(), 1.6)));
    const id = `model.syn.m${String(i).padStart(4, '0')}`;
    const deps: string[] = [];
    if (layer > 0) {
      deps.push(fromLayer(layer - 1, domain)!);
      const extra = Math.floor(rand() * 3);
      for (let k = 0; k < extra; k++) {
        const dep = fromLayer(Math.floor(rand() * layer), domain);
        if (dep) deps.push(dep);
      }
      if (dims.length > 0 && rand() < 0.1) deps.push(pick(dims));
    }
    layers[layer]![domain]!.push(id);
    if (layer <= 1 && dims.length < 6 && rand() < 0.2) dims.push(id);
    nodes.push(node(id, 'model', [...new Set(deps)]));
  }
  const all = nodes.map((n) => n.uniqueId);
  all.forEach((id, i) => {
    nodes.push(node(`test.syn.not_null_${i}`, 'test', [id]), node(`test.syn.unique_${i}`, 'test', [id]));
    if (i % 4 === 3) nodes.push(node(`test.syn.relationships_${i}`, 'test', [id, all[Math.floor(rand() * i)]!]));
  });
  return { name, graph: new DbtGraph(nodes) };
}

export interface Draw {
  name: string;
  seconds: (graph: DbtGraph) => Map<string, number>;
}

/** Seconds per schedulable node from `model(rand)`; tests take a fifth of a model's draw. */
function drawWith(name: string, seed: number, model: (rand: () => number) => number): Draw {
  return {
    name,
    seconds: (graph) => {
      const rand = mulberry32(seed);
      const out = new Map<string, number>();
      for (const id of [...graph.nodes.keys()].sort()) {
        const n = graph.get(id)!;
        if (!isSchedulable(n)) continue;
        const s = model(rand);
        out.set(id, n.resourceType === 'test' || n.resourceType === 'unit_test' ? s / 5 : s);
      }
      return out;
    },
  };
}

/** Log-normal, median e seconds, σ = 1.4: a few models take minutes, most a few seconds. */
export const logNormal = (seed: number): Draw =>
  drawWith(`lognormal#${seed}`, seed, (rand) =>
    Math.exp(1 + 1.4 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())),
  );

/** Pareto, α = 1.2 (heavier tail than log-normal: the largest node is often a tenth of the work), scale 1 s. */
export const pareto = (seed: number): Draw =>
  drawWith(`pareto#${seed}`, seed, (rand) => Math.min(3600, 1 / Math.pow(1 - rand(), 1 / 1.2)));
