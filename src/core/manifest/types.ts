/**
 * The part of dbt's manifest that dbt-matrix uses, normalised across schema versions.
 * Sources, exposures, unit tests and functions live in the same map as nodes: selection treats them alike.
 */
export type ResourceType =
  | 'model'
  | 'seed'
  | 'snapshot'
  | 'test'
  | 'unit_test'
  | 'source'
  | 'exposure'
  | 'analysis'
  | 'operation'
  | 'sql_operation'
  | 'metric'
  | 'semantic_model'
  | 'saved_query'
  | 'function'
  | (string & {});

export interface TestMetadata {
  /** generic test name, e.g. `relationships`, `not_null` */
  name: string;
  namespace: string | null;
}

export interface ManifestNode {
  uniqueId: string;
  resourceType: ResourceType;
  name: string;
  packageName: string;
  fqn: string[];
  /** path relative to the model-path root (dbt's `path`) */
  path: string;
  /** path relative to the project root (dbt's `original_file_path`) */
  originalFilePath: string;
  tags: string[];
  /** the node's resolved config (materialized, enabled, severity, ...) */
  config: Record<string, unknown>;
  /** unique ids this node depends on (nodes and sources; macros are not here) */
  dependsOn: string[];
  /** file checksum, for state:modified */
  checksum: string | null;
  /** generic tests only */
  testMetadata: TestMetadata | null;
  /** for sources: source name (`source:<source_name>.<table>`) */
  sourceName: string | null;
  /** database.schema.alias for state comparison and reporting */
  relationName: string | null;
  /** config as written (before Jinja rendering and defaults): dbt compares this for state:modified */
  unrenderedConfig?: Record<string, unknown> | null;
  /** the YAML file that patched this node, project-relative (dbt's `patch_path` minus `pkg://`) */
  patchPath?: string | null;
}

export interface ManifestMetadata {
  schemaVersion: number;
  dbtVersion: string;
  projectName: string | null;
  adapterType: string | null;
  invocationId: string | null;
}

export interface Manifest {
  metadata: ManifestMetadata;
  nodes: Map<string, ManifestNode>;
  /** dbt's parsed selectors.yml (`manifest.selectors`): name -> { name, definition, ... } */
  selectors: Record<string, unknown>;
}

export const isEphemeral = (n: ManifestNode): boolean =>
  n.resourceType === 'model' && n.config['materialized'] === 'ephemeral';

export const isEnabled = (n: ManifestNode): boolean => n.config['enabled'] !== false;

/** Resource types that `dbt build` executes (dbt 1.11 creates user-defined functions too, before the models calling them). */
export const EXECUTABLE_TYPES: ReadonlySet<string> = new Set([
  'model',
  'seed',
  'snapshot',
  'test',
  'unit_test',
  'function',
]);

export const isTestLike = (n: ManifestNode): boolean => n.resourceType === 'test' || n.resourceType === 'unit_test';
