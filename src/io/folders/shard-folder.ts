import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isUserError, UserError } from '../../core/errors.js';
import { SHARD_FOLDER } from '../../core/folders.js';
import { RunResultsSchema, type RunResults } from '../../core/report/run-results.js';
import type { ReportProblem, ShardInput } from '../../core/report/model.js';
import { ShardArtifactSchema, type ShardArtifact } from '../../core/report/shard-artifact.js';
import { isSafeShardId } from '../../shared/artifact-names.js';
import { writeFileAtomic, writeJsonAtomic } from '../files.js';
import { ARTIFACT_LIMITS, parseUntrustedJson, printable, readUntrustedText } from '../untrusted-file.js';
import { shardFolder } from './paths.js';

/** The shard folder: run writes it (writeShardFiles), merge reads it back (readShardFolders). */
export interface ShardFolderContents {
  shards: ShardInput[];
  /** entries of --in that are not shard folders (symlinks, files, names no shard can have) */
  ignored: ReportProblem[];
}

/**
 * Reads every shard folder under `dir`. Shard folders are artifacts other jobs uploaded, so they
 * are untrusted: only real folders whose names are shard ids (never a symlink, never `..`), and
 * inside them only regular files of bounded size (see io/untrusted-file.ts). A missing or bad
 * file becomes a problem naming the file — never an exception — so one broken shard cannot hide
 * the others.
 */
export async function readShardFolders(dir: string): Promise<ShardFolderContents> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    // No folder at all: every shard is missing, which the merge reports shard by shard.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { shards: [], ignored: [] };
    throw new UserError(
      `--in: cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected a folder of shard folders`,
    );
  }
  const ignored: ReportProblem[] = [];
  const folders: string[] = [];
  for (const e of entries) {
    // Dot-entries are not shards (the runner keeps its scratch space in `<out>/.work`).
    if (e.name.startsWith('.')) continue;
    const shown = JSON.stringify(printable(e.name));
    // Dirent types come from lstat: a symlink to a folder is a symlink here, never followed.
    if (!e.isDirectory())
      ignored.push({
        level: 'warning',
        shard: null,
        file: path.join(dir, printable(e.name)),
        message: `--in: ignored ${shown}: ${e.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}, and shard artifacts are folders of regular files`,
      });
    else if (!isSafeShardId(e.name))
      ignored.push({
        level: 'warning',
        shard: null,
        file: null,
        message: `--in: ignored folder ${shown}: not a shard id (letters, digits, _ . -, not starting with a dot)`,
      });
    else folders.push(e.name);
  }
  folders.sort();
  const shards = await Promise.all(folders.map((id) => readShardFolder(path.join(dir, id), id)));
  return { shards, ignored };
}

export async function readShardFolder(folder: string, id: string): Promise<ShardInput> {
  const problems: ReportProblem[] = [];
  const artifact = await readArtifactFile<ShardArtifact>(
    folder,
    SHARD_FOLDER.shard,
    ShardArtifactSchema,
    id,
    problems,
    'warning',
  );
  const results = await readArtifactFile<RunResults>(
    folder,
    SHARD_FOLDER.runResults,
    RunResultsSchema,
    id,
    problems,
    'error',
  );
  if (artifact && artifact.id !== id) {
    problems.push(
      problem(
        'warning',
        id,
        path.join(folder, SHARD_FOLDER.shard),
        `names shard ${JSON.stringify(printable(artifact.id))} but sits in folder ${JSON.stringify(id)}; the folder name is used`,
      ),
    );
  }
  return { id, artifact, results, problems };
}

/**
 * A missing shard.json is a warning (the results still merge, only times and attempts are
 * unknown); a missing run_results.json is an error (the shard's nodes have no results).
 * Anything present but not a regular file, too big or malformed is an error.
 */
async function readArtifactFile<T>(
  folder: string,
  name: keyof typeof ARTIFACT_LIMITS,
  schema: import('zod').ZodType,
  shard: string,
  problems: ReportProblem[],
  missingLevel: 'error' | 'warning',
): Promise<T | null> {
  const file = path.join(folder, name);
  const read = await readUntrustedText(file, ARTIFACT_LIMITS[name]);
  if (!read.ok) {
    problems.push(problem(read.missing ? missingLevel : 'error', shard, file, read.reason));
    return null;
  }
  try {
    return parseUntrustedJson(read.text, schema, file) as T;
  } catch (err) {
    if (!isUserError(err)) throw err;
    problems.push({ level: 'error', shard, file, message: `shard ${shard}: ${err.message}` });
    return null;
  }
}

const problem = (level: ReportProblem['level'], shard: string, file: string, what: string): ReportProblem => ({
  level,
  shard,
  file,
  message: `shard ${shard}: ${file} ${what}`,
});

/**
 * Writes a shard folder's run_results.json (the text given, already redacted) and shard.json,
 * both atomically; shard.json is checked against its schema on the way out as merge checks it
 * on the way in.
 */
export async function writeShardFiles(
  dir: string,
  runResultsText: string,
  artifact: ShardArtifact,
): Promise<ShardArtifact> {
  const files = shardFolder(dir);
  await writeFileAtomic(files.runResults, `${runResultsText}\n`);
  const checked = ShardArtifactSchema.parse(artifact);
  await writeJsonAtomic(files.shard, checked);
  return checked;
}
