/**
 * Shard folders for the merge tests: synthetic ones (deterministic, any size, for unit tests and
 * the bench) and real ones, produced by the real runner (runShard → dbt) on a copy of
 * examples/shop, split into shards by hand.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  EXECUTABLE_TYPES,
  isEnabled,
  isEphemeral,
  isTestLike,
  type Manifest,
  type ManifestNode,
} from '../../src/core/manifest/types.js';
import type { Plan } from '../../src/core/plan/schema.js';
import type { ShardInput } from '../../src/core/report/model.js';
import type { NodeResult, RunResults } from '../../src/core/report/run-results.js';
import type { ShardArtifact } from '../../src/core/report/shard-artifact.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { memoryLogger } from '../../src/shared/log.js';
import { copyExampleProject, DBT_BIN, runDbt } from './dbt.js';

export const T0 = Date.parse('2024-01-15T10:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

export const INTERVAL: ShardArtifact['interval'] = {
  start: '2024-01-15T00:00:00+00:00',
  end: '2024-01-16T00:00:00+00:00',
  overlap: false,
  source: 'trigger-date',
  timezone: 'UTC',
};

export function planOf(
  shards: Array<{ id: string; stage: number; nodes: string[]; estimatedSeconds?: number }>,
  finalTests: string[] = [],
): Plan {
  return {
    version: 1,
    createdAt: iso(T0),
    dbtVersion: '1.11.0',
    projectName: 'shop',
    selection: { select: [], exclude: [], selector: null, state: null },
    threads: 4,
    maxParallel: 8,
    connectionBudget: 40,
    stages: Math.max(0, ...shards.map((s) => s.stage)),
    shards: shards.map((s, index) => ({
      index,
      id: s.id,
      stage: s.stage,
      nodes: s.nodes,
      estimatedSeconds: s.estimatedSeconds ?? 10,
    })),
    finalTests,
    estimates: {
      sequentialSeconds: 100,
      makespanSeconds: 60,
      lowerBoundSeconds: 30,
      shardOverheadSeconds: 5,
      nodesWithHistory: 0,
      nodesEstimated: 0,
      assumption: 'test',
    },
  };
}

export function resultOf(
  uniqueId: string,
  status: string,
  seconds: number,
  startMs: number,
  extra: Partial<NodeResult> = {},
): NodeResult {
  return {
    status,
    timing: [
      { name: 'compile', started_at: iso(startMs), completed_at: iso(startMs + 10) },
      { name: 'execute', started_at: iso(startMs + 10), completed_at: iso(startMs + seconds * 1000) },
    ],
    thread_id: 'Thread-1',
    execution_time: seconds,
    adapter_response: {},
    message:
      status === 'fail'
        ? 'Got 1 result, configured to fail if != 0'
        : status === 'error'
          ? 'Runtime Error in model\n  boom | pipe'
          : 'OK',
    failures: status === 'fail' ? 1 : status === 'pass' ? 0 : null,
    unique_id: uniqueId,
    compiled: true,
    relation_name: null,
    batch_results: null,
    ...extra,
  };
}

export function runResultsOf(results: NodeResult[], invocationId: string, elapsed = 10): RunResults {
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: '1.11.0',
      generated_at: iso(T0),
      invocation_id: invocationId,
      invocation_started_at: iso(T0),
      env: {},
    },
    results,
    elapsed_time: elapsed,
    args: { which: 'build', select: ['x'], vars: { start_dttm: INTERVAL.start }, threads: 4 },
  };
}

export function artifactOf(
  id: string,
  stage: number,
  startMs: number,
  endMs: number,
  over: Partial<ShardArtifact> = {},
): ShardArtifact {
  return {
    version: 1,
    id,
    kind: id === 'final' ? 'final' : 'shard',
    stage,
    attempt: 1,
    interval: INTERVAL,
    vars: { start_dttm: INTERVAL.start, end_dttm: INTERVAL.end, overlap: false },
    command: ['dbt', 'build'],
    dbtVersion: '1.11.0',
    exitCode: 0,
    status: 'success',
    startedAt: iso(startMs),
    endedAt: iso(endMs),
    chunks: [
      {
        index: 0,
        start: INTERVAL.start,
        end: INTERVAL.end,
        vars: {},
        exitCode: 0,
        status: 'success',
        attempts: 1,
        startedAt: iso(startMs),
        endedAt: iso(endMs),
      },
    ],
    nodes: [],
    ...over,
  };
}

/**
 * `shards` shards × `perShard` results, stage = 1 + index % 2; every 97th node fails, every
 * 89th warns. Deterministic: the same arguments give the same inputs.
 */
