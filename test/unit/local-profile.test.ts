import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { locateProfilesFile, readUserProfile, type UserProfile } from '../../src/io/profiles-file.js';
import { chooseTarget, deriveDuckDbProfile } from '../../src/local/profile.js';

/** values without Jinja need no rendering: local renders through dbt's Python only when a value has `{` */
const plain = (values: Record<string, string>) => Promise.resolve(values);

function profile(output: Record<string, unknown>, extra: Partial<UserProfile> = {}): UserProfile {
  return {
    file: '/p/profiles.yml',
    profileName: 'shop',
    config: undefined,
    target: 'dev',
    outputs: { dev: output },
    ...extra,
  };
}

describe("local's per-shard DuckDB profile", () => {
  it('keeps every setting but the path, which is one relative file name named after the catalog', async () => {
    const p = profile({
      type: 'duckdb',
      path: 'data/warehouse.duckdb',
      threads: 24,
      extensions: ['httpfs'],
      settings: { memory_limit: '1GB' },
      plugins: [{ module: 'excel' }],
    });
    const d = await deriveDuckDbProfile(p, await chooseTarget(p, null, plain), plain, '/work/here');
    expect(d).toMatchObject({
      target: 'dev',
      catalog: 'warehouse',
      userDatabase: '/work/here/data/warehouse.duckdb',
      shardPath: 'warehouse.duckdb',
      attached: [],
    });
    const doc = parse(d.profilesYaml) as Record<
      string,
      { target: string; outputs: Record<string, Record<string, unknown>> }
    >;
    expect(doc['shop']!.target).toBe('dev');
    expect(doc['shop']!.outputs['dev']).toEqual({
      type: 'duckdb',
      path: 'warehouse.duckdb',
      threads: 24,
      extensions: ['httpfs'],
      settings: { memory_limit: '1GB' },
      plugins: [{ module: 'excel' }],
      external_root: '/work/here',
    });
  });

  it('opens attached databases read-only at absolute paths (parallel shards cannot share a writer)', async () => {
    const p = profile({
      type: 'duckdb',
      path: '/db/main.duckdb',
      attach: [
        { path: 'ref.duckdb', alias: 'ref' },
        { path: '/x/ro.duckdb', read_only: true },
        { path: 's3://b/k.duckdb', alias: 'remote' },
      ],
    });
    const d = await deriveDuckDbProfile(p, await chooseTarget(p, null, plain), plain, '/w');
    const out = (parse(d.profilesYaml) as Record<string, { outputs: Record<string, { attach: unknown[] }> }>)['shop']!
      .outputs['dev']!;
    expect(out.attach).toEqual([
      { path: '/w/ref.duckdb', alias: 'ref', read_only: true },
      { path: '/x/ro.duckdb', read_only: true },
      { path: 's3://b/k.duckdb', alias: 'remote', read_only: true },
    ]);
    expect(d.attached).toEqual(['ref', 'remote']);
  });

  it.each([
    [{ type: 'duckdb' }, /in-memory database .*set `path:` to a file/],
    [{ type: 'duckdb', path: ':memory:' }, /in-memory database/],
    [{ type: 'duckdb', path: 'md:prod' }, /MotherDuck, a server/],
    [{ type: 'duckdb', path: 's3://bucket/x.duckdb' }, /is not a local file/],
    [
      { type: 'duckdb', path: 'a.duckdb', database: 'other' },
      /database other differs from the path's catalog a .*remove `database:` or set it to a/,
    ],
    [{ type: 'duckdb', path: 'a.duckdb', remote: { host: 'x' } }, /remote DuckDB server/],
  ])('refuses %j with what to change', async (output, message) => {
    const p = profile(output);
    await expect(deriveDuckDbProfile(p, await chooseTarget(p, null, plain), plain, '/w')).rejects.toThrow(message);
  });

  it('takes --target over the profile, and names the targets there are when one is missing', async () => {
    const p = profile(
      { type: 'duckdb', path: 'a.duckdb' },
      { outputs: { dev: { type: 'duckdb', path: 'a.duckdb' }, ci: { type: 'postgres' } } },
    );
    expect((await chooseTarget(p, 'ci', plain)).type).toBe('postgres');
    await expect(chooseTarget(p, 'prod', plain)).rejects.toThrow(
      /^--target: profile shop in \/p\/profiles\.yml has no target "prod"; it has dev, ci$/,
    );
  });
});

describe('profiles.yml as dbt finds it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'profiles-'));
  const home = path.join(dir, 'home');
  const cwd = path.join(dir, 'cwd');
  const project = path.join(dir, 'project');
  for (const d of [path.join(home, '.dbt'), cwd, project]) mkdirSync(d, { recursive: true });
  writeFileSync(
    path.join(home, '.dbt', 'profiles.yml'),
    'shop: { target: dev, outputs: { dev: { type: duckdb, path: home.duckdb } } }\n',
  );
  writeFileSync(path.join(project, 'dbt_project.yml'), 'name: shop\nprofile: shop\n');
  const locate = (o: { profilesDir?: string; env?: NodeJS.ProcessEnv }) =>
    locateProfilesFile({ profilesDir: o.profilesDir ?? null, projectDir: project, env: o.env ?? {}, cwd, home });

  it('--profiles-dir, then DBT_PROFILES_DIR, then the working directory, then ~/.dbt', () => {
    expect(locate({ profilesDir: '/a', env: { DBT_PROFILES_DIR: '/b' } })).toBe('/a/profiles.yml');
    expect(locate({ env: { DBT_PROFILES_DIR: '/b' } })).toBe('/b/profiles.yml');
    expect(locate({})).toBe(path.join(home, '.dbt', 'profiles.yml'));
    writeFileSync(path.join(cwd, 'profiles.yml'), 'x: 1\n');
    expect(locate({})).toBe(path.join(cwd, 'profiles.yml'));
  });

  it("reads the project's profile, and says which profiles exist when it is not there", async () => {
    const p = await readUserProfile(path.join(home, '.dbt', 'profiles.yml'), project);
    expect(p).toMatchObject({
      profileName: 'shop',
      target: 'dev',
      outputs: { dev: { type: 'duckdb', path: 'home.duckdb' } },
    });
    await expect(readUserProfile(path.join(cwd, 'profiles.yml'), project)).rejects.toThrow(
      /has no profile "shop" \(named in dbt_project\.yml\); it has x$/,
    );
    await expect(readUserProfile(path.join(dir, 'none.yml'), project)).rejects.toThrow(
      /--profiles-dir: .*none\.yml does not exist; pass --profiles-dir or set DBT_PROFILES_DIR/,
    );
  });
});
