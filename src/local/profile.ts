import path from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../core/errors.js';
import type { UserProfile } from '../io/profiles-file.js';
import type { RenderValues } from '../io/profile-render.js';

/**
 * `local` on DuckDB runs every shard on a database file of its own, so it derives each shard's
 * profile from the user's: the same profile and target with every setting kept (extensions,
 * settings, plugins, secrets, …) except `path`, which becomes ONE relative file name for every
 * shard, resolved by dbt-duckdb against the working folder each shard's dbt runs in. One string
 * for all shards matters: dbt's partial parsing hashes the connection settings (the path
 * included), so the plan's parse stays valid for every shard. The file name keeps the user's
 * stem because DuckDB names the catalog after it and compiled SQL and stored views refer to it.
 */
export interface ChosenTarget {
  name: string;
  type: string;
  output: Record<string, unknown>;
}

export interface DuckDbProfile {
  target: string;
  /** DuckDB's catalog name: the stem of the user's path */
  catalog: string;
  /** where a plain `dbt build` would have written (absolute) */
  userDatabase: string;
  /** the path every shard's profile holds, relative to its working folder */
  shardPath: string;
  /** profiles.yml for every shard and for the plan's `dbt parse` */
  profilesYaml: string;
  /** aliases of attached databases opened read-only in the shards (parallel shards cannot share a writer) */
  attached: string[];
}

/** The target dbt would use: --target, else the profile's `target:` (rendered), else `default`. */
export async function chooseTarget(
  profile: UserProfile,
  targetInput: string | null,
  render: RenderValues,
): Promise<ChosenTarget> {
  const name =
    targetInput ?? (profile.target === null ? 'default' : (await render({ target: profile.target }))['target']!.trim());
  const output = profile.outputs[name];
  if (output === undefined) {
    throw new UserError(
      `--target: profile ${profile.profileName} in ${profile.file} has no target ${JSON.stringify(name)}; it has ${Object.keys(profile.outputs).join(', ')}`,
    );
  }
  const type = (await render({ type: String(output['type'] ?? '') }))['type']!.trim();
  return { name, type, output };
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/** Refuses what parallel shard files cannot do, before any dbt process starts. */
export async function deriveDuckDbProfile(
  profile: UserProfile,
  target: ChosenTarget,
  render: RenderValues,
  cwd: string,
): Promise<DuckDbProfile> {
  const where = `profile ${profile.profileName}, target ${target.name} (${profile.file})`;
  const out = target.output;
  const refuse = (what: string, fix: string): never => {
    throw new UserError(`--profiles-dir: ${where}: ${what}; local runs each shard on a DuckDB file of its own: ${fix}`);
  };
  const attach = Array.isArray(out['attach']) ? (out['attach'] as unknown[]) : [];
  const values: Record<string, string> = { path: String(out['path'] ?? ':memory:') };
  if (out['database'] !== undefined) values['database'] = String(out['database']);
  if (typeof out['external_root'] === 'string') values['external_root'] = out['external_root'];
  attach.forEach((a, i) => {
    if (a && typeof a === 'object' && typeof (a as Record<string, unknown>)['path'] === 'string')
      values[`attach.${i}.path`] = (a as Record<string, string>)['path']!;
  });
  const r = await render(values);
  const userPath = r['path']!.trim();
  if (userPath === '' || userPath === ':memory:')
    refuse(
      'the path is an in-memory database (nothing is kept and shards cannot share it)',
      'set `path:` to a file, e.g. path: dev.duckdb',
    );
  if (/^(md|motherduck):/i.test(userPath))
    refuse(
      `path ${userPath} is MotherDuck, a server`,
      'point the target at a local .duckdb file, or run the shards as GitHub jobs against MotherDuck',
    );
  if (URL_SCHEME.test(userPath) && !/^[a-z]:[\\/]/i.test(userPath))
    refuse(`path ${userPath} is not a local file`, 'set `path:` to a local .duckdb file');
  if (out['remote'] !== undefined)
    refuse('the target uses a remote DuckDB server (`remote:`)', 'use a target with a local `path:`');
  if (out['is_ducklake'] === true) refuse('the target is a DuckLake', 'use a target with a local .duckdb file');
  const catalog = path.basename(userPath).replace(/\.[^.]*$/, '');
  if (r['database'] !== undefined && r['database'] !== catalog) {
    refuse(
      `database ${r['database']} differs from the path's catalog ${catalog} (models would write into an attached database that every shard shares)`,
      `remove \`database:\` or set it to ${catalog}`,
    );
  }
  const attached: string[] = [];
  const derivedAttach = attach.map((a, i) => {
    if (!a || typeof a !== 'object') return a;
    const entry = { ...(a as Record<string, unknown>) };
    const p = r[`attach.${i}.path`];
    if (p !== undefined && !URL_SCHEME.test(p) && p !== ':memory:') entry['path'] = path.resolve(cwd, p);
    if (entry['read_only'] !== true && p !== ':memory:') {
      entry['read_only'] = true;
      attached.push(String(entry['alias'] ?? path.basename(String(p ?? i)).replace(/\.[^.]*$/, '')));
    }
    return entry;
  });
  const shardPath = `${catalog}.duckdb`;
  const derived: Record<string, unknown> = { ...out, path: shardPath };
  delete derived['database'];
  if (attach.length > 0) derived['attach'] = derivedAttach;
  // external materializations write files relative to the working folder, which is the shard's
  derived['external_root'] = path.resolve(cwd, r['external_root'] ?? '.');
  const doc: Record<string, unknown> = {
    [profile.profileName]: { target: target.name, outputs: { [target.name]: derived } },
  };
  if (profile.config !== undefined) doc['config'] = profile.config;
  return {
    target: target.name,
    catalog,
    userDatabase: path.resolve(cwd, userPath),
    shardPath,
    profilesYaml: `# written by dbt-matrix local from ${profile.file}: every shard's dbt reads this; only path (and external_root, made absolute) changed\n${stringify(doc)}`,
    attached,
  };
}
