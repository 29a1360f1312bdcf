/**
 * A small dbt manifest.json (v12 shape, only the fields dbt-matrix reads) and a plan.json for it,
 * written to disk: for tests of what plan and run do with their files before dbt would start.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const TINY_MODELS = ['a', 'b', 'c'];

export function tinyManifest(models: readonly string[] = TINY_MODELS): Record<string, unknown> {
  const nodes = Object.fromEntries(
    models.map((name, i) => [
      `model.tiny.${name}`,
      {
        unique_id: `model.tiny.${name}`,
        resource_type: 'model',
        name,
        package_name: 'tiny',
        fqn: ['tiny', name],
        path: `${name}.sql`,
        original_file_path: `models/${name}.sql`,
        tags: [],
        config: { enabled: true, materialized: 'table' },
        depends_on: { nodes: i === 0 ? [] : [`model.tiny.${models[i - 1]}`] },
        checksum: { name: 'sha256', checksum: name },
      },
    ]),
  );
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      dbt_version: '1.11.0',
      project_name: 'tiny',
      adapter_type: 'duckdb',
    },
    nodes,
    sources: {},
    exposures: {},
    unit_tests: {},
    selectors: {},
  };
}

export function tinyPlan(shards: Array<{ id: string; index?: number; nodes?: string[] }>): Record<string, unknown> {
  return {
    version: 1,
    createdAt: '2024-01-15T10:00:00.000Z',
    dbtVersion: '1.11.0',
    projectName: 'tiny',
    selection: { select: [], exclude: [], selector: null, state: null },
    threads: 1,
    maxParallel: 1,
    connectionBudget: 2,
    stages: 1,
    shards: shards.map((s, i) => ({
      index: s.index ?? i,
      id: s.id,
      stage: 1,
      nodes: s.nodes ?? [],
      estimatedSeconds: 1,
    })),
    finalTests: [],
    estimates: {
      sequentialSeconds: 1,
      makespanSeconds: 1,
      lowerBoundSeconds: 1,
      shardOverheadSeconds: 0,
      nodesWithHistory: 0,
      nodesEstimated: 0,
      assumption: 'test',
    },
  };
}

/** Writes plan.json (and the manifest beside it) into `dir`; returns the plan file. */
export async function writePlanFolder(dir: string, plan: unknown, manifest: unknown = tinyManifest()): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, 'manifest.json'),
    typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
  );
  const file = path.join(dir, 'plan.json');
  await fs.writeFile(file, typeof plan === 'string' ? plan : JSON.stringify(plan));
  return file;
}
