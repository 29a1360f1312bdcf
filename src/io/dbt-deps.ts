import { promises as fs } from 'node:fs';
import path from 'node:path';
import { userFile } from './files.js';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { runOrExplain, type ParseRequest } from './dbt-parse.js';

/** dbt reads the packages to install from the first of these that exists. */
const PACKAGE_FILES = ['dependencies.yml', 'packages.yml'];
const DEFAULT_INSTALL_PATH = 'dbt_packages';

const PackagesFileSchema = z.looseObject({ packages: z.array(z.unknown()).nullish() }).nullable();
const ProjectFileSchema = z.looseObject({ 'packages-install-path': z.string().optional() });

/**
 * Installs the project's packages with `dbt deps` when fewer are installed than declared — the
 * same count dbt checks before it refuses to parse ("found N package(s) specified …, but only M
 * installed"). `dbt deps` installs what package-lock.yml pins when the lock matches the
 * declarations (dbt writes the lock otherwise, as it always does). Returns whether it ran.
 */
export async function installPackagesIfMissing(req: ParseRequest, env: NodeJS.ProcessEnv): Promise<boolean> {
  const declared = await declaredPackageCount(req.projectDir);
  if (declared === 0) return false;
  const installed = await installedPackageCount(path.join(req.projectDir, await packagesInstallPath(req.projectDir)));
  if (installed >= declared) return false;
  const args = ['deps', '--project-dir', req.projectDir];
  if (req.profilesDir) args.push('--profiles-dir', req.profilesDir);
  if (req.vars && Object.keys(req.vars).length > 0) args.push('--vars', JSON.stringify(req.vars));
  await runOrExplain(req.dbtCommand, args, env, req.projectDir);
  return true;
}

/** `packages-install-path` of dbt_project.yml, relative to the project (dbt's default dbt_packages). */
export async function packagesInstallPath(projectDir: string): Promise<string> {
  const file = userFile(projectDir, 'dbt_project.yml');
  const doc = await readYaml(file, ProjectFileSchema);
  return doc?.['packages-install-path'] ?? DEFAULT_INSTALL_PATH;
}

async function declaredPackageCount(projectDir: string): Promise<number> {
  for (const name of PACKAGE_FILES) {
    const doc = await readYaml(path.join(projectDir, name), PackagesFileSchema);
    if (doc !== undefined) return doc?.packages?.length ?? 0;
  }
  return 0;
}

/** Installed packages as dbt counts them: folders (or links to folders) not named `__*`. */
export async function installedPackageCount(dir: string): Promise<number> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const dirs = await Promise.all(
    entries
      .filter((e) => !e.startsWith('__'))
      .map((e) =>
        fs.stat(path.join(dir, e)).then(
          (s) => s.isDirectory(),
          () => false,
        ),
      ),
  );
  return dirs.filter(Boolean).length;
}

/** undefined when the file does not exist; a file that is not valid YAML of this shape is a UserError. */
async function readYaml<S extends z.ZodType>(file: string, schema: S): Promise<z.infer<S> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError(
      `--project-dir: ${file} is not valid YAML (${(err as Error).message.split('\n')[0]}); fix the file`,
    );
  }
  const parsed = schema.safeParse(doc ?? null);
  if (!parsed.success)
    throw new UserError(
      `--project-dir: ${file} has an unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'}); expected dbt's format`,
    );
  return parsed.data;
}
