import { describe, expect, it } from 'vitest';
import { hookEnv } from '../../src/run/hook-env.js';

const shard = (index: number, stage: number) => ({
  index,
  id: `s${stage}-0${index}`,
  stage,
  nodes: ['model.a'],
  estimatedSeconds: 1,
});
const plan = { stages: 2, shards: [shard(0, 1), shard(1, 1), shard(2, 2), shard(3, 2)], finalTests: [] as string[] };
const work = (s: { id: string; stage: number }, kind: 'shard' | 'final' = 'shard') => ({
  id: s.id,
  stage: s.stage,
  kind,
});

describe('hook environment variables', () => {
  it('name the shard, stage and chunk', () => {
    expect(hookEnv(plan, work(plan.shards[1]!), 0, 3)).toEqual({
      DBT_MATRIX_SHARD: 's1-01',
      DBT_MATRIX_STAGE: '1',
      DBT_MATRIX_CHUNK: '1',
      DBT_MATRIX_CHUNKS: '3',
      DBT_MATRIX_LAST_INVOCATION: 'false',
    });
  });

  it("mark exactly one invocation of the run as the last: the last chunk of the last stage's highest shard", () => {
    const last = (p: typeof plan) => {
      const all = [
        ...p.shards.map((s) => work(s)),
        ...(p.finalTests.length > 0 ? [work({ id: 'final', stage: p.stages + 1 }, 'final')] : []),
      ];
      return all
        .flatMap((w) => [0, 1].map((c) => ({ w: w.id, c, last: hookEnv(p, w, c, 2)['DBT_MATRIX_LAST_INVOCATION'] })))
        .filter((x) => x.last === 'true');
    };
    expect(last(plan)).toEqual([{ w: 's2-03', c: 1, last: 'true' }]);
    // final tests run after everything: they are the last
    expect(last({ ...plan, finalTests: ['test.x'] })).toEqual([{ w: 'final', c: 1, last: 'true' }]);
  });
});
