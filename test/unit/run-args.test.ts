import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { NO_DBT_FLAGS, parseDbtFlags } from '../../src/run/dbt-flags.js';
import { buildArgs, retryArgs, type DbtInvocationBase } from '../../src/run/dbt-args.js';
import { buildSelection, collateralNodes, SELECTOR_NAME, selectorsYaml } from '../../src/run/selection.js';

const base: DbtInvocationBase = {
  projectDir: '/p',
  profilesDir: '/profiles',
  target: 'prod',
  threads: 4,
  targetPath: '/out/.work/s1/target',
  logPath: '/out/.work/s1/logs',
  vars: { start_dttm: '2024-01-15T00:00:00+00:00', end_dttm: '2024-01-16T00:00:00+00:00', overlap: false },
  fullRefresh: false,
  dbtFlags: NO_DBT_FLAGS,
  eventTime: null,
  defer: false,
  state: null,
};

function node(uniqueId: string, fqn: string[], resourceType = uniqueId.split('.')[0]!): ManifestNode {
  return { uniqueId, resourceType, name: fqn.at(-1)!, packageName: fqn[0]!, fqn, path: '', originalFilePath: '', tags: [], config: {}, dependsOn: [], checksum: null, testMetadata: null, sourceName: null, relationName: null };
}

const nodes = new Map(
  [
    node('model.shop.orders', ['shop', 'marts', 'orders']),
    node('model.shop.x', ['shop', 'marts', 'orders', 'x']),
    node('model.shop.stg', ['shop', 'staging', 'stg']),
    node('seed.shop.orders', ['shop', 'marts', 'orders']),
    node('test.shop.not_null_stg_id.abc', ['shop', 'staging', 'not_null_stg_id']),
    node('model.other.stg', ['other', 'stg']),
  ].map((n) => [n.uniqueId, n]),
);

describe('buildArgs', () => {
  it('passes vars as one argv element of JSON, whatever the values hold', () => {
    const vars = { ...base.vars, q: `it's "quoted" $(rm -rf /) \`x\` ; | & > *`, nl: 'a\nb\r\nc', u: 'ünïcødé ✓', n: 1.5, tuple: "('a','b')" };
    const args = buildArgs({ ...base, vars }, { kind: 'select', selection: { select: ['fqn:shop.staging.stg,resource_type:model'], exclude: [] } });
    const i = args.indexOf('--vars');
    expect(i).toBeGreaterThan(0);
    expect(JSON.parse(args[i + 1]!)).toEqual(vars);
    expect(args[i + 2]).toMatch(/^--/);
  });

  it('builds exactly the listed nodes with empty indirect selection and the shard\'s own paths', () => {
    const args = buildArgs({ ...base, fullRefresh: true, defer: true, state: '/prod' }, { kind: 'select', selection: { select: ['a', 'b'], exclude: ['c'] } });
    expect(args[0]).toBe('build');
    const pairs = (flag: string) => args[args.indexOf(flag) + 1];
    expect(pairs('--indirect-selection')).toBe('empty');
    expect(pairs('--threads')).toBe('4');
    expect(pairs('--target')).toBe('prod');
    expect(pairs('--project-dir')).toBe('/p');
    expect(pairs('--profiles-dir')).toBe('/profiles');
    expect(pairs('--target-path')).toBe('/out/.work/s1/target');
    expect(pairs('--log-path')).toBe('/out/.work/s1/logs');
    expect(args.slice(args.indexOf('--select'), args.indexOf('--select') + 3)).toEqual(['--select', 'a', 'b']);
    expect(args.slice(args.indexOf('--exclude'), args.indexOf('--exclude') + 2)).toEqual(['--exclude', 'c']);
    expect(args).toContain('--full-refresh');
    expect(args.slice(args.indexOf('--defer'), args.indexOf('--defer') + 3)).toEqual(['--defer', '--state', '/prod']);
  });

  it('uses the named selector for long lists and leaves out optional flags', () => {
    const args = buildArgs({ ...base, profilesDir: null, target: null }, { kind: 'selector' });
    expect(args.slice(args.indexOf('--selector'), args.indexOf('--selector') + 2)).toEqual(['--selector', SELECTOR_NAME]);
    for (const f of ['--select', '--exclude', '--profiles-dir', '--target', '--full-refresh', '--defer', '--state']) expect(args).not.toContain(f);
  });

  it('retries in the same target path with the same vars and threads, without --state or a selection', () => {
    const args = retryArgs({ ...base, defer: true, state: '/prod' });
    expect(args[0]).toBe('retry');
    expect(args[args.indexOf('--target-path') + 1]).toBe(base.targetPath);
    expect(JSON.parse(args[args.indexOf('--vars') + 1]!)).toEqual(base.vars);
    expect(args[args.indexOf('--threads') + 1]).toBe('4');
    for (const f of ['--state', '--select', '--selector', '--target', '--indirect-selection']) expect(args).not.toContain(f);
  });
});

