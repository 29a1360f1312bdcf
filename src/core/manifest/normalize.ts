import { z } from 'zod';
import { UserError } from '../errors.js';
import type { ManifestMetadata, ManifestNode } from './types.js';

/**
 * zod schemas for the subset of manifest entries dbt-matrix reads, and their normalisation.
 * Unknown keys are stripped, so a parsed node keeps only what planning needs (memory matters
 * on manifests of hundreds of MB).
 */
export const MIN_SCHEMA_VERSION = 4; // dbt 1.0: the fields read here have the same shape since
export const MAX_SCHEMA_VERSION = 12; // dbt 1.8 – 1.11
/** what dbt Fusion's previews (2.0.0-preview, before the switch to v12) call the v12 layout */
const FUSION_SCHEMA_VERSION = 20;

const MetadataSchema = z.object({
  dbt_schema_version: z.string(),
  dbt_version: z.string().default('unknown'),
  project_name: z.string().nullish(),
  adapter_type: z.string().nullish(),
  invocation_id: z.string().nullish(),
});

/**
 * Lists and small objects are checked by one predicate each (z.custom) rather than per element and
 * per field: zod's per-value bookkeeping was most of the cost of reading a 30k-node manifest.
 */
const stringList = z.custom<string[]>(isStringList, 'expected a list of strings');

const RawEntrySchema = z.object({
  unique_id: z.string(),
  resource_type: z.string(),
  name: z.string(),
  package_name: z.string(),
  fqn: stringList.default([]),
  path: z.string().default(''),
  original_file_path: z.string().default(''),
  tags: stringList.default([]),
  // any object: config keys are user-defined (config.<key> selection); checking each would cost
  // a copy per node on manifests with tens of thousands of nodes
  config: z.custom<Record<string, unknown>>(isPlainObject, 'expected an object').default({}),
  depends_on: z
    .custom<{ nodes?: string[] }>(
      (v) => isPlainObject(v) && (v['nodes'] === undefined || isStringList(v['nodes'])),
      'expected { nodes: [unique ids] }',
    )
    .default({}),
  // other nodes { name, checksum }, unit tests a bare sha256 string
  checksum: z
    .custom<{ checksum: string } | string>(
      (v) => typeof v === 'string' || (isPlainObject(v) && typeof v['checksum'] === 'string'),
      'expected { checksum } or a string',
    )
    .nullish(),
  unrendered_config: z.custom<Record<string, unknown>>(isPlainObject, 'expected an object').nullish(),
  patch_path: z.string().nullish(),
  test_metadata: z
    .custom<{ name: string; namespace?: string | null }>(
      (v) =>
        isPlainObject(v) &&
        typeof v['name'] === 'string' &&
        (v['namespace'] == null || typeof v['namespace'] === 'string'),
      'expected { name, namespace }',
    )
    .nullish(),
  source_name: z.string().nullish(),
  relation_name: z.string().nullish(),
});

/** The entry fields normalisation reads: the streaming reader leaves every other field out. */
export const ENTRY_FIELDS: ReadonlySet<string> = new Set(Object.keys(RawEntrySchema.shape));

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringList(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (const s of v) if (typeof s !== 'string') return false;
  return true;
}

/** The manifest's schema number from `https://schemas.getdbt.com/dbt/manifest/v12.json`. */
export function schemaVersionOf(url: string): number | null {
  const m = /\/manifest\/v(\d+)(?:\.json)?$/.exec(url);
  return m ? Number(m[1]) : null;
}

export function parseMetadata(value: unknown, file: string): ManifestMetadata {
  const parsed = MetadataSchema.safeParse(value);
  if (!parsed.success)
    throw new UserError(`--manifest: ${file} has no valid metadata.dbt_schema_version (is it a dbt manifest.json?)`);
  const m = parsed.data;
  const version = schemaVersionOf(m.dbt_schema_version);
  if (version === null) {
    throw new UserError(
      `--manifest: ${file} declares schema ${JSON.stringify(m.dbt_schema_version)}, expected a dbt manifest schema (…/manifest/vN.json)`,
    );
  }
  if (version > MAX_SCHEMA_VERSION && version !== FUSION_SCHEMA_VERSION) {
    throw new UserError(
      `--manifest: ${file} is manifest v${version} (dbt ${m.dbt_version}), newer than the v${MAX_SCHEMA_VERSION} this dbt-matrix reads; upgrade dbt-matrix`,
    );
  }
  if (version < MIN_SCHEMA_VERSION) {
    throw new UserError(
      `--manifest: ${file} is manifest v${version} (dbt ${m.dbt_version}), older than v${MIN_SCHEMA_VERSION} (dbt 1.0); re-create it with a current dbt (\`dbt parse\`)`,
    );
  }
  return {
    schemaVersion: version,
    dbtVersion: m.dbt_version,
    projectName: m.project_name ?? null,
    adapterType: m.adapter_type ?? null,
    invocationId: m.invocation_id ?? null,
  };
}

export function normalizeEntry(value: unknown, section: string, key: string, file: string): ManifestNode {
  const parsed = RawEntrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `--manifest: ${file}: ${section}.${key} is not a dbt node (${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  const r = parsed.data;
  return {
    uniqueId: r.unique_id,
    resourceType: r.resource_type,
    name: r.name,
    packageName: r.package_name,
    fqn: r.fqn,
    path: r.path,
    originalFilePath: r.original_file_path,
    tags: r.tags,
    config: r.config,
    dependsOn: r.depends_on.nodes ?? [],
    checksum: typeof r.checksum === 'string' ? r.checksum : (r.checksum?.checksum ?? null),
    testMetadata: r.test_metadata ? { name: r.test_metadata.name, namespace: r.test_metadata.namespace ?? null } : null,
    sourceName: r.source_name ?? null,
    relationName: r.relation_name ?? null,
    unrenderedConfig: r.unrendered_config ?? null,
    patchPath: r.patch_path ?? null,
  };
}

const SelectorsSectionSchema = z.record(z.string(), z.unknown());

/** `manifest.selectors`: dbt's parsed selectors.yml, kept raw for the selection engine. */
export function parseSelectorsSection(value: unknown, file: string): Record<string, unknown> {
  const parsed = SelectorsSectionSchema.safeParse(value);
  if (!parsed.success) throw new UserError(`--manifest: ${file}: "selectors" is not an object`);
  return parsed.data;
}
