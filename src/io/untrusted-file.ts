import { constants, promises as fs } from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../core/errors.js';
import { SHARD_FOLDER } from '../core/folders.js';

/**
 * Reading files that came from somewhere we do not control (shard artifacts uploaded by other
 * jobs): a regular file only, never through a symlink, never blocking on a FIFO or a device, never
 * bigger than a bound, and validated before use. The checks run on the opened descriptor, so a
 * file swapped between a check and the read cannot slip through.
 */

const MiB = 1024 * 1024;

/** Bounds per artifact file: far above what dbt writes (50k results ≈ 100 MiB), far below V8's 512 MiB string limit. */
export const ARTIFACT_LIMITS = {
  [SHARD_FOLDER.runResults]: 256 * MiB,
  [SHARD_FOLDER.shard]: 16 * MiB,
} as const;

export type UntrustedRead = { ok: true; text: string } | { ok: false; missing: boolean; reason: string };

/**
 * Opens without following a final symlink (O_NOFOLLOW) and without blocking (O_NONBLOCK: a FIFO
 * with no writer opens at once instead of hanging), then checks the descriptor is a regular file
 * within `maxBytes` before reading it.
 */
export async function readUntrustedText(file: string, maxBytes: number): Promise<UntrustedRead> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, reason: 'is missing' };
    if (code === 'ELOOP')
      return { ok: false, missing: false, reason: 'is a symbolic link; artifacts must hold regular files only' };
    return { ok: false, missing: false, reason: `cannot be read (${code ?? String(err)})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      return {
        ok: false,
        missing: false,
        reason: `is ${kindOf(stat)}, not a regular file; artifacts must hold regular files only`,
      };
    if (stat.size > maxBytes) {
      return {
        ok: false,
        missing: false,
        reason: `is ${mib(stat.size)}, over the ${mib(maxBytes)} limit for this file; it is not what dbt-matrix run writes`,
      };
    }
    return { ok: true, text: await handle.readFile('utf8') };
  } catch (err) {
    return {
      ok: false,
      missing: false,
      reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    };
  } finally {
    await handle.close();
  }
}

/** Parses and validates untrusted JSON; every failure is one line naming the file, with no raw bytes echoed. */
export function parseUntrustedJson<S extends z.ZodType>(text: string, schema: S, file: string): z.infer<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the bytes around the error: they are the artifact's, not ours to print
    throw new UserError(`${file} is not valid JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.map((p) => printable(String(p))).join('.')}` : '';
    throw new UserError(`${file} is not what was expected${where}: ${printable(issue?.message ?? 'invalid')}`);
  }
  return parsed.data;
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}

const mib = (bytes: number): string => `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;

/** Control characters from a hostile file never reach a terminal or a summary. */
export const printable = (text: string, max = 200): string => {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};