describe('selection', () => {
  it('selects each node by full fqn and resource type', () => {
    const { selection } = buildSelection(['model.shop.stg', 'test.shop.not_null_stg_id.abc'], nodes, 'm.json');
    expect(selection.select).toEqual(['fqn:shop.staging.stg,resource_type:model', 'fqn:shop.staging.not_null_stg_id,resource_type:test']);
    expect(selection.exclude).toEqual([]);
  });

  it("excludes nodes dbt's fqn prefix matching would also catch, of the same type only", () => {
    const { selection } = buildSelection(['model.shop.orders'], nodes, 'm.json');
    expect(selection.exclude).toEqual(['fqn:shop.marts.orders.x,resource_type:model']);
  });

  it('catches leaf-name matches as dbt does', () => {
    const caught = collateralNodes([{ fqn: 'stg', resourceType: 'model' }], new Set(), nodes.values()).map((n) => n.uniqueId);
    expect(caught.sort()).toEqual(['model.other.stg', 'model.shop.stg']);
  });

  it('rejects a node the manifest does not know', () => {
    expect(() => buildSelection(['model.shop.gone'], nodes, 'm.json')).toThrow(/--plan: node "model.shop.gone" is not in m.json/);
  });

  it('writes a selectors.yml: per resource type, that type intersected with a union of fqns, minus the exclusions', () => {
    const { criteria, excluded } = buildSelection(['model.shop.orders', 'model.shop.stg'], nodes, 'm.json');
    const doc = parse(selectorsYaml(criteria, excluded)) as { selectors: Array<{ name: string; definition: { union: unknown[] } }> };
    expect(doc.selectors[0]!.name).toBe(SELECTOR_NAME);
    expect(doc.selectors[0]!.definition.union).toEqual([
      {
        intersection: [
          { method: 'resource_type', value: 'model' },
          { union: [{ method: 'fqn', value: 'shop.marts.orders', indirect_selection: 'empty' }, { method: 'fqn', value: 'shop.staging.stg', indirect_selection: 'empty' }] },
        ],
      },
      { exclude: [{ intersection: [{ method: 'resource_type', value: 'model' }, { union: [{ method: 'fqn', value: 'shop.marts.orders.x', indirect_selection: 'empty' }] }] }] },
    ]);
  });
});

describe('extra dbt flags (--dbt-flags)', () => {
  it('become argv elements of build, and of retry only where dbt retry takes them', () => {
    const flags = parseDbtFlags(['--fail-fast', ' --empty ', '--warn-error-options={"error": "all", "warn": []}', '--log-level warn', '']);
    expect(flags.build).toEqual(['--fail-fast', '--empty', '--warn-error-options', '{"error": "all", "warn": []}', '--log-level', 'warn']);
    expect(flags.retry).toEqual(['--fail-fast', '--warn-error-options', '{"error": "all", "warn": []}', '--log-level', 'warn']);
    const build = buildArgs({ ...base, dbtFlags: flags }, { kind: 'selector' });
    expect(build.slice(-6)).toEqual(flags.build);
    expect(retryArgs({ ...base, dbtFlags: flags }).slice(-5)).toEqual(flags.retry);
  });

  it.each([
    ['--fail-fst', /^--dbt-flags: got "--fail-fst", expected one of --fail-fast,/],
    ['--select a', /expected a flag dbt-matrix does not set itself \(--select: the plan decides/],
    ['--threads=8', /--threads: use plan --threads/],
    ['--event-time-start 2024-01-01', /microbatch models get the interval/],
    ['--log-level', /expected --log-level with a value/],
    ['--empty yes', /expected --empty alone/],
    ['--fail-fast; rm -rf /', /expected one dbt flag per item/],
    ['--fail-fast $(rm -rf /)', /expected --fail-fast alone/],
    ['fail-fast', /expected one dbt flag per item/],
  ])('refuses %j with one line', (item, message) => {
    expect(() => parseDbtFlags([item])).toThrow(message);
  });
});
