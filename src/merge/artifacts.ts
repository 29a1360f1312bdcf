import { promises as fs } from 'node:fs';
import { childDir } from '../io/out-dir.js';
import { SHARD_ARTIFACT_PATTERN } from '../shared/artifact-names.js';

/** Where shard artifacts come from: this run's artifact store (GitHub), or a fake in tests. */
export interface ArtifactSource {
  list(): Promise<Array<{ name: string; id: number }>>;
  /** extracts the artifact's files into `dir` */
  download(id: number, dir: string): Promise<void>;
}

export { REPORT_ARTIFACT_NAME, shardArtifactName } from '../shared/artifact-names.js';

export interface ChosenArtifact {
  shardId: string;
  attempt: number;
  name: string;
  id: number;
}

/** Per shard id the latest attempt wins: a re-run job's upload replaces the failed one's. */
export function latestShardArtifacts(artifacts: ReadonlyArray<{ name: string; id: number }>): ChosenArtifact[] {
  const best = new Map<string, ChosenArtifact>();
  for (const a of artifacts) {
    const m = SHARD_ARTIFACT_PATTERN.exec(a.name);
    if (!m) continue;
    const chosen = { shardId: m[1]!, attempt: Number(m[2]), name: a.name, id: a.id };
    const seen = best.get(chosen.shardId);
    if (!seen || chosen.attempt > seen.attempt || (chosen.attempt === seen.attempt && chosen.id > seen.id))
      best.set(chosen.shardId, chosen);
  }
  return [...best.values()].sort((a, b) => (a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0));
}

/**
 * Downloads the latest attempt of every shard artifact into `dir/<shard id>/`. A folder that
 * already exists is replaced, so a stale copy never mixes with the downloaded one.
 */
export async function downloadShardArtifacts(source: ArtifactSource, dir: string): Promise<ChosenArtifact[]> {
  const chosen = latestShardArtifacts(await source.list());
  await fs.mkdir(dir, { recursive: true });
  for (const a of chosen) {
    const target = childDir(dir, a.shardId, 'shard artifact'); // a name from the store never reaches outside --in
    await fs.rm(target, { recursive: true, force: true });
    await fs.mkdir(target, { recursive: true });
    await source.download(a.id, target);
  }
  return chosen;
}
