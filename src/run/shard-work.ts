import path from 'node:path';
import { UserError } from '../core/errors.js';
import { microbatchModels, type MicrobatchModel } from '../core/interval/index.js';
import type { ShardArtifact } from '../core/report/shard-artifact.js';
import { readManifest } from '../io/manifest-reader.js';
import { isPassing } from '../io/run-results.js';
import type { ChunkRun } from './chunk-runner.js';
import { countStatuses } from './combine-results.js';
import type { SelectionArgs } from './dbt-args.js';
import type { RunInputs } from './inputs.js';
import { buildSelection, selectorsYaml } from './selection.js';
import { prepareSelectorProject } from './selector-project.js';

/** The manifest the plan was made from; the planner copies it beside plan.json. */
export const PLAN_MANIFEST_FILE = 'manifest.json';

export interface PreparedSelection {
  args: SelectionArgs;
  /** the project folder dbt runs on (a view with our selectors.yml for long lists) */
  projectDir: string;
  note: string | null;
  /** the shard's microbatch models (their window is passed as event-time flags) */
  microbatch: MicrobatchModel[];
}

/**
 * Turns the shard's unique ids into a dbt selection (see selection.ts). Up to
 * `selectorThreshold` nodes go as `--select` arguments; longer lists as a YAML selector in a
 * view of the project, which keeps the command line short (OS argument limits) and readable.
 */
export async function prepareSelection(
  nodes: readonly string[],
  inputs: RunInputs,
  workDir: string,
  warn: (message: string) => void,
): Promise<PreparedSelection> {
  const manifestFile = path.join(path.dirname(path.resolve(inputs.plan)), PLAN_MANIFEST_FILE);
  let manifest;
  try {
    manifest = await readManifest(manifestFile, { warn });
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${err.message.replace(/^--manifest:/, '--plan:')} (the planner writes it beside plan.json)`);
    throw err;
  }
  const { criteria, excluded, selection } = buildSelection(nodes, manifest.nodes, manifestFile);
  const projectDir = path.resolve(inputs.projectDir);
  const microbatch = microbatchModels(nodes.flatMap((id) => manifest.nodes.get(id) ?? []));
  const caught = excluded.length > 0 ? `; excluding ${excluded.length} node(s) dbt's fqn matching would also catch` : '';
  if (nodes.length <= inputs.selectorThreshold) {
    return { args: { kind: 'select', selection }, projectDir, note: caught ? `selection by fqn${caught}` : null, microbatch };
  }
  const view = await prepareSelectorProject(projectDir, path.join(workDir, 'project'), selectorsYaml(criteria, excluded));
  return { args: { kind: 'selector' }, projectDir: view, note: `${nodes.length} nodes: selecting with a YAML selector in ${view}${caught}`, microbatch };
}

/** The shard's status: the first chunk that did not succeed decides. */
export function shardStatus(runs: readonly ChunkRun[]): ShardArtifact['status'] {
  for (const r of runs) {
    if (r.status === 'timeout' || r.status === 'cancelled' || r.status === 'error') return r.status;
  }
  return 'success';
}

/** Exit codes: 0 success; dbt's own code (or 1) on failures; 124 on timeout and 130 on cancellation, as shells do. */
export function exitCodeFor(status: ShardArtifact['status'], runs: readonly ChunkRun[]): number {
  switch (status) {
    case 'success':
      return 0;
    case 'timeout':
      return 124;
    case 'cancelled':
      return 130;
    case 'error': {
      const code = runs.find((r) => r.status === 'error')?.exitCode;
      return code !== null && code !== undefined && code !== 0 ? code : 1;
    }
  }
}

/** One line per chunk: status, node counts by status, time, attempts. */
export function chunkSummary(title: string, run: ChunkRun): string {
  const latest = new Map<string, string>();
  for (const a of run.results) for (const r of a.results.results) latest.set(r.unique_id, r.status);
  const counts = countStatuses([...latest].map(([unique_id, status]) => ({ unique_id, status })));
  const failed = [...latest.values()].filter((s) => !isPassing(s)).length;
  const countText = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ') || 'no results';
  const seconds = run.startedAt && run.endedAt ? ` in ${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s` : '';
  const attempts = `${run.attempts} attempt${run.attempts === 1 ? '' : 's'}`;
  return `${title}: ${run.status.toUpperCase()} — ${countText}${failed > 0 ? ` (${failed} not passed)` : ''}${seconds}, ${attempts}`;
}
