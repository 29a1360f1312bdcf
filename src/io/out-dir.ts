import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';

/**
 * Where dbt-matrix writes: the `--out` folders, and the folders inside them named after ids read
 * from files (a plan's shard ids). Both are checked before any work starts, so a bad path is one
 * line naming the input instead of a half-written folder or a stack trace.
 */

/**
 * File systems that only look like folders: the kernel's views (/proc, /sys...). Writing there
 * fails in odd ways, and Node's recursive mkdir loops forever under /proc. tmpfs (/dev, /dev/shm)
 * is an ordinary file system and stays allowed. Numbers from linux/magic.h.
 */
const SPECIAL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0x65735543, 'fusectl'],
  [0x19800202, 'mqueue'],
  [0x42494e4d, 'binfmt_misc'],
  [0xde5e81e4, 'efivarfs'],
]);

/**
 * Checks that `dir` is, or can become, a folder we may write into: every part that exists is a
 * folder, the deepest existing one is writable and on an ordinary file system. Creates nothing.
 * Returns the absolute path.
 */
export async function checkOutputDir(dir: string, input: string): Promise<string> {
  const target = path.resolve(dir);
  let existing = target;
  for (;;) {
    const st = await fs.stat(existing).catch((err: NodeJS.ErrnoException) => err);
    if (!(st instanceof Error)) {
      if (!st.isDirectory()) {
        const what = existing === target ? 'is not a folder' : `cannot be created: ${existing} is not a folder`;
        throw new UserError(
          `${input}: ${JSON.stringify(dir)} ${what}; expected a folder to write into (or a path where one can be made)`,
        );
      }
      break;
    }
    if (st.code !== 'ENOENT' && st.code !== 'ENOTDIR') throw outputError(input, dir, st);
    const parent = path.dirname(existing);
    if (parent === existing) throw outputError(input, dir, st);
    existing = parent;
  }
  const fsType = SPECIAL_FILE_SYSTEMS.get((await fs.statfs(existing)).type);
  if (fsType !== undefined) {
    throw new UserError(
      `${input}: ${JSON.stringify(dir)} is on the kernel's ${fsType} file system; expected a folder on an ordinary disk`,
    );
  }
  try {
    await fs.access(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw outputError(input, dir, err as NodeJS.ErrnoException, existing);
  }
  return target;
}

function outputError(input: string, dir: string, err: NodeJS.ErrnoException, at?: string): UserError {
  const where = at !== undefined && at !== path.resolve(dir) ? ` (at ${at})` : '';
  const reason =
    err.code === 'EACCES' || err.code === 'EPERM'
      ? 'no permission to write'
      : err.code === 'EROFS'
        ? 'read-only file system'
        : (err.code ?? err.message);
  return new UserError(
    `${input}: cannot write to ${JSON.stringify(dir)}${where}: ${reason}; expected a writable folder`,
  );
}

/**
 * `root/name` for a name read from a file (a shard id): one plain path segment, resolved and
 * checked to sit directly inside `root`, so no id can reach outside (`..`, `/`, `\`, a drive).
 */
export function childDir(root: string, name: string, what: string): string {
  const base = path.resolve(root);
  const dir = path.resolve(base, name);
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || path.dirname(dir) !== base) {
    throw new UserError(`${what}: got ${JSON.stringify(name)}, expected a plain folder name inside ${base}`);
  }
  return dir;
}

/** A folder beside `target` (same file system, so renames are atomic) for building its replacement. */
export async function makeStagingDir(target: string): Promise<string> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  return fs.mkdtemp(path.join(path.dirname(target), `.${path.basename(target)}.new-`));
}

/**
 * Puts the folder built at `staging` in place of `target` with renames only: an older `target`
 * is first renamed aside, then removed; `target` is never emptied in place, and a reader sees
 * either the old folder or the new one whole.
 */
export async function replaceDir(staging: string, target: string): Promise<void> {
  const aside = `${path.join(path.dirname(target), `.${path.basename(target)}.old-`)}${process.pid}-${Date.now()}`;
  const hadOld = await fs.rename(target, aside).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
  await fs.rename(staging, target);
  if (hadOld) await fs.rm(aside, { recursive: true, force: true });
}
