import { UserError } from '../errors.js';
import type { DbtGraph } from '../graph/graph.js';
import type { ManifestNode } from '../manifest/types.js';
import type { CriteriaAst, SelectorValue } from './ast.js';
import { fnmatch, globPaths, splitPath } from './fnmatch.js';
import { stateMatches } from './state.js';

// The predicates of dbt's selector methods that take more than a line (methods.ts picks one per
// criteria), with the Python semantics they copy: str() of a value, ==, fnmatch, pathlib's parents.

export interface MethodContext {
  graph: DbtGraph;
  projectName: string | null;
  state: DbtGraph | null;
  input: string;
}

export type Match = (n: ManifestNode) => boolean;

/** Kinds outside `manifest.nodes`: dbt iterates them through their own collections. */
const NOT_PARSED = new Set(['source', 'exposure', 'metric', 'semantic_model', 'saved_query', 'unit_test', 'function']);
export const isParsed = (n: ManifestNode): boolean => !NOT_PARSED.has(n.resourceType);

/** Python's `str()` of a selector value (YAML may give booleans and numbers). */
export const pyStr = (v: SelectorValue): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

// ---------------------------------------------------------------- fqn

/** A versioned model's unique id ends with `.v<version>` after its name; its fqn ends with that version. */
const isVersioned = (n: ManifestNode): boolean =>
  n.resourceType === 'model' && n.uniqueId.startsWith(`model.${n.packageName}.${n.name}.v`);

export function fqnMatches(sel: string, n: ManifestNode): boolean {
  const versioned = isVersioned(n);
  return isSelectedNode(n.fqn, sel, versioned) || isSelectedNode(n.fqn.slice(1), sel, versioned);
}

/** Port of dbt's `is_selected_node`: a name, an fqn prefix, or a wildcard pattern over the rest of the fqn. */
function isSelectedNode(fqn: readonly string[], sel: string, versioned: boolean): boolean {
  if (fqn.length === 0 || (versioned && fqn.length < 2)) return false;
  const selParts = sel.split('.');
  if (versioned) {
    if (fqn.at(-2) === sel) return true;
    if (fqn.slice(-2).join('_') === selParts.slice(-2).join('_')) return true;
  } else if (fqn.at(-1) === sel) {
    return true;
  }
  const flat = fqn.some((seg) => seg.includes('.')) ? fqn.flatMap((seg) => seg.split('.')) : fqn;
  if (flat.length < selParts.length) return false;
  let slurpFrom: number | null = null;
  for (let i = 0; i < selParts.length; i++) {
    const part = selParts[i]!;
    if (/[*?[\]]/.test(part)) {
      slurpFrom = i;
      break;
    }
    if (flat[i] !== part) return false;
  }
  if (slurpFrom === null) return true;
  if (fnmatch(flat.slice(slurpFrom).join('.'), selParts.slice(slurpFrom).join('.'))) return true;
  // a bare wildcard (no dot) also matches the fqn's leaf, however deep the node sits
  if (!sel.includes('.')) return fnmatch((versioned ? fqn.at(-2) : fqn.at(-1))!, sel);
  return false;
}

// ---------------------------------------------------------------- named resources

export function namedMatcher(kind: string, sel: string, maxParts: 2 | 3, ctx: MethodContext, c: CriteriaAst): Match {
  const parts = sel.split('.');
  if (parts.length > maxParts) {
    const form =
      maxParts === 3
        ? 'source_name, source_name.table or package.source_name.table'
        : `${kind}_name or package.${kind}_name`;
    throw new UserError(`${ctx.input}: invalid ${kind} selector ${JSON.stringify(c.raw)} (expected ${form})`);
  }
  if (kind === 'source') {
    const [pkg, src, table] = parts.length === 3 ? parts : parts.length === 2 ? ['*', ...parts] : ['*', parts[0]!, '*'];
    return (n) =>
      n.resourceType === 'source' &&
      fnmatch(n.packageName, pkg!) &&
      fnmatch(n.sourceName ?? '', src!) &&
      fnmatch(n.name, table!);
  }
  const [pkg, name] = parts.length === 2 ? parts : ['*', parts[0]!];
  return (n) => n.resourceType === kind && fnmatch(n.packageName, pkg!) && fnmatch(n.name, name!);
}

// ---------------------------------------------------------------- path

/**
 * dbt globs the project directory (`Path(root).glob(value)`) and selects nodes whose file, patch
 * file or any parent directory is among the results. Without a file system, the candidates are the
 * files the manifest names and their directories: the only paths that can select anything.
 */
