/**
 * Property-based fuzzing of every input (fast-check, fixed seed, bounded cases; `npm run fuzz`
 * runs many more): each option of plan, run, merge and local, --vars, --select/--exclude and
 * --selector against a project, selector definitions, and the interval options as run resolves
 * them. Every case is accepted or refused with one clean line (see test/helpers/fuzz.ts).
 * The files we read are fuzzed in fuzz-files.test.ts.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { resolveInterval, splitChunks, type TriggerContext } from '../../src/core/interval/index.js';
import { selectNodes, selectorsFromManifest, parseSelectorsYaml } from '../../src/core/select/index.js';
import { buildDbtVars, parseExtraVars } from '../../src/core/vars/index.js';
import { LOCAL_OPTIONS, parseLocalInputs } from '../../src/local/inputs.js';
import { MERGE_OPTIONS, parseMergeInputs } from '../../src/merge/inputs.js';
import { PLAN_OPTIONS, parsePlanInputs } from '../../src/plan/inputs.js';
import { parseRunInputs, RUN_OPTIONS } from '../../src/run/inputs.js';
import type { OptionSpec, RawOptions } from '../../src/shared/options.js';
import { casesFor, fuzzArea, hostileString, promiseBroken, reportTallies } from '../helpers/fuzz.js';
import { shopGraph } from './select-fixtures.js';

afterAll(() => reportTallies('inputs'));

/** Raw options as the CLI hands them over: some options, each a hostile string, a list or a flag. */
const rawOptions = (specs: readonly OptionSpec[]): fc.Arbitrary<RawOptions> =>
  fc.dictionary(
    fc.constantFrom(...specs.map((s) => s.name)),
    fc.oneof(
      { weight: 6, arbitrary: hostileString() },
      { weight: 1, arbitrary: fc.array(hostileString(), { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.boolean() },
    ),
    { maxKeys: 8 },
  );

const CASES = casesFor(300);

describe('fuzz: command options', () => {
  it.each([
    ['plan', PLAN_OPTIONS, parsePlanInputs],
    ['run', RUN_OPTIONS, parseRunInputs],
    ['merge', MERGE_OPTIONS, parseMergeInputs],
    ['local', LOCAL_OPTIONS, parseLocalInputs],
  ] as const)('%s options', async (name, specs, parse) => {
    await fuzzArea(`${name} options`, rawOptions(specs), CASES, (raw) => promiseBroken(() => parse(raw)));
  });
});

/** YAML that attacks a parser: anchors and aliases (recursive, exponential), tags, deep nesting. */
const hostileYaml = (): fc.Arbitrary<string> => {
  // mostly shallow; now and then the 2,000 levels of the issue (the YAML parser takes ~0.2 s on those)
  const levels = fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 150 }) },
    { weight: 1, arbitrary: fc.constantFrom(2000, 2500) },
  );
  return fc.oneof(
    { weight: 4, arbitrary: hostileString() },
    { weight: 4, arbitrary: fc.json({ depthSize: 'large' }) },
    { weight: 1, arbitrary: levels.map((n) => `a: ${'['.repeat(n)}${']'.repeat(n)}`) },
    { weight: 1, arbitrary: levels.map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 200 })
        .map((n) => `a:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} x`),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 2, max: 12 })
        .map((n) =>
          [
            'l0: &l0 [x,x,x,x,x,x,x,x,x]',
            ...Array.from({ length: n }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(',')}]`),
          ].join('\n'),
        ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'a: &a [*a]',
        'a: &a {b: *a}',
        '&a [*a]',
        'a: *nope',
        'a: !!binary aGVsbG8=',
        'a: !!js/function "x"',
        'a: !!set {x}',
        'a: !!timestamp 2001-12-14',
        'a: .nan',
        'a: [.inf]',
        '? [a]\n: 1',
        'a: 1\na: 2',
        '<<: {a: 1}',
        'start_dttm: x',
        '__proto__: {x: 1}',
        'constructor: 1',
        '%YAML 1.1\n---\na: yes',
        '--- \n...\n---\na: 1',
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.string({ maxLength: 12 }), fc.json()).map(([k, v]) => `${JSON.stringify(k)}: ${v}`),
    },
  );
};

describe('fuzz: --vars', () => {
  it('parse, then build the vars dbt receives (JSON, one argv element)', async () => {
    await fuzzArea('--vars', hostileYaml(), casesFor(400), (text) =>
      promiseBroken(() => {
        const extra = parseExtraVars(text, '--vars');
        for (const arrayFormat of ['compat', 'sql'] as const)
          JSON.stringify(buildDbtVars({ start: 's', end: 'e', overlap: false, extra, arrayFormat }));
      }),
    );
  });
});

/** Selection expressions: dbt's grammar pieces glued at random, and plain hostile strings. */
const selectionExpr = (): fc.Arbitrary<string> => {
  const piece = fc.oneof(
    fc.constantFrom(
      'orders',
      'stg_orders',
      'shop',
      '*',
      'tag:nightly',
      'path:models/staging',
      'config.materialized:view',
      'source:raw',
      'test_type:generic',
      'resource_type:model',
      'state:modified',
      'result:fail',
      'fqn:shop.*',
      'package:shop',
      'exposure:*',
      'file:orders.sql',
      'version:latest',
      'access:public',
      'group:x',
      'unit_test:*',
      'selector:nightly',
      'semantic_model:x',
      'saved_query:x',
      'wildcard:?',
      'tag:',
      ':',
      'method.arg:x',
    ),
    hostileString(),
  );
  return fc
    .array(
      fc.tuple(
        fc.constantFrom('', '@', '+', '2+', '99999999999999999999+'),
        piece,
        fc.constantFrom('', '+', '+1', '+007'),
        fc.constantFrom(' ', ',', ''),
      ),
      { maxLength: 5 },
    )
    .map((parts) => parts.map(([a, b, c, d]) => `${a}${b}${c}${d}`).join(''));
};

describe('fuzz: selection', () => {
  const graph = shopGraph();
  it('--select, --exclude and --selector against a project', async () => {
    const arb = fc.record({
      select: fc.array(selectionExpr(), { maxLength: 3 }),
      exclude: fc.array(selectionExpr(), { maxLength: 2 }),
      selector: fc.option(hostileString(), { nil: null }),
    });
    await fuzzArea('--select/--exclude/--selector', arb, casesFor(600), ({ select, exclude, selector }) =>
      promiseBroken(() =>
        selectNodes(graph, {
          select,
          exclude,
          selector,
          selectors: { source: 'selectors.yml', selectors: new Map(), defaultSelector: null },
          state: null,
        }),
      ),
    );
  });

  /** Selector definitions as dbt's manifest or selectors.yml may hold them, nested at random. */
  const definition = fc.letrec((tie) => ({
    def: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      selectionExpr(),
      fc.record(
        {
          method: fc.oneof(fc.constantFrom('tag', 'path', 'fqn', 'selector', 'nope'), hostileString()),
          value: fc.oneof(hostileString(), fc.integer(), fc.boolean(), fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
      fc.dictionary(
        fc.constantFrom(
          'union',
          'intersection',
          'exclude',
          'method',
          'value',
          'parents',
          'children_depth',
          'indirect_selection',
        ),
        tie('def'),
        { maxKeys: 3 },
      ),
      fc.record({ union: fc.array(tie('def'), { maxLength: 3 }) }),
      fc.record({ intersection: fc.array(tie('def'), { maxLength: 3 }) }),
      fc.record({ exclude: fc.array(tie('def'), { maxLength: 2 }) }),
      fc.jsonValue(),
    ),
  })).def;
  const deep = fc.integer({ min: 90, max: 3000 }).map((n) => {
    let def: unknown = 'tag:x';
    for (let i = 0; i < n; i++) def = i % 2 ? { union: [def] } : { method: 'tag', value: 'x', exclude: [def] };
    return def;
  });

  it('selector definitions (manifest "selectors") and evaluating them', async () => {
    const arb = fc.dictionary(
      fc.string({ maxLength: 8 }),
      fc.record(
        { name: fc.string({ maxLength: 8 }), definition: fc.oneof(definition, deep), default: fc.boolean() },
        { requiredKeys: ['definition'] },
      ),
      { maxKeys: 3 },
    );
    await fuzzArea('selector definitions', arb, casesFor(400), (section) =>
      promiseBroken(() => {
        const selectors = selectorsFromManifest(section, 'manifest.json');
        for (const name of selectors.selectors.keys())
          selectNodes(graph, { select: [], exclude: [], selector: name, selectors, state: null });
      }),
    );
  });

  it('selectors.yml text', async () => {
    const arb = fc.oneof(
      hostileYaml(),
      definition.map((d) => `selectors:\n  - name: s\n    definition: ${JSON.stringify(d)}`),
    );
    await fuzzArea('selectors.yml', arb, casesFor(200), (text) =>
      promiseBroken(() => parseSelectorsYaml(text, 'selectors.yml')),
    );
  });
});

describe('fuzz: the interval run resolves', () => {
  const trigger = (schedule: string | null, eventName: string | null): TriggerContext => ({
    eventName,
    schedule,
    dispatchInputs: {},
    triggerTime: new Date('2024-03-31T01:30:00Z'),
  });
  const dateish = fc.oneof(
    hostileString(),
    fc
      .date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2200-01-01') })
      .map((d) => d.toISOString()),
    fc.constantFrom(
      '2024-01-01',
      '2024-02-30',
      '2024-01-01T25:00',
      '2024-03-31T02:30:00',
      '2024-01-01T00:00:00+14:00',
      '+275760-09-13',
      '0000-01-01',
    ),
  );
  it('--start/--end/--timezone/--chunk/--max-interval-days and a schedule', async () => {
    const arb = fc.record({
      start: dateish,
      end: dateish,
      timezone: fc.oneof(
        hostileString(),
        fc.constantFrom(
          'UTC',
          'Europe/Berlin',
          'America/St_Johns',
          'Asia/Kathmandu',
          'Pacific/Chatham',
          'Etc/GMT+12',
          'Local',
          'utc',
        ),
      ),
      chunk: fc.constantFrom('none', 'hour', 'day', 'week', 'month'),
      maxDays: fc.integer({ min: 1, max: 400 }),
      schedule: fc.option(
        fc.oneof(
          hostileString(),
          fc.constantFrom('0 * * * *', '*/5 * * * *', '0 0 31 2 *', '61 * * * *', '@daily', '0 0 * * 7'),
        ),
        { nil: null },
      ),
      explicit: fc.boolean(),
    });
    await fuzzArea('interval options', arb, casesFor(400), (c) =>
      promiseBroken(() => {
        const interval = resolveInterval(
          {
            start: c.explicit ? c.start : undefined,
            end: c.explicit ? c.end : undefined,
            timezone: c.timezone,
            maxIntervalDays: c.maxDays,
          },
          trigger(c.schedule, c.schedule === null ? null : 'schedule'),
        );
        splitChunks(interval, c.chunk);
      }),
    );
  });
});
