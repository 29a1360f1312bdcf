/**
 * Parity of the native selection engine with real dbt: on a copy of examples/shop, every
 * expression below is answered by `dbt ls --output json --output-keys unique_id` and by
 * selectNodes over the manifest read with readManifest; the two sets must be identical.
 * A second copy gets one model's SQL edited, one model's config changed and one model added,
 * and is compared with the first manifest as --state (state:modified / state:new).
 */
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DbtGraph } from '../../src/core/graph/graph.js';
import {
  selectNodes,
  selectorsFromManifest,
  type IndirectSelection,
  type SelectionSpec,
} from '../../src/core/select/index.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { SELECTION_METHOD, writeSelectionState } from '../../src/run/selection.js';
import { copyExampleProject, removeDir, runDbt } from '../helpers/dbt.js';

interface Case {
  select?: string[];
  exclude?: string[];
  selector?: string;
  mode?: IndirectSelection;
  /** compare against the edited project with the original manifest as --state */
  state?: boolean;
}

const CASES: Case[] = [
  {}, // the default selection: everything dbt ls lists
  { select: ['stg_orders+'] },
  { select: ['+fct_orders'] },
  { select: ['2+fct_order_lines+1'] },
  { select: ['@dim_customers'] },
  { select: ['tag:finance,config.materialized:table'] },
  { select: ['tag:staging tag:core'], exclude: ['stg_orders'] },
  { select: ['shop.marketing.*', 'stg_[co]*', 'sales.fct_*'] },
  { select: ['path:models/web', 'models/inventory/inv_stock_levels.sql'] },
  { select: ['path:models/*/finance.yml'], mode: 'empty' },
  { select: ['file:fct_orders.sql', 'stg_payments.sql', 'file:dim_stores'] },
  { select: ['resource_type:seed', 'resource_type:snapshot'] },
  { select: ['package:this,resource_type:unit_test', 'config.meta.owner:finance'] },
  { select: ['config.materialized:incremental', 'config.severity:warn'] },
  { select: ['test_type:singular', 'test_type:unit', 'test_name:relationships'] },
  { select: ['+exposure:finance_dashboard', 'source:*+1'] },
  { select: ['dim_customers', 'fct_orders'], mode: 'cautious' },
  { select: ['fct_orders'], mode: 'buildable' },
  { select: ['tag:sales'], mode: 'empty' },
  { select: ['tag:sales'], exclude: ['dim_customers'] },
  { exclude: ['tag:staging', 'path:models/inventory'] },
  { selector: 'customer_facing' },
  { selector: 'inventory_chain' },
  { selector: 'hourly_incrementals', mode: 'cautious' },
  { select: ['state:modified'], state: true },
  { select: ['state:modified.body+', 'state:new'], state: true },
  { select: ['state:modified.configs'], exclude: ['state:new'], state: true },
];

const EDITED_MODEL = 'models/staging/stg_orders.sql';
const NEW_MODEL = 'models/marketing/mkt_state_new.sql';
const CONFIG_MODEL = 'dim_campaigns';

let base: string; // the project as committed
let edited: string; // the same project with an SQL edit, a config change and a new model
let stateDir: string; // base's manifest, as dbt's --state wants it
let scratch: string;
const graphs = new Map<'base' | 'edited', DbtGraph>();
let specBase: Pick<SelectionSpec, 'selectors' | 'projectName'>;
const fromDbt = new Map<Case, Set<string>>();

async function parse(project: string): Promise<void> {
  const r = await runDbt(['parse', '--project-dir', project, '--profiles-dir', project], {
    cwd: project,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`dbt parse failed in ${project} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
}

/** The case as dbt ls sees it, in its own target dir (seeded with the partial-parse file) so runs can overlap. */
async function dbtLs(c: Case, index: number): Promise<Set<string>> {
  const project = c.state ? edited : base;
  const target = path.join(scratch, `ls-${index}`);
  await mkdir(target, { recursive: true });
  await copyFile(path.join(project, 'target', 'partial_parse.msgpack'), path.join(target, 'partial_parse.msgpack'));
  const args = [
    'ls',
    '--project-dir',
    project,
    '--profiles-dir',
    project,
    '--target-path',
    target,
    '--output',
    'json',
    '--output-keys',
    'unique_id',
    '--quiet',
  ];
  if (c.select) args.push('--select', ...c.select);
  if (c.exclude) args.push('--exclude', ...c.exclude);
  if (c.selector) args.push('--selector', c.selector);
  if (c.mode) args.push('--indirect-selection', c.mode);
  if (c.state) args.push('--state', stateDir);
  const env = { ...process.env, DBT_DUCKDB_PATH: path.join(target, 'shop.duckdb') };
  const r = await runDbt(args, { cwd: project, env, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`dbt ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  const ids = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { unique_id: string }).unique_id);
  return new Set(ids);
}

/**
 * The node set `ids` as a shard's dbt selects it: `--select result:success --state <folder>` over a
 * selection folder listing the ids, with `--indirect-selection empty`.
 */
