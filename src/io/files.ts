import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { UserError } from '../core/errors.js';

/** A name beside `file` (same file system, so the rename is atomic) that no other writer uses. */
const tempNameFor = (file: string): string => `${file}.${process.pid}.${Date.now()}.tmp`;

/** Produces `file` via a temp file in the same folder and a rename, so readers never see half a file. */
async function viaTempFile(file: string, produce: (tmp: string) => Promise<void>): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = tempNameFor(file);
  try {
    await produce(tmp);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await viaTempFile(file, (tmp) => fs.writeFile(tmp, data));
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads and validates a JSON file; every failure is one line naming the file. */
export async function readJsonFile<S extends z.ZodType>(file: string, schema: S, label: string): Promise<z.infer<S>> {
  let text: string;
  try {
    // a FIFO or a device would block or never end: only regular files are read
    if (!(await fs.stat(file)).isFile())
      throw new UserError(`${label}: ${file} is not a regular file; expected a JSON file`);
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `${label}: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${label}: ${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new UserError(`${label}: ${file} is not what was expected${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export async function pathExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

export interface StagedCopy {
  /** waits for the copy and renames it into place */
  commit(): Promise<void>;
  /** removes the copy, and the folder if this copy made it */
  discard(): Promise<void>;
}

/**
 * Starts copying `from` to a temp file beside `to` now, so the kernel copies while the caller
 * works, and puts it in place only on `commit`: a run that fails before then leaves nothing.
 */
export function stageCopy(from: string, to: string): StagedCopy {
  if (path.resolve(from) === path.resolve(to))
    return { commit: () => Promise.resolve(), discard: () => Promise.resolve() };
  const tmp = tempNameFor(to);
  const made = fs.mkdir(path.dirname(to), { recursive: true });
  const copied = made.then(() => fs.copyFile(from, tmp));
  copied.catch(() => undefined); // awaited by commit or discard
  return {
    async commit() {
      try {
        await copied;
        await fs.rename(tmp, to);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
    },
    async discard() {
      await copied.catch(() => undefined);
      await fs.rm(tmp, { force: true });
      const createdDir = await made.catch(() => undefined);
      if (createdDir !== undefined) await fs.rm(createdDir, { recursive: true, force: true });
    },
  };
}

/** Copies (the kernel streams it: manifests reach hundreds of MB) to a temp name, then renames. */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  if (path.resolve(from) === path.resolve(to)) return;
  await viaTempFile(to, (tmp) => fs.copyFile(from, tmp));
}

/**
 * `dir/name` for a file of the user's project (profiles.yml, dbt_project.yml). Behind a function on
 * purpose: ncc's asset relocator copies into dist/ every file on disk that a literal
 * `path.join(dir, 'profiles.yml')` could name, and a user's file is never ours to bundle.
 */
export function userFile(dir: string, name: string): string {
  return path.resolve(dir, name);
}
