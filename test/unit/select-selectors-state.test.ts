import { describe, expect, it } from 'vitest';
import { DbtGraph } from '../../src/core/graph/graph.js';
import type { ManifestNode } from '../../src/core/manifest/types.js';
import { parseSelectorsYaml, selectNodes, selectorsFromManifest } from '../../src/core/select/index.js';
import { model, shopGraph, shopNodes } from './select-fixtures.js';

const g = shopGraph();
const M = (n: string) => `model.shop.${n}`;
const REL = 'test.shop.relationships_fct_orders_customer_id.abc123';

const YAML = `
selectors:
  - name: staging_nightly
    definition:
      intersection:
        - tag:staging
        - method: tag
          value: nightly
  - name: core_down
    description: dim_customers and below, without reports
    definition:
      union:
        - method: fqn
          value: dim_customers
          children: true
        - exclude:
            - path:models/sales/reports
  - name: cautious_fct
    definition:
      method: fqn
      value: fct_orders
      indirect_selection: cautious
  - name: reuse
    default: true
    definition:
      union:
        - method: selector
          value: staging_nightly
        - {config.materialized: table}
  - name: parents_1
    definition:
      method: fqn
      value: fct_orders
      parents: true
      parents_depth: 1
      indirect_selection: empty
`;

describe('selectors.yml', () => {
  const file = parseSelectorsYaml(YAML, 'selectors.yml');
  const pick = (selector: string | null, select: string[] = []) =>
    [...selectNodes(g, { select, exclude: [], selector, selectors: file })].sort();

  it('evaluates intersection, union with exclude, references and per-definition indirect selection', () => {
    expect(pick('staging_nightly')).toEqual([M('stg_orders'), 'test.shop.not_null_stg_orders_id.abc123']);
    const core = pick('core_down');
    expect(core).toContain(M('fct_orders'));
    expect(core).not.toContain(M('rpt_sales'));
    expect(pick('cautious_fct')).not.toContain(REL);
    expect(pick('reuse')).toEqual(expect.arrayContaining([M('stg_orders'), M('dim_customers'), M('rpt_sales')]));
    expect(pick('parents_1')).toEqual([M('dim_customers'), M('fct_orders'), M('stg_orders')]);
  });

  it('uses the default: true selector when neither --select nor --exclude is given', () => {
    expect(pick(null)).toEqual(pick('reuse'));
    expect(pick(null, ['rpt_sales'])).toEqual([M('rpt_sales')]);
  });

  it('refuses --selector with --select, unknown names, and bad files in one line', () => {
    expect(() => pick('reuse', ['x'])).toThrow(/^--selector: "reuse" cannot be combined with --select/);
    expect(() => pick('nope')).toThrow(/^--selector: got "nope", expected one of staging_nightly, core_down/);
    expect(() => parseSelectorsYaml('selectors: [{name: a}]', 'selectors.yml')).toThrow(
      /^selectors.yml: not a dbt selectors file/,
    );
    expect(() =>
      parseSelectorsYaml('selectors:\n  - name: a\n    definition: {method: selector, value: b}\n', 'sel.yml'),
    ).toThrow(/references selector "b"/);
    expect(() => parseSelectorsYaml('selectors:\n  - name: a\n    definition: "foo:bar"\n', 'sel.yml')).toThrow(
      /^sel.yml: selector "a": unknown selection method "foo"/,
    );
    expect(() => parseSelectorsYaml('selectors: [', 'sel.yml')).toThrow(/^sel.yml: not valid YAML/);
  });

  it("reads the manifest's normalised copy the same way", () => {
    const fromManifest = selectorsFromManifest(
      {
        staging_nightly: {
          name: 'staging_nightly',
          definition: {
            intersection: [
              { method: 'tag', value: 'staging' },
              { method: 'tag', value: 'nightly' },
            ],
          },
        },
        up: { name: 'up', definition: { method: 'fqn', value: 'dim_customers', parents: true, parents_depth: '1' } },
      },
      'manifest.json',
    );
    expect([
      ...selectNodes(g, { select: [], exclude: [], selector: 'staging_nightly', selectors: fromManifest }),
    ]).toContain(M('stg_orders'));
    expect(
      [
        ...selectNodes(g, {
          select: [],
          exclude: [],
          selector: 'up',
          selectors: fromManifest,
          indirectSelection: 'empty',
        }),
      ].sort(),
    ).toEqual([M('dim_customers'), M('int_customers')]);
  });
});

describe('state:', () => {
  const edit = (nodes: ManifestNode[], id: string, change: Partial<ManifestNode>) =>
    nodes.map((n) => (n.uniqueId === id ? { ...n, ...change } : n));
  const prod = new DbtGraph(shopNodes());
  let current = edit(shopNodes(), M('stg_orders'), { checksum: 'edited' });
  current = edit(current, M('dim_customers'), {
    config: { enabled: true, materialized: 'view', meta: { owner: 'crm' } },
  });
  current = edit(current, M('rpt_sales'), { tags: ['new-tag'] }); // tags are not a modification
  current = [...current, model('brand_new', { deps: [M('fct_orders')] })];
  const graph = new DbtGraph(current);
  const pick = (select: string) =>
    [...selectNodes(graph, { select: [select], exclude: [], state: prod, indirectSelection: 'empty' })].sort();

  it('modified = body or config changed, or new', () => {
    expect(pick('state:modified')).toEqual([M('brand_new'), M('dim_customers'), M('stg_orders')]);
    expect(pick('state:modified.body')).toEqual([M('brand_new'), M('stg_orders')]);
    expect(pick('state:modified.configs')).toEqual([M('brand_new'), M('dim_customers')]);
    expect(pick('state:new')).toEqual([M('brand_new')]);
  });

  it('composes with graph operators and --exclude', () => {
    const down = [...selectNodes(graph, { select: ['state:modified+'], exclude: ['rpt_sales'], state: prod })];
    expect(down).toContain(M('fct_orders'));
    expect(down).toContain(REL);
    expect(down).not.toContain(M('rpt_sales'));
  });

  it('compares the unrendered config when both manifests carry it', () => {
    const a = new DbtGraph([
      model('m', { config: { materialized: 'table' }, unrenderedConfig: { materialized: "{{ 'table' }}" } }),
    ]);
    const b = new DbtGraph([
      model('m', { config: { materialized: 'view' }, unrenderedConfig: { materialized: "{{ 'table' }}" } }),
    ]);
    expect([...selectNodes(b, { select: ['state:modified'], exclude: [], state: a })]).toEqual([]);
  });

  it('needs --state, and names unsupported sub-selectors', () => {
    expect(() => selectNodes(graph, { select: ['state:modified'], exclude: [] })).toThrow(
      '--select: state:modified needs --state DIR (a production manifest)',
    );
    expect(() => pick('state:modified.macros')).toThrow(/not supported/);
    expect(() => pick('state:changed')).toThrow(/unknown state selector "changed"/);
  });
});

describe('selectors.yml with Jinja', () => {
  it('is refused with a pointer to the rendered copy in the manifest; comments do not count', () => {
    const jinja = 'selectors:\n  - name: a\n    definition: "tag:{{ env_var(\'T\') }}"\n';
    expect(() => parseSelectorsYaml(jinja, 'selectors.yml')).toThrow(/^selectors.yml: contains Jinja/);
    const comment = '# {{ not a value }}\nselectors:\n  - name: a\n    definition: "tag:x"\n';
    expect(parseSelectorsYaml(comment, 'selectors.yml').selectors.has('a')).toBe(true);
  });
});
