import { UserError } from '../errors.js';

/**
 * How array vars become tuple strings for `where x in {{ var('x') }}`:
 * - `compat` (dmp-af style, the default): every element written as JSON writes it, so strings are
 *   double-quoted with JSON escapes and numbers, booleans and null stay bare:
 *   `["a","b"]` → `("a","b")`, `[1,2]` → `(1,2)`, `[]` → `("")` (what existing models expect).
 * - `sql`: SQL literals: strings single-quoted with `'` doubled (`O'Brien` → `'O''Brien'`),
 *   numbers bare, booleans TRUE/FALSE, null NULL, nested arrays as nested tuples, objects as their
 *   JSON text quoted. `[]` → `(NULL)`: `()` is a syntax error in most warehouses, while
 *   `x in (NULL)` is valid everywhere and matches no row — the meaning of an empty list.
 *   (Beware `x not in (NULL)` matches no row either, as SQL's three-valued logic dictates.)
 * Unicode passes unchanged in both forms; no shell is involved anywhere.
 */
export type ArrayFormat = 'compat' | 'sql';
export const ARRAY_FORMATS: readonly ArrayFormat[] = ['compat', 'sql'];

export function formatArray(values: unknown[], format: ArrayFormat): string {
  if (format === 'sql') return sqlTuple(values);
  if (values.length === 0) return '("")';
  return `(${values.map(compatElement).join(',')})`;
}

function compatElement(value: unknown): string {
  assertFinite(value);
  // undefined has no JSON text; inside arrays JSON writes it as null, and so do we.
  return JSON.stringify(value) ?? 'null';
}

function sqlTuple(values: unknown[]): string {
  if (values.length === 0) return '(NULL)';
  return `(${values.map(sqlLiteral).join(',')})`;
}

function sqlLiteral(value: unknown): string {
  assertFinite(value);
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (Array.isArray(value)) return sqlTuple(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

function assertFinite(value: unknown): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new UserError(`array var: got ${String(value)}, expected a finite number`);
  }
}
