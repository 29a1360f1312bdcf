import { UserError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';

/**
 * `state:` comparisons against a production manifest, following dbt's `StateSelectorMethod` and
 * the `same_*` methods of each node class (dbt/contracts/graph/nodes.py). What the normalised
 * manifest lacks is approximated and said so:
 * - body: dbt compares `raw_code`; the file checksum (sha256 of the same text) stands in for it;
 * - configs: dbt compares `unrendered_config`; the rendered config is used when a node lacks it;
 * - macros, contracts and persisted descriptions are not compared (no macro graph is read).
 */

type Check = (node: ManifestNode, old: ManifestNode | undefined) => boolean;

const CHECKS: Record<string, Check> = {
  new: (_n, old) => old === undefined,
  old: (_n, old) => old !== undefined,
  modified: (n, old) => isModified(n, old),
  unmodified: (n, old) => !isModified(n, old),
  'modified.body': (n, old) => hasBody(n) && (old === undefined || !sameBody(n, old)),
  'modified.configs': (n, old) => hasConfig(n) && (old === undefined || !sameConfig(n, old)),
  'modified.relation': (n, old) => hasRelation(n) && (old === undefined || !sameRelation(n, old)),
};

const UNSUPPORTED = ['modified.macros', 'modified.contract', 'modified.persisted_descriptions'];

/** The predicate for `state:<selector>`; `where` names the input for errors. */
export function stateMatches(selector: string, where: string): Check {
  const check = CHECKS[selector];
  if (check) return check;
  if (UNSUPPORTED.includes(selector)) {
    throw new UserError(
      `${where}: state:${selector} is not supported by dbt-matrix (it needs macro/contract data); use state:modified, .body, .configs or .relation`,
    );
  }
  throw new UserError(
    `${where}: unknown state selector "${selector}" (expected one of ${[...Object.keys(CHECKS), ...UNSUPPORTED].join(', ')})`,
  );
}

/** Kinds that live in `manifest.nodes` (dbt's ParsedNode: model, seed, snapshot, test, analysis…). */
const OWN_CLASS = new Set(['source', 'exposure', 'metric', 'semantic_model', 'saved_query', 'unit_test', 'function']);
const isParsed = (n: ManifestNode): boolean => !OWN_CLASS.has(n.resourceType);
const isGenericTest = (n: ManifestNode): boolean => n.resourceType === 'test' && n.testMetadata !== null;

const hasBody = isParsed;
const hasConfig = (n: ManifestNode): boolean =>
  isParsed(n) || ['source', 'exposure', 'metric', 'semantic_model', 'saved_query'].includes(n.resourceType);
const hasRelation = (n: ManifestNode): boolean => isParsed(n) || n.resourceType === 'source';

/** dbt's `check_modified_content`: `not new.same_contents(old)` per node class. */
function isModified(n: ManifestNode, old: ManifestNode | undefined): boolean {
  switch (n.resourceType) {
    case 'source':
      // dbt's SourceDefinition.same_contents returns True for a source without an old version
      return old !== undefined && !(sameRelation(n, old) && sameFqn(n, old) && sameConfig(n, old));
    case 'exposure':
      return old !== undefined && !(sameFqn(n, old) && sameSet(n.dependsOn, old.dependsOn) && sameConfig(n, old));
    case 'unit_test':
      return old === undefined || n.checksum !== old.checksum;
    default:
      if (old === undefined) return true;
      if (isGenericTest(n)) return !(sameConfig(n, old) && sameFqn(n, old));
      if (!isParsed(n)) return !(sameFqn(n, old) && sameConfig(n, old));
      return !(
        sameBody(n, old) &&
        sameConfig(n, old) &&
        sameFqn(n, old) &&
        sameRelation(n, old) &&
        sameRefRepresentation(n, old)
      );
  }
}

const sameBody = (n: ManifestNode, old: ManifestNode): boolean => (n.checksum ?? '') === (old.checksum ?? '');
const sameFqn = (n: ManifestNode, old: ManifestNode): boolean => deepEqual(n.fqn, old.fqn);
const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  deepEqual([...new Set(a)].sort(), [...new Set(b)].sort());

/** Models: access changes can break downstream refs (dbt's `same_ref_representation`). */
function sameRefRepresentation(n: ManifestNode, old: ManifestNode): boolean {
  if (n.resourceType !== 'model') return true;
  return (n.config['access'] ?? null) === (old.config['access'] ?? null);
}

/** Sources: the rendered relation; other nodes: configured database/schema/alias. */
function sameRelation(n: ManifestNode, old: ManifestNode): boolean {
  if (n.resourceType === 'source') return n.relationName === old.relationName;
  const [a, b] = comparedConfigs(n, old);
  return ['database', 'schema', 'alias'].every((k) => sameKey(a, b, k));
}

/** Keys dbt leaves out of config comparison (`CompareBehavior.Exclude`): part of the relation or metadata. */
const EXCLUDED_KEYS = new Set(['alias', 'schema', 'database', 'tags', 'group']);
/** Tests compare only these (dbt's `TestConfig.same_contents`). */
const TEST_MODIFIERS = [
  'severity',
  'where',
  'limit',
  'fail_calc',
  'warn_if',
  'error_if',
  'store_failures',
  'store_failures_as',
];

function sameConfig(n: ManifestNode, old: ManifestNode): boolean {
  const [a, b] = comparedConfigs(n, old);
  if (n.resourceType === 'test') return TEST_MODIFIERS.every((k) => sameKey(a, b, k));
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!EXCLUDED_KEYS.has(k) && !sameKey(a, b, k)) return false;
  return true;
}

/** The unrendered configs when both sides have them (as dbt), else the rendered ones. */
function comparedConfigs(n: ManifestNode, old: ManifestNode): [Record<string, unknown>, Record<string, unknown>] {
  if (n.unrenderedConfig && old.unrenderedConfig) return [n.unrenderedConfig, old.unrenderedConfig];
  return [n.config, old.config];
}

function sameKey(a: Record<string, unknown>, b: Record<string, unknown>, key: string): boolean {
  const inA = Object.hasOwn(a, key);
  const inB = Object.hasOwn(b, key);
  if (!inA || !inB) return inA === inB;
  return deepEqual(a[key], b[key]);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
