/**
 * merge on real shard folders: the real runner (runShard → dbt subprocess) builds examples/shop
 * split into three shards by hand (plus final tests), then mergeReports writes the report. dbt
 * itself must accept the report folder as a state directory.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { RunResultsSchema } from '../../src/core/report/run-results.js';
import type { Annotator } from '../../src/core/report/annotations.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { parseMergeInputs } from '../../src/merge/inputs.js';
import { mergeReports, type MergeOutcome } from '../../src/merge/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { removeDir, runDbt } from '../helpers/dbt.js';
import { prepareRealProject, runRealShards, type RealProject } from '../helpers/shard-fixtures.js';

const FAIL_TEST = 'test.shop.assert_fail_when_requested';
let project: RealProject;
let tmp: string;
const dirs = { pass: '', fail: '', missing: '' };

beforeAll(async () => {
  project = await prepareRealProject();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'dbt-matrix-merge-'));
  dirs.pass = path.join(tmp, 'in-pass');
  dirs.fail = path.join(tmp, 'in-fail');
  dirs.missing = path.join(tmp, 'in-missing');
  await runRealShards(project, dirs.pass);
  // The failing case re-runs only the shard holding the fail switch; the other folders are the same.
  await fs.cp(dirs.pass, dirs.fail, { recursive: true });
  const failShard = project.plan.shards.find((s) => s.nodes.includes(FAIL_TEST))!;
  await runRealShards(project, dirs.fail, { only: [failShard.id], vars: { fail_test: true } });
  await fs.cp(dirs.fail, dirs.missing, { recursive: true });
  await fs.rm(path.join(dirs.missing, 's1-01'), { recursive: true });
}, 600_000);

afterAll(async () => {
  if (project) await removeDir(project.projectDir);
  if (tmp) await removeDir(tmp);
});

async function merge(
  inDir: string,
  name: string,
  extra: Record<string, string> = {},
): Promise<{ outcome: MergeOutcome; annotations: string[]; log: string[] }> {
  const annotations: string[] = [];
  const annotator: Annotator = {
    error: (m, p) => annotations.push(`error ${p.file ?? '-'} ${p.title}`),
    warning: (m, p) => annotations.push(`warning ${p.file ?? '-'} ${p.title}`),
  };
  const log = memoryLogger();
  const inputs = parseMergeInputs({
    plan: project.planFile,
    in: inDir,
    out: path.join(tmp, `report-${name}`),
    'project-dir': 'examples/shop',
    ...extra,
  });
  const outcome = await mergeReports(inputs, {
    log,
    readManifest,
    annotator,
    now: () => new Date('2024-01-15T12:00:00Z'),
    newInvocationId: () => 'merged',
  });
  return { outcome, annotations, log: log.lines };
}

/** `dbt ls --select <selector> --state <report dir>`: the unique ids dbt selects from our report. */
async function dbtLs(selector: string, stateDir: string, extra: string[] = []): Promise<string[]> {
  const p = project.projectDir;
  const r = await runDbt(
    [
      'ls',
      '--quiet',
      '--select',
      selector,
      ...extra,
      '--state',
      stateDir,
      '--output',
      'json',
      '--output-keys',
      'unique_id',
      '--project-dir',
      p,
      '--profiles-dir',
      p,
    ],
    {
      cwd: p,
      env: { ...process.env, DBT_DUCKDB_PATH: project.dbFile },
    },
  );
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => (JSON.parse(l) as { unique_id: string }).unique_id)
    .sort();
}

/** The failed nodes and every node downstream of them, from the manifest. */
function failedAndChildren(failed: string[]): string[] {
  const out = new Set(failed);
  let grew = true;
  while (grew) {
    grew = false;
    for (const n of project.manifest.nodes.values()) {
      if (!out.has(n.uniqueId) && n.dependsOn.some((d) => out.has(d)) && n.resourceType !== 'source') {
        out.add(n.uniqueId);
        grew = true;
      }
    }
  }
  return [...out].sort();
}

const allPlanned = (): string[] => [...project.plan.shards.flatMap((s) => s.nodes), ...project.plan.finalTests].sort();
/** the project's on-run-start/end hooks: every shard runs them, the merge lists each once */
const isHook = (id: string): boolean => id.startsWith('operation.');

