import { UserError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import type { CriteriaAst } from './ast.js';
import { fnmatch } from './fnmatch.js';
import {
  configMatcher,
  fqnMatches,
  isParsed,
  namedMatcher,
  pathMatcher,
  pyStr,
  stateMatcher,
  testTypeMatcher,
  type Match,
  type MethodContext,
} from './matchers.js';

export type { MethodContext } from './matchers.js';

/**
 * dbt's selector methods (dbt/graph/selector_methods.py), each a predicate over one node. Which
 * node kinds a method looks at matters: `fqn` skips sources, `config` sees only manifest nodes and
 * sources, `test_name` only tests — those scopes are copied from dbt.
 */

/** dbt's NodeType values, the only ones `resource_type:` accepts. */
const NODE_TYPES = new Set([
  'model',
  'analysis',
  'test',
  'snapshot',
  'operation',
  'seed',
  'rpc',
  'sql_operation',
  'doc',
  'source',
  'macro',
  'exposure',
  'metric',
  'group',
  'saved_query',
  'semantic_model',
  'unit_test',
  'fixture',
  'function',
]);

/** Unique ids of the graph's nodes that the criteria's method matches (before graph operators). */
export function searchMethod(c: CriteriaAst, ctx: MethodContext): Set<string> {
  const match = matcher(c, ctx);
  const out = new Set<string>();
  const scope = typesMatched(c);
  if (scope === null) {
    for (const node of ctx.graph.dense.nodes) if (match(node)) out.add(node.uniqueId);
  } else {
    // methods that only ever match one kind look at that kind alone (the default selection asks for
    // exposures, metrics and semantic models of manifests that mostly have none)
    for (const type of scope) for (const node of ctx.graph.ofType(type)) if (match(node)) out.add(node.uniqueId);
  }
  return out;
}

/** The resource types the criteria's method can match at all, or null for any. */
function typesMatched(c: CriteriaAst): readonly string[] | null {
  switch (c.method) {
    case 'source':
    case 'exposure':
    case 'metric':
    case 'semantic_model':
    case 'saved_query':
    case 'unit_test':
      return [c.method];
    case 'resource_type':
      return [pyStr(c.value)];
    case 'test_name':
      return ['test', 'unit_test'];
    default:
      return null;
  }
}

function matcher(c: CriteriaAst, ctx: MethodContext): Match {
  const sel = pyStr(c.value);
  switch (c.method) {
    case 'fqn': {
      // `fqn:*` (the default selection) matches every fqn: skip the per-node work on big manifests
      if (/^\*+$/.test(sel)) return (n) => n.resourceType !== 'source' && n.fqn.length > 0;
      return (n) => n.resourceType !== 'source' && fqnMatches(sel, n);
    }
    case 'tag':
      return (n) => tagsOf(n).some((t) => fnmatch(t, sel));
    case 'group':
      return (n) =>
        (isParsed(n) || n.resourceType === 'metric') &&
        typeof n.config['group'] === 'string' &&
        n.config['group'] !== '' &&
        fnmatch(n.config['group'], sel);
    case 'access':
      return (n) => n.resourceType === 'model' && (n.config['access'] ?? 'protected') === sel;
    case 'source':
      return namedMatcher('source', sel, 3, ctx, c);
    case 'exposure':
    case 'metric':
    case 'semantic_model':
    case 'saved_query':
    case 'unit_test':
      return namedMatcher(c.method === 'unit_test' ? 'unit_test' : c.method, sel, 2, ctx, c);
    case 'path':
      return pathMatcher(sel, ctx, c);
    case 'file':
      return (n) => {
        const name = n.originalFilePath.split('/').pop() ?? '';
        return fnmatch(name, sel) || fnmatch(stem(name), sel);
      };
    case 'package': {
      const pkg = sel === 'this' && ctx.projectName !== null ? ctx.projectName : sel;
      return (n) => fnmatch(n.packageName, pkg);
    }
    case 'config':
      return configMatcher(c.methodArgs, c.value);
    case 'resource_type':
      if (!NODE_TYPES.has(sel))
        throw new UserError(
          `${ctx.input}: unknown resource type ${JSON.stringify(sel)} in ${JSON.stringify(c.raw)} (expected one of ${[...NODE_TYPES].join(', ')})`,
        );
      return (n) => n.resourceType === sel;
    case 'test_name':
      return (n) =>
        (n.resourceType === 'test' && n.testMetadata !== null && fnmatch(n.testMetadata.name, sel)) ||
        (n.resourceType === 'unit_test' && fnmatch(n.name, sel));
    case 'test_type':
      return testTypeMatcher(sel, ctx, c);
    case 'state':
      return stateMatcher(sel, ctx, c);
    case 'result':
    case 'source_status':
    case 'version':
      throw new UserError(
        `${ctx.input}: the "${c.method}" method in ${JSON.stringify(c.raw)} is not supported by dbt-matrix (it needs dbt's run artifacts or model versions); select with dbt and pass the node list`,
      );
  }
}

/** Unit tests keep their tags in `config.tags` (dbt's `UnitTestDefinition.tags`). */
function tagsOf(n: ManifestNode): string[] {
  if (n.tags.length > 0 || n.resourceType !== 'unit_test') return n.tags;
  const t = n.config['tags'];
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
