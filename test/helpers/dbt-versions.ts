/**
 * The dbt-core minors the suite runs the example project under: scripts/setup.sh makes a virtualenv
 * per older minor in .venvs/dbt-1.X (dbt-core + dbt-duckdb of that minor); 1.11 is .venv itself.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseDocument, isMap, isSeq, type YAMLMap } from 'yaml';
import { REPO_ROOT } from './dbt.js';

export interface DbtVersionEnv {
  minor: string;
  dbt: string;
}

export const DBT_VERSIONS: DbtVersionEnv[] = [
  ...['1.8', '1.9', '1.10'].map((minor) => ({
    minor,
    dbt: path.join(REPO_ROOT, '.venvs', `dbt-${minor}`, 'bin', 'dbt'),
  })),
  { minor: '1.11', dbt: path.join(REPO_ROOT, '.venv', 'bin', 'dbt') },
];

export const minorAtLeast = (minor: string, than: string): boolean => {
  const [a, b] = minor.split('.').map(Number) as [number, number];
  const [c, d] = than.split('.').map(Number) as [number, number];
  return a > c || (a === c && b >= d);
};

/**
 * dbt before 1.10 does not know the `arguments:` key of generic tests (it reads
 * `relationships: {arguments: {to, field}}` as a test argument named "arguments"): rewrite the
 * project's YAML to the older form `relationships: {to, field}`, which 1.10+ still accepts.
 */
export async function useOldTestSyntax(projectDir: string): Promise<number> {
  let rewritten = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (/\.ya?ml$/.test(entry.name)) {
        const doc = parseDocument(await fs.readFile(file, 'utf8'));
        let changed = false;
        const visit = (node: unknown): void => {
          if (isSeq(node)) for (const item of node.items) visit(item);
          if (!isMap(node)) return;
          const args = node.get('arguments', true);
          if (isMap(args)) {
            for (const pair of (args as YAMLMap).items) node.set(pair.key, pair.value);
            node.delete('arguments');
            changed = true;
          }
          for (const pair of node.items) visit(pair.value);
        };
        visit(doc.contents);
        if (changed) {
          await fs.writeFile(file, doc.toString());
          rewritten++;
        }
      }
    }
  };
  await walk(path.join(projectDir, 'models'));
  return rewritten;
}
