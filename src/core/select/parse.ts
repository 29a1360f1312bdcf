import { UserError } from '../errors.js';
import type { CriteriaAst, GroupAst, IndirectSelection, MethodName, SelectorAst, SelectorValue } from './ast.js';
import { DBT_METHODS } from './ast.js';

/**
 * The CLI grammar of --select/--exclude, as dbt-core parses it (dbt/graph/cli.py, selector_spec.py):
 * arguments split on spaces into a union, each part split on commas into an intersection, each
 * piece one criteria `[@][n+][method[.arg…]:]value[+[n]]`.
 */

// dbt's RAW_SELECTOR_PATTERN; `\w` is Unicode-aware in Python, hence \p{L}\p{N}.
const RAW_SELECTOR =
  /^(?<cp>@)?(?<parents>(?<pd>\d*)\+)?(?:(?<method>[\p{L}\p{N}_.]+):)?(?<value>.*?)(?<children>\+(?<cd>\d*))?$/u;

const METHOD_SET: ReadonlySet<string> = new Set(DBT_METHODS);

/** Parses one --select (or --exclude) value: space = union, comma = intersection. */
export function parseSelector(expr: string, input = '--select'): SelectorAst {
  return parseSelectArgs([expr], input);
}

/** Parses the values of a repeated --select/--exclude (each may hold several space-separated specs). */
export function parseSelectArgs(args: readonly string[], input = '--select'): GroupAst {
  const union: SelectorAst[] = [];
  for (const arg of args) {
    for (const rawSpec of arg.split(' ')) {
      const parts = rawSpec.split(',').map((part) => parseCriteria(part, input, rawSpec));
      union.push({ kind: 'intersection', components: parts, indirectSelection: null });
    }
  }
  return { kind: 'union', components: union, indirectSelection: null };
}

/** One criteria such as `2+tag:nightly+`; `context` is the whole expression, for messages. */
export function parseCriteria(raw: string, input = '--select', context = raw): CriteriaAst {
  const m = RAW_SELECTOR.exec(raw);
  const g = m?.groups;
  if (!g)
    throw new UserError(
      `${input}: invalid selector ${JSON.stringify(raw)} in ${JSON.stringify(context)} (expected [@][n+][method:]value[+n])`,
    );
  const value = g['value'] ?? '';
  const { method, methodArgs } = parseMethod(g['method'], value, input, context);
  return criteria(
    {
      kind: 'criteria',
      raw,
      method,
      methodArgs,
      value,
      childrensParents: g['cp'] !== undefined,
      parents: g['parents'] !== undefined,
      parentsDepth: depth(g['pd'], input, raw),
      children: g['children'] !== undefined,
      childrenDepth: depth(g['cd'], input, raw),
      indirectSelection: null,
    },
    input,
  );
}

/** Validates and builds a criteria; shared with the YAML selector parser. */
export function criteria(c: CriteriaAst, input: string): CriteriaAst {
  if (c.children && c.childrensParents) {
    throw new UserError(
      `${input}: invalid selector ${JSON.stringify(c.raw)}: the "@" prefix and a "+" suffix cannot be combined`,
    );
  }
  return c;
}

/** `method.arg.arg` -> a known dbt method and its arguments; no method -> dbt's default by value shape. */
export function parseMethod(
  rawMethod: string | undefined,
  value: SelectorValue,
  input: string,
  context: string,
): { method: MethodName; methodArgs: string[] } {
  if (rawMethod === undefined) return { method: defaultMethod(String(value)), methodArgs: [] };
  const [name = '', ...methodArgs] = rawMethod.split('.');
  if (!METHOD_SET.has(name)) {
    throw new UserError(
      `${input}: unknown selection method ${JSON.stringify(name)} in ${JSON.stringify(context)} (expected one of ${DBT_METHODS.join(', ')})`,
    );
  }
  return { method: name as MethodName, methodArgs };
}

/** dbt's `SelectionCriteria.default_method`: a path when it has a slash, a file for .sql/.py/.csv, else fqn. */
function defaultMethod(value: string): MethodName {
  if (value.includes('/')) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}

function depth(raw: string | undefined, input: string, spec: string): number | null {
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isSafeInteger(n))
    throw new UserError(`${input}: invalid graph depth ${JSON.stringify(raw)} in ${JSON.stringify(spec)}`);
  return n;
}

export function parseIndirectSelection(value: unknown, input: string): IndirectSelection {
  if (value === 'eager' || value === 'cautious' || value === 'buildable' || value === 'empty') return value;
  throw new UserError(
    `${input}: got indirect_selection ${JSON.stringify(value)}, expected one of eager, cautious, buildable, empty`,
  );
}
