import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { buildAnnotations, emitAnnotations, repoPath, type Annotator } from '../../src/core/report/annotations.js';
import { escapeTaskName, renderGantt } from '../../src/core/report/gantt.js';
import { renderJunit } from '../../src/core/report/junit.js';
import { mergeShardResults } from '../../src/core/report/merge.js';
import type { MergedReport, ShardInput } from '../../src/core/report/model.js';
import { renderComment, renderSummary } from '../../src/core/report/summary.js';
import { runStatus } from '../../src/core/report/totals.js';
import { artifactOf, planOf, resultOf, runResultsOf, T0 } from '../helpers/shard-fixtures.js';

const FILES: Record<string, string> = {
  'seed.shop.orders': 'seeds/orders.csv',
  'model.shop.stg_orders': 'models/staging/stg_orders.sql',
  'model.shop.fct_orders': 'models/sales/fct_orders.sql',
  'test.shop.not_null_fct_orders_id': 'models/sales/sales.yml',
  'model.shop.fin_kpis': 'models/finance/fin_kpis.sql',
  'test.shop.assert_fail_when_requested': 'tests/assert_fail_when_requested.sql',
  'test.shop.relationships_x': 'models/sales/sales.yml',
};
const fileOf = (id: string): string | null => FILES[id] ?? null;

/** Two stages, a final job, a missing shard, and every kind of outcome the summary shows. */
function fixture(): MergedReport {
  const plan = planOf(
    [
      {
        id: 's1-00',
        stage: 1,
        nodes: [
          'seed.shop.orders',
          'model.shop.stg_orders',
          'model.shop.fct_orders',
          'test.shop.not_null_fct_orders_id',
        ],
        estimatedSeconds: 40,
      },
      { id: 's1-01', stage: 1, nodes: ['model.shop.inv_a', 'model.shop.inv_b'], estimatedSeconds: 20 },
      {
        id: 's2-00',
        stage: 2,
        nodes: ['model.shop.fin_kpis', 'test.shop.assert_fail_when_requested', 'model.shop.after_error'],
        estimatedSeconds: 15,
      },
    ],
    ['test.shop.relationships_x'],
  );
  const shards: ShardInput[] = [
    {
      id: 's1-00',
      artifact: artifactOf('s1-00', 1, T0, T0 + 42_000),
      results: runResultsOf(
        [
          resultOf('seed.shop.orders', 'success', 1.25, T0 + 1000),
          resultOf('model.shop.stg_orders', 'success', 0.5, T0 + 3000),
          resultOf('model.shop.fct_orders', 'error', 12.5, T0 + 4000, {
            message: 'Database Error in model fct_orders (models/sales/fct_orders.sql)\n  column "x" | does not exist',
          }),
          resultOf('test.shop.not_null_fct_orders_id', 'skipped', 0, T0 + 20000, { message: null }),
        ],
        'inv-s1-00',
      ),
      problems: [],
    },
    {
      id: 's2-00',
      artifact: artifactOf('s2-00', 2, T0 + 45_000, T0 + 75_000, { attempt: 2, exitCode: 1, status: 'error' }),
      results: runResultsOf(
        [
          resultOf('model.shop.fin_kpis', 'success', 3, T0 + 46_000),
          resultOf('test.shop.assert_fail_when_requested', 'fail', 0.75, T0 + 50_000),
          resultOf('model.shop.after_error', 'warn', 0.1, T0 + 51_000, {
            message: 'Got 3 results, configured to warn if != 0',
          }),
        ],
        'inv-s2-00',
      ),
      problems: [],
    },
    {
      id: 'final',
      artifact: artifactOf('final', 3, T0 + 80_000, T0 + 90_000),
      results: runResultsOf([resultOf('test.shop.relationships_x', 'pass', 0.4, T0 + 81_000)], 'inv-final'),
      problems: [],
    },
  ];
  return mergeShardResults({ plan, shards, generatedAt: '2024-01-15T11:00:00.000Z', invocationId: 'merged' });
}

/**
 * A structural check of Mermaid gantt syntax (no mermaid package here): the header, the
 * directives, sections, and task lines `name :tags, id, start, duration` with unique ids.
 */
