import { DateTime } from 'luxon';
import { UserError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import type { Chunk, ResolvedInterval } from './types.js';

/**
 * Microbatch models (dbt 1.9+, `incremental_strategy: microbatch`) take their window from
 * `--event-time-start/--event-time-end`, not from vars; without them a first run builds every batch
 * from `begin` to now. dbt cuts the window into batches of `batch_size` in UTC, rounding the start
 * down and the end up. Here the run's interval becomes those flags: the whole window rounded the
 * way dbt would, and each chunk's part cut at batch boundaries, so two chunks never write the
 * same batch. With models of several batch sizes in one shard, the coarsest one rules (its
 * boundaries are boundaries of the finer ones too).
 */
export const BATCH_SIZES = ['hour', 'day', 'month', 'year'] as const;
export type BatchSize = (typeof BATCH_SIZES)[number];

export interface MicrobatchModel {
  uniqueId: string;
  batchSize: BatchSize;
}

/** An event-time window as dbt's flags take it: naive UTC, `2024-01-05T00:00:00`. */
export interface EventTimeWindow {
  start: string;
  end: string;
}

export interface EventTimePlan {
  /** one window per chunk, in chunk order */
  windows: EventTimeWindow[];
  /** said when the interval is not on batch boundaries (dbt widens it) */
  note: string | null;
}

export function microbatchModels(
  nodes: Iterable<Pick<ManifestNode, 'uniqueId' | 'resourceType' | 'config'>>,
): MicrobatchModel[] {
  const out: MicrobatchModel[] = [];
  for (const n of nodes) {
    if (n.resourceType !== 'model' || n.config['incremental_strategy'] !== 'microbatch') continue;
    const size = String(n.config['batch_size'] ?? '').toLowerCase();
    if (!(BATCH_SIZES as readonly string[]).includes(size)) {
      throw new UserError(
        `${n.uniqueId}: a microbatch model with batch_size ${JSON.stringify(n.config['batch_size'] ?? null)}; expected one of ${BATCH_SIZES.join(', ')}`,
      );
    }
    out.push({ uniqueId: n.uniqueId, batchSize: size as BatchSize });
  }
  return out;
}

/** The flags for each chunk; null when the shard holds no microbatch model. */
export function eventTimePlan(
  interval: Pick<ResolvedInterval, 'start' | 'end'>,
  chunks: readonly Chunk[],
  models: readonly MicrobatchModel[],
): EventTimePlan | null {
  if (models.length === 0) return null;
  const size = BATCH_SIZES[Math.max(...models.map((m) => BATCH_SIZES.indexOf(m.batchSize)))]!;
  const utc = (iso: string): DateTime => DateTime.fromISO(iso, { setZone: true }).toUTC();
  const floor = (t: DateTime): DateTime => t.startOf(size);
  const ceil = (t: DateTime): DateTime => (floor(t).equals(t) ? t : floor(t).plus({ [size]: 1 }));
  const start = utc(interval.start);
  const end = utc(interval.end);
  // inner chunk boundaries move down to a batch boundary; the ends are rounded as dbt would
  const bounds = [floor(start), ...chunks.slice(1).map((c) => floor(utc(c.start))), ceil(end)];
  const windows: EventTimeWindow[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const [a, b] = [bounds[i]!, bounds[i + 1]!];
    if (b <= a) {
      const model = models.find((m) => m.batchSize === size)!;
      throw new UserError(
        `--chunk: chunk ${i + 1} [${chunks[i]!.start}, ${chunks[i]!.end}) holds no whole ${size} batch of microbatch model ${model.uniqueId} (batch_size ${size}); ` +
          `expected chunks of at least one ${size}: use a coarser --chunk, or none`,
      );
    }
    windows.push({ start: flag(a), end: flag(b) });
  }
  const aligned =
    floor(start).equals(start) &&
    ceil(end).equals(end) &&
    chunks.every((c) => floor(utc(c.start)).equals(utc(c.start)));
  const note = aligned
    ? null
    : `microbatch: the interval [${interval.start}, ${interval.end}) is not on ${size} batch boundaries (UTC); microbatch models build the whole batches [${flag(bounds[0]!)}, ${flag(bounds.at(-1)!)}) UTC` +
      (chunks.length > 1 ? ', each chunk from the batch holding its start' : '');
  return { windows, note };
}

function flag(t: DateTime): string {
  return t.toFormat("yyyy-MM-dd'T'HH:mm:ss");
}
