import { describe, expect, it } from 'vitest';
import { parseResultLine, Progress } from '../../src/local/progress.js';

describe('parseResultLine', () => {
  it("counts dbt's result lines, not its START lines or anything else", () => {
    expect(parseResultLine('23:01:02  3 of 14 OK created sql table model main.fct_orders ... [OK in 0.11s]')).toEqual({
      index: 3,
      total: 14,
    });
    expect(
      parseResultLine('\u001b[0m23:01:02  12 of 14 \u001b[31mERROR\u001b[0m creating sql view model main.x'),
    ).toEqual({ index: 12, total: 14 });
    expect(parseResultLine('23:01:02  5 of 14 PASS not_null_orders_id ..... [PASS in 0.02s]')).toEqual({
      index: 5,
      total: 14,
    });
    expect(parseResultLine('23:01:02  6 of 14 FAIL 1 assert_x ..... [FAIL 1 in 0.02s]')).toEqual({
      index: 6,
      total: 14,
    });
    expect(parseResultLine('23:01:02  7 of 14 SKIP relation main.y')).toEqual({ index: 7, total: 14 });
    expect(parseResultLine('23:01:02  3 of 14 START sql table model main.fct_orders ..... [RUN]')).toBeNull();
    expect(parseResultLine('23:01:02  Finished running 14 table models in 0 hours')).toBeNull();
    expect(parseResultLine('[dbt-matrix] shard s1-01: 14 nodes')).toBeNull();
  });
});

function fakeClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('Progress without a terminal', () => {
  it('prints one plain line per shard state change, with nodes done and elapsed', () => {
    const out: string[] = [];
    const clock = fakeClock();
    const p = new Progress({ write: (s: string) => out.push(s) }, clock.now);
    p.addShard('s1-01', 1, 2);
    p.addShard('s1-02', 1, 1);
    p.stage('stage 1 of 1');
    p.start('s1-01');
    p.dbtLine('s1-01', '00:00:01  1 of 2 START sql view model main.a');
    p.dbtLine('s1-01', '00:00:01  1 of 2 OK created sql view model main.a');
    p.dbtLine('s1-01', '00:00:02  2 of 2 PASS not_null_a_id');
    clock.advance(2500);
    p.finish('s1-01', 'passed');
    p.finish('s1-02', 'not run');
    p.close();
    expect(out).toEqual([
      '[   0.0s] stage 1 of 1\n',
      '[   0.0s] ▶ s1-01    running   0/2 nodes       0.0s\n',
      '[   2.5s] ✔ s1-01    passed    2/2 nodes       2.5s\n',
      '[   2.5s] - s1-02    not run   0/1 nodes\n',
    ]);
  });

  it('scales the total by the chunk count runShard announces', () => {
    const out: string[] = [];
    const p = new Progress({ write: (s: string) => out.push(s) }, () => 0);
    p.addShard('s1-01', 1, 2);
    p.start('s1-01');
    p.chunk('s1-01', 'chunk 1/3 [2024-01-01T00:00:00+00:00, 2024-01-02T00:00:00+00:00)');
    for (let i = 0; i < 7; i++) p.dbtLine('s1-01', `00:00:01  1 of 2 OK created sql view model main.a`);
    expect(p.get('s1-01')).toMatchObject({ chunks: 3, done: 6 });
  });
});

describe('Progress on a terminal', () => {
  it('redraws one block in place: cursor up over the old block, then the new one', async () => {
    const out: string[] = [];
    const p = new Progress({ write: (s: string) => out.push(s), isTTY: true, columns: 80, rows: 20 }, Date.now, 0);
    p.addShard('s1-01', 1, 3);
    p.addShard('s1-02', 1, 3);
    p.stage('stage 1 of 1');
    p.start('s1-01');
    await new Promise((r) => setTimeout(r, 10));
    p.dbtLine('s1-01', '00:00:01  1 of 3 OK created sql view model main.a');
    await new Promise((r) => setTimeout(r, 10));
    p.message('a note');
    p.close();
    const text = out.join('');
    expect(text).toContain('▶ s1-01    running   1/3 nodes');
    expect(text).toContain('· s1-02    queued    0/3 nodes');
    // each redraw first moves up over the previous block (header + 2 rows) and clears it
    expect(text).toContain('\u001b[3A\u001b[J');
    expect(text).toContain('a note\n');
    expect(text).not.toMatch(/[^\n]{80,}/);
  });
});