function checkGantt(text: string): {
  sections: string[];
  tasks: Array<{ name: string; tags: string[]; id: string; start: number; seconds: number }>;
} {
  const lines = text.split('\n');
  expect(lines[0]).toBe('gantt');
  const sections: string[] = [];
  const tasks: Array<{ name: string; tags: string[]; id: string; start: number; seconds: number }> = [];
  let dateFormat: string | null = null;
  for (const line of lines.slice(1)) {
    const t = line.trim();
    if (t === '') continue;
    let m: RegExpExecArray | null;
    if (/^title\s+([^:\n]+)$/.test(t)) continue;
    if ((m = /^dateFormat\s+(\S+)$/.exec(t))) {
      dateFormat = m[1]!;
      continue;
    }
    if (/^axisFormat\s+(%[a-zA-Z][^\n]*)$/.test(t)) continue;
    if ((m = /^section\s+([^:\n#;]+)$/.exec(t))) {
      sections.push(m[1]!);
      continue;
    }
    m = /^([^:#;%\n]+?)\s*:((?:(?:done|crit|active|milestone),\s*)*)([A-Za-z_][A-Za-z0-9_]*),\s*(\d+),\s*(\d+)s$/.exec(
      t,
    );
    expect(m, `not a gantt task line: ${JSON.stringify(t)}`).not.toBeNull();
    expect(sections.length, 'a task before any section').toBeGreaterThan(0);
    tasks.push({
      name: m![1]!,
      tags: m![2]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      id: m![3]!,
      start: Number(m![4]),
      seconds: Number(m![5]),
    });
  }
  expect(dateFormat).toBe('x');
  expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
  return { sections, tasks };
}

describe('summary.md', () => {
  it('renders totals, interval, failures with files, shards, timeline and slowest nodes (snapshot)', () => {
    const report = fixture();
    const md = renderSummary(report, { status: runStatus(report), fileOf, slowest: 5 });
    expect(md).toMatchSnapshot();
    expect(md).toContain('models/sales/fct_orders.sql');
    expect(md).toContain('tests/assert_fail_when_requested.sql');
    expect(md).toContain('`s1-01`');
    expect(md).toContain('planned 1m 00s, actual 1m 30s (+50%)');
  });

  it('is deterministic', () => {
    const a = renderSummary(fixture(), { status: 'failure', fileOf });
    const b = renderSummary(fixture(), { status: 'failure', fileOf });
    expect(a).toBe(b);
  });

  it('writes a PR comment with the marker, headline, failures and the run link', () => {
    const report = fixture();
    const body = renderComment(report, {
      status: runStatus(report),
      fileOf,
      marker: '<!-- dbt-matrix:CI -->',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(body.startsWith('<!-- dbt-matrix:CI -->\n')).toBe(true);
    expect(body).toContain(
      '## dbt-matrix: ❌ failed — 4 passed · 2 failed · 1 warned · 1 skipped · 1 shard failed or missing',
    );
    expect(body).toContain('[Full report](https://github.com/o/r/actions/runs/1)');
    expect(body).not.toContain('mermaid');
  });
});

describe('Mermaid gantt', () => {
  it('is valid gantt syntax: a section per stage, a task per timed shard, failures marked crit', () => {
    const chart = renderGantt(fixture().shards)!;
    const { sections, tasks } = checkGantt(chart);
    expect(sections).toEqual(['Stage 1', 'Stage 2', 'Final tests']);
    expect(tasks.map((t) => t.id)).toEqual(['t_s1_00', 't_s2_00', 't_final']);
    expect(tasks[0]).toMatchObject({ start: T0, seconds: 42, tags: ['crit', 'done'] });
    expect(tasks[2]).toMatchObject({ tags: ['done'], seconds: 10 });
  });

  it('escapes characters that end or comment out a task name, and keeps ids unique', () => {
    expect(escapeTaskName('a: b; c # d %% e')).toBe('a b c d e');
    const base = fixture().shards[0]!;
    const rows = [
      { ...base, id: 'a.b', reportedNodes: 1 },
      { ...base, id: 'a-b', reportedNodes: 1 },
    ];
    const { tasks } = checkGantt(renderGantt(rows)!);
    expect(tasks.map((t) => t.id)).toEqual(['t_a_b', 't_a_b_2']);
  });

  it('is absent when no shard has times', () => {
    expect(renderGantt([])).toBeNull();
  });
});

describe('junit.xml', () => {
  it('has a suite per shard and a case per node, with failures, errors and skips counted', () => {
    const xml = renderJunit(fixture(), fileOf);
    const doc = create(xml).end({ format: 'object' }) as {
      testsuites: Record<string, unknown> & { testsuite: Array<Record<string, unknown>> };
    };
    const root = doc.testsuites;
    expect(root).toMatchObject({ '@tests': '9', '@failures': '1', '@errors': '2', '@skipped': '1' });
    expect(root.testsuite.map((s) => s['@name'])).toEqual(['s1-00', 's1-01', 's2-00', 'final']);
    expect(xml).toContain('<failure message="Got 1 result, configured to fail if != 0" type="fail">');
    expect(xml).toContain('file="models/sales/fct_orders.sql"');
    const cases = root.testsuite.flatMap((s: Record<string, unknown>) => [s['testcase']].flat()) as Array<
      Record<string, { '#'?: string }>
    >;
    const fct = cases.find((c) => (c['@name'] as unknown) === 'model.shop.fct_orders');
    expect(fct?.['error']?.['#']).toContain('column "x" | does not exist');
    expect(root.testsuite[1]).toMatchObject({ '@errors': '1', testcase: { '@name': 'shard s1-01' } });
  });
});

describe('annotations', () => {
  it('puts an error on each failing node at its file under the project dir, and one per failed shard', () => {
    const got: string[] = [];
    const annotator: Annotator = {
      error: (m, p) => got.push(`error ${p.file ?? '-'} ${p.title} ${m.split('\n')[0]}`),
      warning: (m, p) => got.push(`warning ${p.file ?? '-'} ${p.title}`),
    };
    emitAnnotations(buildAnnotations(fixture(), fileOf, 'examples/shop/'), annotator);
    expect(got).toEqual([
      'error - dbt-matrix: shard s1-01 missing shard s1-01: no artifact — the job failed before uploading or never ran (2 planned nodes without results)',
      'error examples/shop/models/sales/fct_orders.sql dbt error: model.shop.fct_orders Database Error in model fct_orders (models/sales/fct_orders.sql)',
      'warning - dbt warn: model.shop.after_error',
      'error examples/shop/tests/assert_fail_when_requested.sql dbt fail: test.shop.assert_fail_when_requested Got 1 result, configured to fail if != 0',
    ]);
    expect(repoPath('.', 'models/a.sql')).toBe('models/a.sql');
    expect(repoPath('./shop', './models/a.sql')).toBe('shop/models/a.sql');
  });
});