async function dbtLsShardSelection(ids: ReadonlySet<string>, index: number): Promise<Set<string>> {
  const target = path.join(scratch, `shard-ls-${index}`);
  await mkdir(target, { recursive: true });
  await copyFile(path.join(base, 'target', 'partial_parse.msgpack'), path.join(target, 'partial_parse.msgpack'));
  const state = await writeSelectionState(path.join(scratch, `shard-sel-${index}`), [...ids], null, new Date());
  const args = [
    'ls',
    '--project-dir',
    base,
    '--profiles-dir',
    base,
    '--target-path',
    target,
    '--output',
    'json',
    '--output-keys',
    'unique_id',
    '--quiet',
    '--select',
    SELECTION_METHOD,
    '--state',
    state,
    '--indirect-selection',
    'empty',
  ];
  const r = await runDbt(args, {
    cwd: base,
    env: { ...process.env, DBT_DUCKDB_PATH: path.join(target, 'shop.duckdb') },
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`dbt ${args.join(' ')} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { unique_id: string }).unique_id),
  );
}

/** Runs `work` over `items` with at most `limit` in flight (dbt is CPU-heavy; CI has 2 cores). */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

async function makeEditedCopy(): Promise<string> {
  const dir = await copyExampleProject();
  await writeFile(
    path.join(dir, EDITED_MODEL),
    `${await readFile(path.join(dir, EDITED_MODEL), 'utf8')}\n-- edited: state:modified.body\n`,
  );
  await writeFile(path.join(dir, NEW_MODEL), 'select 1 as id\n');
  // one config change in dbt_project.yml, for a single model (a key no other layer sets)
  const projectFile = path.join(dir, 'dbt_project.yml');
  const project = parseYaml(await readFile(projectFile, 'utf8')) as {
    models: { shop: { marketing: Record<string, unknown> } };
  };
  project.models.shop.marketing[CONFIG_MODEL] = { '+full_refresh': false };
  await writeFile(projectFile, stringifyYaml(project));
  return dir;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'select-parity-'));
  [base, edited] = await Promise.all([copyExampleProject(), makeEditedCopy()]);
  await Promise.all([parse(base), parse(edited)]);
  stateDir = path.join(scratch, 'state');
  await mkdir(stateDir);
  await copyFile(path.join(base, 'target', 'manifest.json'), path.join(stateDir, 'manifest.json'));

  const baseManifest = await readManifest(path.join(base, 'target', 'manifest.json'));
  const editedManifest = await readManifest(path.join(edited, 'target', 'manifest.json'));
  graphs.set('base', DbtGraph.fromManifest(baseManifest));
  graphs.set('edited', DbtGraph.fromManifest(editedManifest));
  specBase = {
    selectors: selectorsFromManifest(baseManifest.selectors, 'manifest.json'),
    projectName: baseManifest.metadata.projectName,
  };

  await pool(CASES, 2, async (c, i) => {
    fromDbt.set(c, await dbtLs(c, i));
  });
}, 1_200_000);

afterAll(async () => {
  await Promise.all([base, edited, scratch].filter(Boolean).map((d) => removeDir(d)));
});

const label = (c: Case): string =>
  [
    c.select && `--select ${c.select.join(' ')}`,
    c.exclude && `--exclude ${c.exclude.join(' ')}`,
    c.selector && `--selector ${c.selector}`,
    c.mode && `--indirect-selection ${c.mode}`,
    c.state && '--state',
  ]
    .filter(Boolean)
    .join(' ') || '(default)';

describe('selectNodes matches dbt ls on examples/shop', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    const graph = graphs.get(c.state ? 'edited' : 'base')!;
    const got = selectNodes(graph, {
      ...specBase,
      select: c.select ?? [],
      exclude: c.exclude ?? [],
      selector: c.selector ?? null,
      indirectSelection: c.mode ?? 'eager',
      state: c.state ? graphs.get('base')! : null,
    });
    expect([...got].sort()).toEqual([...fromDbt.get(c)!].sort());
  });

  // a shard's exact selection: the sets dbt selected for these cases, handed back to dbt as a
  // shard's node list, come back unchanged (tests included, nothing pulled in indirectly)
  const SHARD_CASES = [0, 6, 9];
  it.each(SHARD_CASES.map((i) => [label(CASES[i]!), i] as const))(
    "a shard's selection (result:success) of %s gives exactly those nodes",
    async (_label, i) => {
      const want = fromDbt.get(CASES[i]!)!;
      expect([...(await dbtLsShardSelection(want, i))].sort()).toEqual([...want].sort());
    },
    300_000,
  );

  it('the state cases see the edits (the comparison is not vacuous)', () => {
    const modified = fromDbt.get(CASES.find((c) => c.state)!)!;
    for (const id of ['model.shop.stg_orders', `model.shop.${CONFIG_MODEL}`, 'model.shop.mkt_state_new'])
      expect(modified).toContain(id);
    expect(CASES.filter((c) => c.state).every((c) => fromDbt.get(c)!.size > 0)).toBe(true);
    expect(fromDbt.get(CASES[0]!)!.size).toBeGreaterThan(50);
  });
});
