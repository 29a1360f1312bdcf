import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventTimePlan,
  microbatchModels,
  resolveInterval,
  splitChunks,
  type MicrobatchModel,
} from '../../src/core/interval/index.js';

const trigger = { eventName: null, schedule: null, dispatchInputs: {}, triggerTime: new Date('2024-03-01T00:00:00Z') };
const interval = (start: string, end: string, timezone = 'UTC') =>
  resolveInterval({ start, end, timezone, maxIntervalDays: 400 }, trigger);
const day: MicrobatchModel[] = [{ uniqueId: 'model.shop.daily', batchSize: 'day' }];

describe('microbatch models', () => {
  it('are the models with incremental_strategy microbatch, with their batch_size', () => {
    const nodes = [
      { uniqueId: 'model.a', resourceType: 'model', config: { incremental_strategy: 'microbatch', batch_size: 'Day' } },
      { uniqueId: 'model.b', resourceType: 'model', config: { incremental_strategy: 'interval' } },
      { uniqueId: 'test.c', resourceType: 'test', config: { incremental_strategy: 'microbatch' } },
    ];
    expect(microbatchModels(nodes)).toEqual([{ uniqueId: 'model.a', batchSize: 'day' }]);
    expect(() =>
      microbatchModels([
        {
          uniqueId: 'model.x',
          resourceType: 'model',
          config: { incremental_strategy: 'microbatch', batch_size: 'week' },
        },
      ]),
    ).toThrow(/^model\.x: a microbatch model with batch_size "week"; expected one of hour, day, month, year$/);
  });

  it('get the interval as naive UTC event-time flags, with nothing to say when it is aligned', () => {
    const i = interval('2024-01-05', '2024-01-25');
    expect(eventTimePlan(i, splitChunks(i, 'none'), day)).toEqual({
      windows: [{ start: '2024-01-05T00:00:00', end: '2024-01-25T00:00:00' }],
      note: null,
    });
    expect(eventTimePlan(i, splitChunks(i, 'none'), [])).toBeNull();
  });

  it('round the interval to whole batches as dbt does, and say so', () => {
    const i = interval('2024-01-05T06:00:00+00:00', '2024-01-07T12:00:00+00:00');
    const p = eventTimePlan(i, splitChunks(i, 'none'), day)!;
    expect(p.windows).toEqual([{ start: '2024-01-05T00:00:00', end: '2024-01-08T00:00:00' }]);
    expect(p.note).toMatch(
      /not on day batch boundaries \(UTC\); microbatch models build the whole batches \[2024-01-05T00:00:00, 2024-01-08T00:00:00\) UTC/,
    );
  });

  it('cut chunks at batch boundaries so two chunks never write one batch (days in Berlin, batches in UTC)', () => {
    const i = interval('2024-01-05', '2024-01-08', 'Europe/Berlin');
    const p = eventTimePlan(i, splitChunks(i, 'day'), day)!;
    expect(p.windows).toEqual([
      { start: '2024-01-04T00:00:00', end: '2024-01-05T00:00:00' },
      { start: '2024-01-05T00:00:00', end: '2024-01-06T00:00:00' },
      { start: '2024-01-06T00:00:00', end: '2024-01-08T00:00:00' },
    ]);
    expect(p.note).toMatch(/each chunk from the batch holding its start/);
  });

  it('follow the coarsest batch size of the shard', () => {
    const i = interval('2024-01-10', '2024-03-10');
    const p = eventTimePlan(i, splitChunks(i, 'month'), [
      ...day,
      { uniqueId: 'model.shop.monthly', batchSize: 'month' },
    ])!;
    expect(p.windows).toEqual([
      { start: '2024-01-01T00:00:00', end: '2024-02-01T00:00:00' },
      { start: '2024-02-01T00:00:00', end: '2024-03-01T00:00:00' },
      { start: '2024-03-01T00:00:00', end: '2024-04-01T00:00:00' },
    ]);
  });

  it('refuse chunks smaller than a batch, naming the model and what to use instead', () => {
    const i = interval('2024-01-05', '2024-01-06');
    expect(() => eventTimePlan(i, splitChunks(i, 'hour'), day)).toThrow(
      /^--chunk: chunk 1 .* holds no whole day batch of microbatch model model\.shop\.daily .*use a coarser --chunk, or none$/,
    );
  });

  it('always tile [floor(start), ceil(end)) with consecutive, non-empty windows (any zone, any chunking)', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * 24 * 90 }),
        fc.integer({ min: 60, max: 60 * 24 * 60 }),
        fc.constantFrom(...zones),
        fc.constantFrom('none' as const, 'day' as const, 'week' as const, 'month' as const),
        fc.constantFrom('hour' as const, 'day' as const),
        (offsetMin, lengthMin, zone, unit, size) => {
          const start = new Date(Date.UTC(2024, 0, 1) + offsetMin * 60_000);
          const end = new Date(start.getTime() + lengthMin * 60_000);
          const i = interval(
            start.toISOString().replace(/\.\d+Z$/, '+00:00'),
            end.toISOString().replace(/\.\d+Z$/, '+00:00'),
            zone,
          );
          const chunks = splitChunks(i, unit);
          let p;
          try {
            p = eventTimePlan(i, chunks, [{ uniqueId: 'model.m', batchSize: size }])!;
          } catch {
            return; // a chunk holds no whole batch: refused, which the test above covers
          }
          expect(p.windows).toHaveLength(chunks.length);
          for (let k = 0; k < p.windows.length; k++) {
            expect(p.windows[k]!.start < p.windows[k]!.end).toBe(true);
            if (k > 0) expect(p.windows[k]!.start).toBe(p.windows[k - 1]!.end);
          }
          const floorMs = size === 'hour' ? 3_600_000 : 86_400_000;
          const first = Date.parse(`${p.windows[0]!.start}Z`);
          const last = Date.parse(`${p.windows.at(-1)!.end}Z`);
          expect(first).toBe(Math.floor(start.getTime() / floorMs) * floorMs);
          expect(last).toBe(Math.ceil(end.getTime() / floorMs) * floorMs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
