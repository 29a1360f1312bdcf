import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { CriteriaAst, SelectorAst, SelectorDefinition, SelectorsFile, SelectorValue } from './ast.js';
import { criteria, parseCriteria, parseIndirectSelection, parseMethod } from './parse.js';

/**
 * selectors.yml, parsed the way dbt-core does (dbt/graph/cli.py `parse_from_definition`): a
 * definition is a criteria string (one spec: no space/comma splitting), a `{method: value}` or
 * `{method, value, parents, children, …, exclude}` mapping, `union`/`intersection` lists with at
 * most one `exclude` item, or `{method: selector, value: NAME}` naming an earlier selector.
 */

const DefinitionSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);
const SelectorEntrySchema = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  default: z.boolean().nullish(),
  definition: DefinitionSchema,
});
const SelectorsYamlSchema = z.object({ version: z.number().optional(), selectors: z.array(SelectorEntrySchema) });
/** `manifest.selectors`: dbt's rendered, normalised copy of selectors.yml keyed by name. */
const ManifestSelectorsSchema = z.record(z.string(), SelectorEntrySchema.partial({ name: true }));

type Entry = z.infer<typeof SelectorEntrySchema>;

/** Parses selectors.yml text. dbt renders it with Jinja first; text with `{{ }}` is refused (use the manifest's copy). */
export function parseSelectorsYaml(text: string, file: string): SelectorsFile {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new UserError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (data === null || data === undefined) return { source: file, selectors: new Map(), defaultSelector: null };
  if (hasJinja(data)) {
    throw new UserError(
      `${file}: contains Jinja ({{ … }}), which only dbt can render; plan from a manifest (its "selectors" are rendered)`,
    );
  }
  const parsed = SelectorsYamlSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${file}: not a dbt selectors file (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}); expected selectors: [{name, definition}]`,
    );
  }
  return buildSelectors(parsed.data.selectors, file);
}

/** Builds the selectors from a manifest's `selectors` section (already rendered by dbt). */
export function selectorsFromManifest(section: Record<string, unknown>, file: string): SelectorsFile {
  const parsed = ManifestSelectorsSchema.safeParse(section);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${file}: "selectors" is not dbt's selector map (${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  const entries = Object.entries(parsed.data).map(([name, e]) => ({ ...e, name: e.name ?? name }));
  return buildSelectors(entries, file);
}

function buildSelectors(entries: readonly Entry[], source: string): SelectorsFile {
  const selectors = new Map<string, SelectorDefinition>();
  let defaultSelector: string | null = null;
  for (const e of entries) {
    const input = `${source}: selector "${e.name}"`;
    if (e.default === true) {
      if (defaultSelector !== null)
        throw new UserError(
          `${source}: selectors "${defaultSelector}" and "${e.name}" are both marked default: true; expected at most one`,
        );
      defaultSelector = e.name;
    }
    // a selector may reference only those defined before it, as in dbt
    const definition = fromDefinition(e.definition, true, selectors, input);
    selectors.set(e.name, { name: e.name, description: e.description ?? '', default: e.default === true, definition });
  }
  return { source, selectors, defaultSelector };
}

type Known = ReadonlyMap<string, SelectorDefinition>;

/**
 * Deeper definitions are refused with a message: every level is a recursive call here and in the
 * selection engine, and no real selector nests a hundred unions (dbt itself recurses too).
 */
export const MAX_SELECTOR_DEPTH = 100;

function fromDefinition(def: unknown, rootLevel: boolean, known: Known, input: string, depth = 0): SelectorAst {
  if (depth > MAX_SELECTOR_DEPTH) {
    throw new UserError(
      `${input}: the definition is nested more than ${MAX_SELECTOR_DEPTH} levels deep; expected a flatter union/intersection`,
    );
  }
  if (typeof def === 'string') return parseCriteria(def, input);
  if (!isRecord(def))
    throw new UserError(`${input}: got ${JSON.stringify(def)}, expected a string, a mapping, union or intersection`);
  const keys = Object.keys(def);
  if (('union' in def || 'intersection' in def) && rootLevel && keys.length > 1) {
    throw new UserError(
      `${input}: a root definition may hold only one "union" or "intersection" key, found ${keys.join(',')}`,
    );
  }
  if ('union' in def) return setDefinition('union', def, known, input, depth);
  if ('intersection' in def) return setDefinition('intersection', def, known, input, depth);
  return dictDefinition(def, known, input, depth);
}

function setDefinition(
  kind: 'union' | 'intersection',
  def: Record<string, unknown>,
  known: Known,
  input: string,
  depth: number,
): SelectorAst {
  const include: SelectorAst[] = [];
  let exclude: SelectorAst | null = null;
  for (const item of listOf(def, kind, input)) {
    if (isRecord(item) && 'exclude' in item) {
      if (exclude !== null)
        throw new UserError(`${input}: more than one "exclude" in the same ${kind}; expected at most one`);
      exclude = exclusions(item, known, input, depth);
    } else {
      include.push(fromDefinition(item, false, known, input, depth + 1));
    }
  }
  const group: SelectorAst = { kind, components: include, indirectSelection: 'eager' };
  return exclude === null ? group : difference(group, exclude);
}

function dictDefinition(def: Record<string, unknown>, known: Known, input: string, depth: number): SelectorAst {
  const keys = Object.keys(def);
  let dct: Record<string, unknown>;
  let exclude: SelectorAst | null = null;
  if (keys.length === 1 && keys[0] === 'selector') {
    return lookup(def['selector'], known, input); // lenient: dbt only accepts {method: selector, value: NAME}
  } else if (keys.length === 1) {
    dct = { method: keys[0], value: def[keys[0]!] };
  } else if (def['method'] === 'selector') {
    return lookup(def['value'], known, input);
  } else if ('method' in def && 'value' in def) {
    dct = { ...def };
    if ('exclude' in def) {
      exclude = exclusions(def, known, input, depth);
      delete dct['exclude'];
    }
  } else {
    throw new UserError(
      `${input}: expected a single {method: value} key or "method" and "value" keys, got ${keys.join(', ')}`,
    );
  }
  const base = criteriaFromDict(dct, input);
  return exclude === null ? base : difference(base, exclude);
}

function criteriaFromDict(dct: Record<string, unknown>, input: string): CriteriaAst {
  const raw = JSON.stringify(dct);
  if (typeof dct['method'] !== 'string')
    throw new UserError(`${input}: got method ${JSON.stringify(dct['method'])}, expected a method name`);
  const value = scalar(dct['value'], input);
  const { method, methodArgs } = parseMethod(dct['method'], value, input, raw);
  return criteria(
    {
      kind: 'criteria',
      raw,
      method,
      methodArgs,
      value,
      childrensParents: Boolean(dct['childrens_parents']),
      parents: Boolean(dct['parents']),
      parentsDepth: depthOf(dct['parents_depth'], input),
      children: Boolean(dct['children']),
      childrenDepth: depthOf(dct['children_depth'], input),
      indirectSelection:
        dct['indirect_selection'] === undefined ? null : parseIndirectSelection(dct['indirect_selection'], input),
    },
    input,
  );
}

function exclusions(def: Record<string, unknown>, known: Known, input: string, depth: number): SelectorAst {
  const parts = listOf(def, 'exclude', input).map((d) => fromDefinition(d, false, known, input, depth + 1));
  return parts.length === 1 ? parts[0]! : { kind: 'union', components: parts, indirectSelection: 'eager' };
}

const difference = (include: SelectorAst, exclude: SelectorAst): SelectorAst => ({
  kind: 'difference',
  components: [include, exclude],
  indirectSelection: 'eager',
});

function lookup(name: unknown, known: Known, input: string): SelectorAst {
  const found = typeof name === 'string' ? known.get(name) : undefined;
  if (!found) {
    throw new UserError(
      `${input}: references selector ${JSON.stringify(name)}, expected one defined above it (${[...known.keys()].join(', ') || 'none'})`,
    );
  }
  return found.definition;
}

function listOf(def: Record<string, unknown>, key: string, input: string): unknown[] {
  const v = def[key];
  if (!Array.isArray(v)) throw new UserError(`${input}: "${key}" must be a list`);
  return v;
}

function scalar(v: unknown, input: string): SelectorValue {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new UserError(`${input}: got value ${JSON.stringify(v)}, expected a string, number or boolean`);
}

function depthOf(v: unknown, input: string): number | null {
  if (!v) return null; // dbt's `_match_to_int`: any falsy value (even 0) means unlimited
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UserError(`${input}: got depth ${JSON.stringify(v)}, expected a whole number`);
  return n;
}

/**
 * dbt renders selectors.yml with Jinja (env_var, var); a value holding a template cannot be
 * evaluated here. Stops at MAX_SELECTOR_DEPTH: the definition walk refuses deeper ones anyway.
 */
function hasJinja(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%');
  if (depth > MAX_SELECTOR_DEPTH * 2) return false;
  if (Array.isArray(v)) return v.some((x) => hasJinja(x, depth + 1));
  return isRecord(v) && Object.values(v).some((x) => hasJinja(x, depth + 1));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