export function syntheticShards(shards: number, perShard: number): { plan: Plan; inputs: ShardInput[] } {
  const planned: Array<{ id: string; stage: number; nodes: string[] }> = [];
  const inputs: ShardInput[] = [];
  for (let s = 0; s < shards; s++) {
    const id = `s${1 + (s % 2)}-${String(s).padStart(3, '0')}`;
    const stage = 1 + (s % 2);
    const start = T0 + stage * 60_000 + (s % 7) * 1000;
    const nodes: string[] = [];
    const results: NodeResult[] = [];
    for (let n = 0; n < perShard; n++) {
      const k = s * perShard + n;
      const isTest = n % 3 === 2;
      const uid = isTest ? `test.shop.not_null_m${k}_id` : `model.shop.m${k}`;
      const status = k % 97 === 0 ? (isTest ? 'fail' : 'error') : k % 89 === 0 ? 'warn' : isTest ? 'pass' : 'success';
      nodes.push(uid);
      results.push(resultOf(uid, status, ((k * 37) % 1000) / 100, start + n * 10));
    }
    planned.push({ id, stage, nodes });
    inputs.push({
      id,
      artifact: artifactOf(id, stage, start, start + 50_000 + (s % 5) * 1000, { nodes }),
      results: runResultsOf(results, `inv-${s}`),
      problems: [],
    });
  }
  return { plan: planOf(planned), inputs };
}

/** Writes one shard folder as the runner does: shard.json, run_results.json, dbt.log. */
export async function writeShardFolder(
  dir: string,
  id: string,
  files: { artifact?: ShardArtifact | string; results?: RunResults | string; log?: string },
): Promise<string> {
  const folder = path.join(dir, id);
  await fs.mkdir(folder, { recursive: true });
  const text = (v: unknown): string => (typeof v === 'string' ? v : `${JSON.stringify(v, null, 2)}\n`);
  if (files.artifact !== undefined) await fs.writeFile(path.join(folder, 'shard.json'), text(files.artifact));
  if (files.results !== undefined) await fs.writeFile(path.join(folder, 'run_results.json'), text(files.results));
  await fs.writeFile(path.join(folder, 'dbt.log'), files.log ?? '');
  return folder;
}

// ───────────────────────── real shard folders (real dbt on examples/shop) ─────────────────────────

export interface RealProject {
  projectDir: string;
  /** holds plan.json and manifest.json, as the planner leaves them */
  planDir: string;
  planFile: string;
  plan: Plan;
  manifest: Manifest;
  /** DuckDB file all shards share (they run one after another, stage by stage) */
  dbFile: string;
}

/**
 * Parses a fresh copy of the example project and splits its nodes into three DAG-safe shards
 * by hand: s1-00 everything but finance and inventory, s1-01 the independent inventory chain
 * (stage 1, side by side), s2-00 finance and everything downstream of it (stage 2). A test goes
 * where all its parents are; one whose parents span shards goes to finalTests.
 */
