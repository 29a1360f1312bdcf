import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isUserError, UserError } from '../core/errors.js';
import { MAX_RUN_RESULTS_VERSION, RunResultsSchema, runResultsVersion, type RunResults } from '../core/report/run-results.js';
import type { ReportProblem, ShardInput } from '../core/report/model.js';
import { ShardArtifactSchema, type ShardArtifact } from '../core/report/shard-artifact.js';
import { readJsonFile } from '../io/files.js';

export const SHARD_FILE = 'shard.json';
export const RESULTS_FILE = 'run_results.json';

/**
 * Reads every shard folder under `dir`. A missing or malformed file becomes a problem naming
 * the file — never an exception — so one broken shard cannot hide the others.
 */
export async function readShardFolders(dir: string): Promise<ShardInput[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    // No folder at all: every shard is missing, which the merge reports shard by shard.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`--in: cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected a folder of shard folders`);
  }
  // Dot-folders are not shards (the runner keeps its scratch space in `<out>/.work`).
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  return Promise.all(folders.map((id) => readShardFolder(path.join(dir, id), id)));
}

export async function readShardFolder(folder: string, id: string): Promise<ShardInput> {
  const problems: ReportProblem[] = [];
  const artifact = await readOptional<ShardArtifact>(path.join(folder, SHARD_FILE), ShardArtifactSchema, id, problems, 'warning');
  let results = await readOptional<RunResults>(path.join(folder, RESULTS_FILE), RunResultsSchema, id, problems, 'error');
  if (results) {
    const version = runResultsVersion(results);
    if (version !== null && version > MAX_RUN_RESULTS_VERSION) {
      problems.push(problem('error', id, path.join(folder, RESULTS_FILE), `is run_results schema v${version}; this dbt-matrix merges v${MAX_RUN_RESULTS_VERSION} and older`));
      results = null;
    }
  }
  if (artifact && artifact.id !== id) {
    problems.push(problem('warning', id, path.join(folder, SHARD_FILE), `names shard ${JSON.stringify(artifact.id)} but sits in folder ${JSON.stringify(id)}; the folder name is used`));
  }
  return { id, artifact, results, problems };
}

/**
 * A missing shard.json is a warning (the results still merge, only times and attempts are
 * unknown); a missing run_results.json is an error (the shard's nodes have no results).
 */
async function readOptional<T>(file: string, schema: import('zod').ZodType, shard: string, problems: ReportProblem[], missingLevel: 'error' | 'warning'): Promise<T | null> {
  try {
    await fs.access(file);
  } catch {
    problems.push(problem(missingLevel, shard, file, 'is missing'));
    return null;
  }
  try {
    return (await readJsonFile(file, schema, `shard ${shard}`)) as T;
  } catch (err) {
    if (!isUserError(err)) throw err;
    problems.push({ level: 'error', shard, file, message: err.message });
    return null;
  }
}

const problem = (level: ReportProblem['level'], shard: string, file: string, what: string): ReportProblem => ({ level, shard, file, message: `shard ${shard}: ${file} ${what}` });