export function pathMatcher(sel: string, ctx: MethodContext, c: CriteriaAst): Match {
  if (sel.startsWith('/'))
    throw new UserError(
      `${ctx.input}: path selector ${JSON.stringify(c.raw)} is absolute; expected a path relative to the project root`,
    );
  if (splitPath(sel).length === 0)
    throw new UserError(
      `${ctx.input}: path selector ${JSON.stringify(c.raw)} names no path; expected a directory or file relative to the project root`,
    );
  const candidates = new Map<string, 'file' | 'dir'>([['', 'dir']]);
  for (const n of ctx.graph.nodes.values()) {
    for (const file of filesOf(n)) {
      candidates.set(file, 'file');
      for (const dir of parentsOf(file)) if (!candidates.has(dir)) candidates.set(dir, 'dir');
    }
  }
  const hits = globPaths(sel, candidates);
  return (n) => filesOf(n).some((f) => hits.has(f)) || parentsOf(n.originalFilePath).some((d) => hits.has(d));
}

function filesOf(n: ManifestNode): string[] {
  const ofp = splitPath(n.originalFilePath).join('/');
  const patch = n.patchPath ? splitPath(n.patchPath.replace(/^[^:]*:\/\//, '')).join('/') : '';
  return patch ? [ofp, patch] : [ofp];
}

/** `a/b/c.sql` -> ['a/b', 'a', ''] (the project root included, as pathlib's `parents`). */
function parentsOf(file: string): string[] {
  const segs = splitPath(file);
  const out: string[] = [];
  for (let i = segs.length - 1; i >= 0; i--) out.push(segs.slice(0, i).join('/'));
  return out;
}

// ---------------------------------------------------------------- config

/** `config.a.b:value`: dbt descends attributes/keys; lists match when any element equals; "true"/"false" match booleans. */
export function configMatcher(path: readonly string[], sel: SelectorValue): Match {
  const caseInsensitive = path.length === 1 && path[0] === 'severity';
  const wantsTrue = pyStr(sel).toUpperCase() === 'TRUE';
  const wantsFalse = pyStr(sel).toUpperCase() === 'FALSE';
  const equals = (v: unknown): boolean => pyEquals(sel, v, caseInsensitive);
  return (n) => {
    if (!(isParsed(n) || n.resourceType === 'source')) return false;
    const found = descend(n.config, path);
    if (!found.ok) return false;
    const v = found.value;
    if (Array.isArray(v)) return v.some(equals) || (wantsTrue && v.includes(true)) || (wantsFalse && v.includes(false));
    return equals(v) || (wantsTrue && v === true) || (wantsFalse && v === false);
  };
}

function descend(value: unknown, path: readonly string[]): { ok: true; value: unknown } | { ok: false } {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return { ok: false };
    v = (v as Record<string, unknown>)[key];
  }
  return { ok: true, value: v };
}

/** Python's `==` between a selector value and a config value (str never equals int; True == 1). */
function pyEquals(sel: SelectorValue, v: unknown, caseInsensitive: boolean): boolean {
  if (typeof sel === 'string') {
    if (typeof v !== 'string') return false;
    return caseInsensitive ? sel.toUpperCase() === v.toUpperCase() : sel === v;
  }
  if ((typeof v === 'number' || typeof v === 'boolean') && !caseInsensitive) return Number(sel) === Number(v);
  return false;
}

// ---------------------------------------------------------------- tests and state

/** dbt checks `selector in ("data")` (a substring test on a string), so e.g. "dat" means generic + singular. */
export function testTypeMatcher(sel: string, ctx: MethodContext, c: CriteriaAst): Match {
  const generic: Match = (n) => n.resourceType === 'test' && n.testMetadata !== null;
  const singular: Match = (n) => n.resourceType === 'test' && n.testMetadata === null;
  if (sel === 'generic' || sel === 'schema') return generic;
  if ('data'.includes(sel)) return (n) => generic(n) || singular(n);
  if ('singular'.includes(sel)) return singular;
  if ('unit'.includes(sel)) return (n) => n.resourceType === 'unit_test';
  throw new UserError(
    `${ctx.input}: invalid test type ${JSON.stringify(sel)} in ${JSON.stringify(c.raw)} (expected generic, singular, unit or data)`,
  );
}

export function stateMatcher(sel: string, ctx: MethodContext, c: CriteriaAst): Match {
  const state = ctx.state;
  if (state === null) throw new UserError(`${ctx.input}: state:${sel} needs --state DIR (a production manifest)`);
  const check = stateMatches(sel, `${ctx.input}: ${JSON.stringify(c.raw)}`);
  return (n) => check(n, state.get(n.uniqueId));
}