export async function prepareRealProject(): Promise<RealProject> {
  const projectDir = await copyExampleProject();
  const parsed = await runDbt(['parse', '--project-dir', projectDir, '--profiles-dir', projectDir], {
    cwd: projectDir,
  });
  if (parsed.code !== 0) throw new Error(`dbt parse failed:\n${parsed.stdout}\n${parsed.stderr}`);
  const planDir = path.join(projectDir, 'dbt-matrix-plan');
  await fs.mkdir(planDir, { recursive: true });
  const manifestFile = path.join(planDir, 'manifest.json');
  await fs.copyFile(path.join(projectDir, 'target', 'manifest.json'), manifestFile);
  const manifest = await readManifest(manifestFile);
  const plan = splitByHand(manifest);
  const planFile = path.join(planDir, 'plan.json');
  await fs.writeFile(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  return { projectDir, planDir, planFile, plan, manifest, dbFile: path.join(projectDir, 'shards.duckdb') };
}

function splitByHand(manifest: Manifest): Plan {
  const nodes = manifest.nodes;
  const work = [...nodes.values()].filter(
    (n) => EXECUTABLE_TYPES.has(n.resourceType) && isEnabled(n) && !isEphemeral(n) && n.packageName === 'shop',
  );
  const builds = work.filter((n) => !isTestLike(n));
  // Executable parents, looking through ephemeral models (compiled into their children).
  const parentsOf = (n: ManifestNode): string[] =>
    n.dependsOn.flatMap((id) => {
      const p = nodes.get(id);
      if (!p) return [];
      return isEphemeral(p) ? parentsOf(p) : EXECUTABLE_TYPES.has(p.resourceType) ? [id] : [];
    });
  const closure = (start: string[], next: (id: string) => string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...next(id));
    }
    return seen;
  };
  const children = new Map<string, string[]>();
  for (const n of builds) for (const p of parentsOf(n)) children.set(p, [...(children.get(p) ?? []), n.uniqueId]);
  const finance = closure(
    builds.filter((n) => n.tags.includes('finance')).map((n) => n.uniqueId),
    (id) => children.get(id) ?? [],
  );
  const inventory = closure(
    builds.filter((n) => n.tags.includes('inventory')).map((n) => n.uniqueId),
    (id) => parentsOf(nodes.get(id)!),
  );
  const groupOf = new Map<string, string>();
  for (const n of builds)
    groupOf.set(n.uniqueId, finance.has(n.uniqueId) ? 's2-00' : inventory.has(n.uniqueId) ? 's1-01' : 's1-00');
  for (const n of builds) {
    const g = groupOf.get(n.uniqueId)!;
    for (const p of parentsOf(n)) {
      const pg = groupOf.get(p)!;
      if (pg !== g && !(pg.startsWith('s1') && g.startsWith('s2')))
        throw new Error(`hand split is not DAG-safe: ${n.uniqueId} (${g}) needs ${p} (${pg})`);
    }
  }
  const groups: Record<string, string[]> = { 's1-00': [], 's1-01': [], 's2-00': [] };
  const finalTests: string[] = [];
  for (const n of work) {
    if (!isTestLike(n)) {
      groups[groupOf.get(n.uniqueId)!]!.push(n.uniqueId);
      continue;
    }
    const gs = new Set(parentsOf(n).map((p) => groupOf.get(p)));
    if (gs.size === 1 && !gs.has(undefined)) groups[[...gs][0]!]!.push(n.uniqueId);
    else finalTests.push(n.uniqueId);
  }
  return planOf(
    Object.entries(groups).map(([id, ids]) => ({
      id,
      stage: id.startsWith('s2') ? 2 : 1,
      nodes: ids.sort(),
      estimatedSeconds: ids.length,
    })),
    finalTests.sort(),
  );
}

/**
 * Runs shards of the plan with the real runner (runShard → a dbt subprocess) into `inDir`, in
 * stage order (they share one DuckDB file), the final tests last. `vars` reach dbt as --vars.
 */
export async function runRealShards(
  project: RealProject,
  inDir: string,
  opts: { only?: string[]; vars?: Record<string, unknown> } = {},
): Promise<void> {
  // Loaded here so the synthetic fixtures (unit tests, bench) do not pull in the runner.
  const { parseRunInputs } = await import('../../src/run/inputs.js');
  const { runShard } = await import('../../src/run/main.js');
  const work = [
    ...project.plan.shards.map((s) => ({ id: s.id, index: s.index })),
    ...(project.plan.finalTests.length > 0 ? [{ id: 'final', index: -1 }] : []),
  ];
  for (const w of work) {
    if (opts.only && !opts.only.includes(w.id)) continue;
    const inputs = parseRunInputs({
      plan: project.planFile,
      ...(w.index >= 0 ? { shard: String(w.index) } : { final: true }),
      'project-dir': project.projectDir,
      'profiles-dir': project.projectDir,
      'dbt-command': DBT_BIN,
      start: '2024-01-01T00:00:00+00:00',
      end: '2024-02-01T00:00:00+00:00',
      out: inDir,
      ...(opts.vars ? { vars: JSON.stringify(opts.vars) } : {}),
    });
    const log = memoryLogger();
    await runShard(inputs, {
      trigger: { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date('2024-01-15T12:00:00Z') },
      env: { ...process.env, DBT_DUCKDB_PATH: project.dbFile, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' },
      attempt: 1,
      now: () => new Date(),
      log,
      handleProcessSignals: false,
    });
  }
}
