import type { Chunk } from '../core/interval/index.js';
import type { ChunkRecord, ShardArtifact } from '../core/report/shard-artifact.js';
import { SHARD_ARTIFACT_VERSION } from '../core/report/shard-artifact.js';
import { planIdentity } from '../io/folders/index.js';
import type { ChunkRun } from './chunk-runner.js';
import type { PreparedShard } from './job.js';
import { exitCodeFor, shardStatus } from './shard-work.js';

/** What the chunk loop leaves behind. */
export interface ChunksRan {
  /** one per chunk, in chunk order */
  runs: ChunkRun[];
  /** the first dbt command line, unredacted */
  command: string[];
}

/** How the shard ended, beside its chunks. */
export interface ShardEnd {
  attempt: number;
  endedAt: Date;
  /** dbt's reason for parsing the project again, per chunk index */
  reparsed: ReadonlyMap<number, string>;
  /** the plan's parse was put in place for dbt */
  parseOffered: boolean;
}

/** shard.json's content (before redaction of its files): what ran, how it ended, and why. */
export function shardArtifact(p: PreparedShard, ran: ChunksRan, end: ShardEnd): ShardArtifact {
  const { plan, work, skipped, interval, chunks, varsFor, redact, startedAt } = p;
  const { runs } = ran;
  const { reparsed } = end;
  const status = shardStatus(runs);
  return {
    version: SHARD_ARTIFACT_VERSION,
    id: work.id,
    kind: work.kind,
    stage: work.stage,
    attempt: end.attempt,
    interval: {
      start: interval.start,
      end: interval.end,
      overlap: interval.overlap,
      source: interval.source,
      timezone: interval.timezone,
    },
    vars: varsFor({ index: 0, start: interval.start, end: interval.end }),
    command: ran.command.map((a) => redact(a)),
    dbtVersion: runs.find((r) => r.dbtVersion !== null)?.dbtVersion ?? null,
    exitCode: exitCodeFor(status, runs),
    status,
    startedAt: startedAt.toISOString(),
    endedAt: end.endedAt.toISOString(),
    chunks: chunks.map((c, i) => chunkRecord(c, runs[i], varsFor(c), reparsed.get(c.index) ?? null)),
    nodes: work.nodes,
    plan: planIdentity(plan),
    ...(skipped.length > 0 ? { skipped } : {}),
    // the plan's parse was offered: dbt parsing again anyway is worth a warning in the report
    reparsed: end.parseOffered ? (reparsed.get(0) ?? null) : null,
  };
}

function chunkRecord(
  chunk: Chunk,
  run: ChunkRun | undefined,
  vars: Record<string, unknown>,
  reparsed: string | null,
): ChunkRecord {
  return {
    index: chunk.index,
    start: chunk.start,
    end: chunk.end,
    vars,
    exitCode: run?.exitCode ?? null,
    status: run?.status ?? 'skipped',
    attempts: run?.attempts ?? 0,
    startedAt: run?.startedAt ?? null,
    endedAt: run?.endedAt ?? null,
    reparsed,
  };
}
