import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import type { Manifest } from '../core/manifest/types.js';
import type { Plan } from '../core/plan/schema.js';
import { DuckDbTool } from '../io/duckdb-state.js';
import { pythonOfDbt } from '../io/dbt-python.js';
import { profileRenderer, type RenderValues } from '../io/profile-render.js';
import { locateProfilesFile, readUserProfile } from '../io/profiles-file.js';
import type { Logger } from '../shared/log.js';
import { localFolder } from '../io/folders/index.js';
import type { LocalInputs } from './inputs.js';
import { chooseTarget, deriveDuckDbProfile, type DuckDbProfile } from './profile.js';
import { parseRelationName } from './relations.js';
import { duckDbState, sharedWarehouse, type WarehouseState } from './warehouse.js';

export interface PreparedWarehouse {
  /** the inputs every step of the run uses (on DuckDB: the derived profile and its target) */
  inputs: LocalInputs;
  /** the target's adapter type (`duckdb`, `postgres`, …) */
  adapter: string;
  /** opens the shared state once the plan (and its manifest) exists */
  open(manifest: Manifest, plan: Plan): Promise<WarehouseState>;
}

/**
 * Before the plan: reads the user's profile and, on DuckDB, writes the shards' profile so that the
 * plan's `dbt parse` hashes the same connection settings as every shard (partial parsing stays
 * valid). Anything that cannot work is refused here, before any dbt process starts.
 */
export async function prepareWarehouse(
  inputs: LocalInputs,
  env: NodeJS.ProcessEnv,
  log: Pick<Logger, 'info' | 'warning'>,
): Promise<PreparedWarehouse> {
  const run = inputs.run;
  const file = locateProfilesFile({
    profilesDir: run.profilesDir,
    projectDir: run.projectDir,
    env,
    cwd: process.cwd(),
  });
  const profile = await readUserProfile(file, run.projectDir);
  let python: string | null = inputs.python;
  const needPython = async (): Promise<string> => {
    python ??= await pythonOfDbt(run.dbtCommand, env);
    if (python === null)
      throw new UserError(
        `--python: cannot tell which Python runs ${run.dbtCommand} (no python shebang); expected --python with the interpreter that has dbt and the duckdb module`,
      );
    return python;
  };
  const render: RenderValues = async (values) =>
    profileRenderer(await needPython(), env, `--profiles-dir: ${file}`)(values);
  const lazyRender: RenderValues = (values) =>
    Object.values(values).some((v) => v.includes('{')) ? render(values) : Promise.resolve(values);
  const target = await chooseTarget(profile, run.target, lazyRender);
  if (target.type !== 'duckdb') {
    if (inputs.duckdbResult !== null)
      throw new UserError(
        `--duckdb-result: target ${target.name} is ${target.type}, not DuckDB; leave --duckdb-result out`,
      );
    return {
      inputs,
      adapter: target.type,
      open: async (manifest) => sharedWarehouse(env, manifest.metadata.adapterType ?? target.type),
    };
  }

  const derived = await deriveDuckDbProfile(profile, target, lazyRender, process.cwd());
  const result = inputs.duckdbResult ?? derived.userDatabase;
  if (path.basename(result, path.extname(result)) !== derived.catalog) {
    throw new UserError(
      `--duckdb-result: got ${result}, expected a file named ${derived.catalog}.duckdb (DuckDB names the catalog after the file, and views refer to it)`,
    );
  }
  const paths = localFolder(inputs.out);
  await fs.mkdir(paths.profileDir, { recursive: true });
  await fs.writeFile(path.join(paths.profileDir, 'profiles.yml'), derived.profilesYaml, { mode: 0o600 });
  const scoped = { profilesDir: paths.profileDir, target: derived.target };
  return {
    adapter: target.type,
    inputs: { ...inputs, plan: { ...inputs.plan, ...scoped }, run: { ...run, ...scoped } },
    open: async (manifest, plan) => {
      refuseOtherCatalogs(manifest, plan, derived);
      return duckDbState({
        dir: paths.dbDir,
        profile: derived,
        profilesDir: paths.profileDir,
        result,
        env,
        tool: new DuckDbTool(await needPython()),
        manifest,
        log,
      });
    },
  };
}

/** Nodes that write into another (attached) database would have every shard writing one file. */
function refuseOtherCatalogs(manifest: Manifest, plan: Plan, profile: DuckDbProfile): void {
  for (const id of plan.shards.flatMap((s) => s.nodes)) {
    const rel = manifest.nodes.get(id)?.relationName;
    const db = rel ? parseRelationName(rel)?.database : null;
    if (db && db !== profile.catalog) {
      throw new UserError(
        `--select: ${id} writes to ${rel}, in database ${db}, not ${profile.catalog}; local gives each shard its own copy of ${profile.catalog} only (attached databases are opened read-only): leave such models out of the selection or run them with dbt build`,
      );
    }
  }
}
