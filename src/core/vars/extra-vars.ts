import { parseDocument } from 'yaml';
import { UserError, badInput } from '../errors.js';

const EXPECTED_OBJECT = 'a YAML or JSON object, e.g. {"key": "value"} or key: value';
/** Long values are cut in messages so the error stays one readable line. */
const SHOWN_CHARS = 120;
/** Aliases a document may expand (the yaml library counts them against the document's size). */
const MAX_ALIAS_COUNT = 100;
/** Deeper vars are refused: no dbt project reads a var 64 levels down. */
export const MAX_DEPTH = 64;

/**
 * Parses the extra-vars input: a YAML or JSON object (JSON is YAML 1.2, so one parser serves both).
 * Blank text or a comment-only document is no vars at all. Anything that is not a mapping (a list,
 * a scalar, broken syntax, duplicate keys) is a UserError naming `inputName`.
 *
 * The YAML 1.2 core schema is used, so `yes`/`on` stay strings and dates stay strings: what the
 * user wrote is what dbt gets. Non-finite numbers (`.nan`, `.inf`) are rejected: the vars travel
 * to dbt as JSON, which cannot carry them.
 */
export function parseExtraVars(text: string | undefined, inputName: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) throw badInput(inputName, shorten(text), `${EXPECTED_OBJECT} (${firstLine(firstError.message)})`);
  if (doc.contents === null) return {};
  let value: unknown;
  try {
    // aliases expanding into a huge value ("billion laughs") are refused by the parser's own count
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw badInput(inputName, shorten(text), `${EXPECTED_OBJECT} (${firstLine((err as Error).message)})`);
  }
  if (!isPlainObject(value)) throw badInput(inputName, shorten(text), `${EXPECTED_OBJECT}, not ${describe(value)}`);
  assertJsonSafe(value, inputName, '', 0);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Rejects what JSON.stringify would silently turn into null or drop (NaN, Infinity, undefined),
 * and values nested deeper than MAX_DEPTH: a recursive alias (`a: &a [*a]`) makes a cycle, and
 * thousands of levels would overflow the stack of whatever walks them next.
 */
function assertJsonSafe(value: unknown, inputName: string, path: string, depth: number): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new UserError(
      `${inputName}: got ${String(value)} at ${path || 'the top'}, expected a finite number (vars reach dbt as JSON)`,
    );
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_DEPTH) {
    throw new UserError(
      `${inputName}: nested more than ${MAX_DEPTH} levels deep at ${shorten(path)} (a recursive alias?), expected a plain object of vars`,
    );
  }
  if (Array.isArray(value)) value.forEach((v, i) => assertJsonSafe(v, inputName, `${path}[${i}]`, depth + 1));
  else for (const [k, v] of Object.entries(value)) assertJsonSafe(v, inputName, path ? `${path}.${k}` : k, depth + 1);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]?.trim() ?? message;
}

function shorten(text: string): string {
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}
