import { describe, expect, it } from 'vitest';
import { NO_DBT_FLAGS, parseDbtFlags } from '../../src/run/dbt-flags.js';
import { buildArgs, retryArgs, type DbtInvocationBase } from '../../src/run/dbt-args.js';
import { SELECTION_METHOD, selectionRunResults } from '../../src/run/selection.js';
import { reparseReason } from '../../src/run/reparse.js';

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
};
const sel = { stateDir: '/out/.work/s1/select-state' };

describe('buildArgs', () => {
  it('passes vars as one argv element of JSON, whatever the values hold', () => {
    const vars = {
      ...base.vars,
      q: `it's "quoted" $(rm -rf /) \`x\` ; | & > *`,
      nl: 'a\nb\r\nc',
      u: 'ünïcødé ✓',
      n: 1.5,
      tuple: "('a','b')",
    };
    const args = buildArgs({ ...base, vars }, sel);
    const i = args.indexOf('--vars');
    expect(i).toBeGreaterThan(0);
    expect(JSON.parse(args[i + 1]!)).toEqual(vars);
    expect(args[i + 2]).toMatch(/^--/);
  });

  it("builds exactly the listed nodes with empty indirect selection and the shard's own paths", () => {
    const args = buildArgs({ ...base, fullRefresh: true, defer: true }, sel);
    expect(args[0]).toBe('build');
    const pairs = (flag: string) => args[args.indexOf(flag) + 1];
    expect(pairs('--indirect-selection')).toBe('empty');
    expect(pairs('--threads')).toBe('4');
    expect(pairs('--target')).toBe('prod');
    expect(pairs('--project-dir')).toBe('/p');
    expect(pairs('--profiles-dir')).toBe('/profiles');
    expect(pairs('--target-path')).toBe('/out/.work/s1/target');
    expect(pairs('--log-path')).toBe('/out/.work/s1/logs');
    expect(args.slice(args.indexOf('--select'), args.indexOf('--select') + 4)).toEqual([
      '--select',
      SELECTION_METHOD,
      '--state',
      sel.stateDir,
    ]);
    expect(args).not.toContain('--exclude');
    expect(args).toContain('--full-refresh');
    // deferral reads the same --state folder (the production manifest is linked into it)
    expect(args).toContain('--defer');
    expect(args).not.toContain('--defer-state');
  });

  it('leaves out optional flags', () => {
    const args = buildArgs({ ...base, profilesDir: null, target: null }, sel);
    for (const f of ['--selector', '--exclude', '--profiles-dir', '--target', '--full-refresh', '--defer'])
      expect(args).not.toContain(f);
  });

  it('retries in the same target path with the same vars and threads, without --state or a selection', () => {
    const args = retryArgs({ ...base, defer: true });
    expect(args[0]).toBe('retry');
    expect(args[args.indexOf('--target-path') + 1]).toBe(base.targetPath);
    expect(JSON.parse(args[args.indexOf('--vars') + 1]!)).toEqual(base.vars);
    expect(args[args.indexOf('--threads') + 1]).toBe('4');
    for (const f of ['--state', '--select', '--selector', '--target', '--indirect-selection'])
      expect(args).not.toContain(f);
  });
});

describe('selection', () => {
  it("lists the shard's unique ids as successes in a run_results.json dbt reads", () => {
    const doc = selectionRunResults(
      ['model.shop.stg', 'test.shop.not_null_stg_id.abc'],
      '2024-01-01T00:00:00.000Z',
    ) as { metadata: { dbt_schema_version: string }; results: Array<{ unique_id: string; status: string }> };
    expect(doc.metadata.dbt_schema_version).toMatch(/run-results\/v6\.json$/);
    expect(doc.results.map((r) => [r.unique_id, r.status])).toEqual([
      ['model.shop.stg', 'success'],
      ['test.shop.not_null_stg_id.abc', 'success'],
    ]);
  });
});

describe('reparseReason', () => {
  it("takes dbt's reason from its info line, colours and all", () => {
    expect(reparseReason('\u001b[0m10:00:46  Unable to do partial parsing because profile has changed')).toBe(
      'profile has changed',
    );
    expect(reparseReason('Unable to do partial parsing because of a version mismatch')).toBe('of a version mismatch');
    expect(reparseReason('Unable to do partial parsing because saved manifest not found. Starting full parse.')).toBe(
      'saved manifest not found. Starting full parse',
    );
  });

  it('is null for any other line', () => {
    expect(reparseReason('10:00:46  Found 61 models, 3 seeds')).toBeNull();
    expect(reparseReason('Partial parsing enabled, no changes found, skipping parsing')).toBeNull();
  });
});

describe('extra dbt flags (--dbt-flags)', () => {
  it('become argv elements of build, and of retry only where dbt retry takes them', () => {
    const flags = parseDbtFlags([
      '--fail-fast',
      ' --empty ',
      '--warn-error-options={"error": "all", "warn": []}',
      '--log-level warn',
      '',
    ]);
    expect(flags.build).toEqual([
      '--fail-fast',
      '--empty',
      '--warn-error-options',
      '{"error": "all", "warn": []}',
      '--log-level',
      'warn',
    ]);
    expect(flags.retry).toEqual([
      '--fail-fast',
      '--warn-error-options',
      '{"error": "all", "warn": []}',
      '--log-level',
      'warn',
    ]);
    const build = buildArgs({ ...base, dbtFlags: flags }, sel);
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
