import type { ShardArtifact } from '../core/report/shard-artifact.js';
import { isPassing } from '../io/run-results.js';
import type { ChunkRun } from './chunk-runner.js';
import { countStatuses } from './combine-results.js';

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
  const countText =
    Object.entries(counts)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ') || 'no results';
  const seconds =
    run.startedAt && run.endedAt
      ? ` in ${((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)}s`
      : '';
  const attempts = `${run.attempts} attempt${run.attempts === 1 ? '' : 's'}`;
  return `${title}: ${run.status.toUpperCase()} — ${countText}${failed > 0 ? ` (${failed} not passed)` : ''}${seconds}, ${attempts}`;
}
