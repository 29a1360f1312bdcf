import { promises as fs } from 'node:fs';
import path from 'node:path';
import { shardWorkRoot } from '../io/folders/index.js';
import { checkOutputDir, childDir, makeStagingDir, replaceDir } from '../io/out-dir.js';

/**
 * The folders one shard run uses inside --out:
 * - `shardDir` (DIR/<id>/): the artifact. The new one is built in `stagingDir` beside it and
 *   renamed into place at the end (`commit`), so an earlier attempt's folder is replaced whole and
 *   never emptied in place; a run that fails before dbt starts leaves the old one untouched.
 * - `workDir` (DIR/.work/<id>/): dbt's target and log paths. They hold dbt's own unredacted log,
 *   compiled SQL and manifest (vars, and so secrets, inlined): `cleanup` removes them when the
 *   shard ends, whatever happened.
 * The id comes from plan.json, a file: both folders are checked to sit directly inside theirs.
 */
export interface ShardFolders {
  shardDir: string;
  stagingDir: string;
  workDir: string;
  commit(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Checks --out and the id; creates nothing. */
export async function planShardFolders(
  out: string,
  id: string,
): Promise<{ out: string; shardDir: string; workDir: string }> {
  const root = await checkOutputDir(out, '--out');
  return {
    out: root,
    shardDir: childDir(root, id, '--plan: shard id'),
    workDir: childDir(shardWorkRoot(root), id, '--plan: shard id'),
  };
}

export async function openShardFolders(where: {
  out: string;
  shardDir: string;
  workDir: string;
}): Promise<ShardFolders> {
  const { out, shardDir, workDir } = where;
  const madeOut = !(await fs.stat(out).then(
    () => true,
    () => false,
  ));
  const stagingDir = await makeStagingDir(shardDir);
  let committed = false;
  await fs.rm(workDir, { recursive: true, force: true }); // a killed earlier run's leftovers
  await fs.mkdir(workDir, { recursive: true });
  return {
    shardDir,
    stagingDir,
    workDir,
    async commit() {
      await replaceDir(stagingDir, shardDir);
      committed = true;
    },
    async cleanup() {
      await fs.rm(workDir, { recursive: true, force: true });
      await fs.rmdir(path.dirname(workDir)).catch(() => undefined); // only when no other shard uses it
      if (committed) return;
      await fs.rm(stagingDir, { recursive: true, force: true });
      if (madeOut) await fs.rmdir(out).catch(() => undefined); // a run that failed leaves no empty --out
    },
  };
}