describe('merge on real shard folders', () => {
  it('all shards pass: every planned node once, in plan order, a wall-span elapsed time, and dbt accepts the state dir', async () => {
    const { outcome } = await merge(dirs.pass, 'pass');
    expect(outcome.status).toBe('success');
    expect(outcome.exitCode).toBe(0);
    const written = RunResultsSchema.parse(JSON.parse(await fs.readFile(outcome.files.runResults, 'utf8')));
    const ids = written.results.map((r) => r.unique_id);
    expect(ids.filter((id) => !isHook(id)).sort()).toEqual(allPlanned());
    expect(new Set(ids.filter(isHook)).size).toBe(ids.filter(isHook).length);
    const order = [...project.plan.shards.map((s) => s.id), 'final'];
    const shardOf = written.results.map((r) => order.indexOf((r['dbt_matrix'] as { shard: string }).shard));
    expect(shardOf).toEqual([...shardOf].sort((a, b) => a - b));
    const rows = outcome.report.shards;
    const span =
      (Date.parse(
        rows
          .map((r) => r.endedAt!)
          .sort()
          .at(-1)!,
      ) -
        Date.parse(rows.map((r) => r.startedAt!).sort()[0]!)) /
      1000;
    expect(written.elapsed_time).toBeCloseTo(span, 2);
    expect(outcome.totals).toMatchObject({ failed: 0, nodes: ids.length });
    for (const f of ['run_results.json', 'summary.md', 'junit.xml', 'manifest.json', 'plan.json'])
      await fs.access(path.join(outcome.reportDir, f));
    expect(await dbtLs('result:fail+', outcome.reportDir)).toEqual([]);
    // `empty`: without it dbt adds the tests of the selected models (eager indirect selection).
    expect(await dbtLs('result:success', outcome.reportDir, ['--indirect-selection', 'empty'])).toEqual(
      written.results
        .filter((r) => r.status === 'success' && !isHook(r.unique_id))
        .map((r) => r.unique_id)
        .sort(),
    );
  });

  it('one failing test: reported with its file, annotated, exit 1, and `dbt ls result:fail+` lists exactly it and its children', async () => {
    const { outcome, annotations } = await merge(dirs.fail, 'fail');
    expect(outcome.status).toBe('failure');
    expect(outcome.exitCode).toBe(1);
    const failed = outcome.report.runResults.results.filter((r) => r.status === 'fail').map((r) => r.unique_id);
    expect(failed).toEqual([FAIL_TEST]);
    expect(outcome.totals).toMatchObject({
      failingNodes: 1,
      failedShards: 0,
      failed: 1,
      nodes: allPlanned().length + outcome.report.runResults.results.filter((r) => isHook(r.unique_id)).length,
    });
    expect(annotations).toContain(`error examples/shop/tests/assert_fail_when_requested.sql dbt fail: ${FAIL_TEST}`);
    const summary = await fs.readFile(outcome.files.summary, 'utf8');
    expect(summary).toContain('`tests/assert_fail_when_requested.sql`');
    expect(summary).toContain('```mermaid\ngantt');
    const junit = create(await fs.readFile(outcome.files.junit, 'utf8')).end({ format: 'object' }) as {
      testsuites: Record<string, string>;
    };
    expect(junit.testsuites).toMatchObject({
      '@failures': '1',
      '@errors': '0',
      '@tests': String(outcome.report.runResults.results.length),
    });
    expect(await dbtLs('result:fail+', outcome.reportDir)).toEqual(failedAndChildren(failed));
    const never = await merge(dirs.fail, 'fail-never', { 'fail-on': 'never' });
    expect(never.outcome.exitCode).toBe(0);
  });

  it('a model error (status edited into a real artifact): `dbt ls result:error+` lists the model and everything downstream', async () => {
    const inDir = path.join(tmp, 'in-model-error');
    await fs.cp(dirs.pass, inDir, { recursive: true });
    const model = 'model.shop.stg_orders';
    const owner = project.plan.shards.find((s) => s.nodes.includes(model))!;
    const file = path.join(inDir, owner.id, 'run_results.json');
    const rr = JSON.parse(await fs.readFile(file, 'utf8')) as {
      results: Array<{ unique_id: string; status: string; message: string }>;
    };
    for (const r of rr.results)
      if (r.unique_id === model)
        Object.assign(r, { status: 'error', message: 'Runtime Error (edited in by the test)' });
    await fs.writeFile(file, JSON.stringify(rr));
    const { outcome } = await merge(inDir, 'model-error');
    expect(outcome.status).toBe('failure');
    const selected = await dbtLs('result:error+', outcome.reportDir);
    expect(selected.length).toBeGreaterThan(10);
    expect(selected).toEqual(failedAndChildren([model]));
  });

  it('one missing shard: named, counted as a failure, the others still merged', async () => {
    const { outcome, log } = await merge(dirs.missing, 'missing');
    expect(outcome.status).toBe('failure');
    expect(outcome.exitCode).toBe(1);
    const missing = outcome.report.shards.find((s) => s.id === 's1-01')!;
    expect(missing).toMatchObject({ state: 'missing', failed: true });
    const lostShard = project.plan.shards.find((s) => s.id === 's1-01')!.nodes;
    const present = allPlanned().filter((id) => !lostShard.includes(id));
    const results = outcome.report.runResults.results;
    expect(
      results
        .filter((r) => !r.dbt_matrix.not_run && !isHook(r.unique_id))
        .map((r) => r.unique_id)
        .sort(),
    ).toEqual(present);
    // the lost shard's topmost nodes are named missing; what sits below them is skipped because of them
    const skippedBelow = results.filter((r) => r.dbt_matrix.not_run);
    expect([...missing.missingNodes, ...skippedBelow.map((r) => r.unique_id)].sort()).toEqual([...lostShard].sort());
    for (const r of skippedBelow)
      expect(
        r.dbt_matrix.skipped_because!.every((c) => missing.missingNodes.includes(c)),
        r.unique_id,
      ).toBe(true);
    expect(outcome.totals).toMatchObject({ failingNodes: 1, failedShards: 1, failed: 2 });
    expect(outcome.report.runResults.metadata.dbt_matrix.missing).toEqual(['s1-01']);
    expect(log.some((l) => l.includes('s1-01 is missing'))).toBe(true);
    expect(outcome.summaryMarkdown).toContain('**shard `s1-01`**');
  });

  it('a malformed run_results.json is an error naming the file; the other shards still merge', async () => {
    const inDir = path.join(tmp, 'in-malformed');
    await fs.cp(dirs.pass, inDir, { recursive: true });
    const broken = path.join(inDir, 's1-00', 'run_results.json');
    await fs.writeFile(broken, '{"metadata": ');
    const { outcome } = await merge(inDir, 'malformed');
    expect(outcome.status).toBe('failure');
    expect(outcome.report.problems.find((p) => p.level === 'error')?.message).toContain(broken);
    expect(outcome.report.shards.find((s) => s.id === 's1-00')).toMatchObject({ state: 'no-results', failed: true });
    const others = project.plan.shards.filter((s) => s.id !== 's1-00').flatMap((s) => s.nodes);
    expect(outcome.report.runResults.results.map((r) => r.unique_id)).toEqual(expect.arrayContaining(others));
  });
});
