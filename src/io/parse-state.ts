import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DBT_FILES, PLAN_FOLDER } from '../core/folders.js';
import { installedPackageCount, packagesInstallPath } from './dbt-deps.js';
import { pathExists } from './files.js';
import type { SecretValue } from './redact.js';
import { planFolder } from './folders/index.js';

/**
 * dbt's parse state travels in the plan folder, so a shard's dbt skips parsing and never runs
 * `dbt deps`:
 *   <plan>/dbt-state/partial_parse.msgpack   the plan's parse, made with the shards' vars, profile and target
 *   <plan>/dbt-state/packages/               the installed packages (<packages-install-path>)
 * dbt keys the files of a saved parse by project-relative path and content checksum, so the state
 * is valid in another checkout of the same commit (its dbt says nothing: no "Unable to do partial
 * parsing" line).
 */
const PARTIAL_PARSE_FILE = DBT_FILES.partialParse;
const PACKAGES_DIR = PLAN_FOLDER.parseStatePackages;

/** What went into the plan folder: the parse, nothing, or nothing because it held a secret. */
export type ShippedState = { parse: 'shipped' | 'none' } | { parse: 'withheld'; secret: string };

/**
 * Copies the parse state of the plan's `dbt parse` into the plan folder (nothing when dbt saved
 * none, or when the plan did not parse: a state left from an earlier plan in the folder goes).
 * dbt keeps the value of every environment variable a project file reads while parsing inside
 * partial_parse.msgpack (to notice when it changes), and the plan folder is an artifact anyone
 * with read access can download: a parse that holds a secret's value stays behind, and each
 * shard then parses the project itself.
 */
export async function shipParseState(
  parsed: { targetPath: string; projectDir: string } | null,
  planDir: string,
  secrets: readonly SecretValue[],
): Promise<ShippedState> {
  const dir = planFolder(planDir).parseState;
  await fs.rm(dir, { recursive: true, force: true });
  if (parsed === null) return { parse: 'none' };
  const { targetPath, projectDir } = parsed;
  const msgpack = path.join(targetPath, PARTIAL_PARSE_FILE);
  if (!(await pathExists(msgpack))) return { parse: 'none' };
  const bytes = await fs.readFile(msgpack);
  const held = secrets.find((s) => s.value !== '' && bytes.includes(s.value));
  await fs.mkdir(dir, { recursive: true });
  // the bytes just searched are the ones shipped: the file is read once
  if (held === undefined) await fs.writeFile(path.join(dir, PARTIAL_PARSE_FILE), bytes);
  const packages = path.join(projectDir, await packagesInstallPath(projectDir));
  // links (dbt deps links `local:` packages) become files: the artifact service keeps no links
  if ((await installedPackageCount(packages)) > 0)
    await fs.cp(packages, path.join(dir, PACKAGES_DIR), { recursive: true, dereference: true });
  return held === undefined ? { parse: 'shipped' } : { parse: 'withheld', secret: held.name };
}

export interface PlacedState {
  /** the shipped parse was put in the shard's target folder */
  parse: boolean;
  /** the shipped packages were put in the project (it had none installed) */
  packages: boolean;
}

/**
 * Puts the plan's parse state in place for one shard: the msgpack into the shard's own target
 * folder, and the packages into the project when it has none installed (as `dbt deps` would
 * install them; installed packages are left as they are).
 */
export async function placeParseState(planDir: string, projectDir: string, targetPath: string): Promise<PlacedState> {
  const dir = planFolder(planDir).parseState;
  const placed: PlacedState = { parse: false, packages: false };
  if (await pathExists(path.join(dir, PARTIAL_PARSE_FILE))) {
    await fs.mkdir(targetPath, { recursive: true });
    await fs.copyFile(path.join(dir, PARTIAL_PARSE_FILE), path.join(targetPath, PARTIAL_PARSE_FILE));
    placed.parse = true;
  }
  if (await pathExists(path.join(dir, PACKAGES_DIR))) {
    const installDir = path.join(projectDir, await packagesInstallPath(projectDir));
    if ((await installedPackageCount(installDir)) === 0) {
      await fs.cp(path.join(dir, PACKAGES_DIR), installDir, { recursive: true });
      placed.packages = true;
    }
  }
  return placed;
}
