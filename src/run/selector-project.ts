import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/files.js';

/**
 * dbt reads YAML selectors only from `selectors.yml` in the project root (there is no flag for
 * another file), and a shard must not write into the user's project: local shards share it.
 * So a long node list gets a *view* of the project: a folder of symlinks to every top-level
 * entry of the real project, plus our own selectors.yml. dbt parses through the links (paths
 * in the manifest stay relative to the root, so results look the same); target/ and logs/ are
 * left out because every shard has its own --target-path and --log-path.
 */
const NOT_LINKED = new Set(['selectors.yml', 'target', 'logs']);

export async function prepareSelectorProject(projectDir: string, viewDir: string, selectorsYaml: string): Promise<string> {
  const source = path.resolve(projectDir);
  await fs.rm(viewDir, { recursive: true, force: true });
  await fs.mkdir(viewDir, { recursive: true });
  for (const entry of await fs.readdir(source)) {
    if (NOT_LINKED.has(entry)) continue;
    await fs.symlink(path.join(source, entry), path.join(viewDir, entry));
  }
  await writeFileAtomic(path.join(viewDir, 'selectors.yml'), selectorsYaml);
  return viewDir;
}
