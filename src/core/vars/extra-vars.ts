import { parseDocument } from 'yaml';
import { UserError, badInput } from '../errors.js';

const EXPECTED_OBJECT = 'a YAML or JSON object, e.g. {"key": "value"} or key: value';
/** Long values are cut in messages so the error stays one readable line. */
const SHOWN_CHARS = 120;

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
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isPlainObject(value)) throw badInput(inputName, shorten(text), `${EXPECTED_OBJECT}, not ${describe(value)}`);
  assertJsonSafe(value, inputName, '');
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Rejects what JSON.stringify would silently turn into null or drop (NaN, Infinity, undefined). */
function assertJsonSafe(value: unknown, inputName: string, path: string): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new UserError(`${inputName}: got ${String(value)} at ${path || 'the top'}, expected a finite number (vars reach dbt as JSON)`);
  }
  if (Array.isArray(value)) value.forEach((v, i) => assertJsonSafe(v, inputName, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertJsonSafe(v, inputName, path ? `${path}.${k}` : k);
  }
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
