/**
 * Secret values never reach logs or artifacts. The redactor is built once per run from the
 * environment, the names the user marks as secret and the values of secret-looking `--vars`
 * keys, then applied to every line we write (dbt.log, the live log, shard.json's command) and to
 * whole JSON texts (run_results.json: dbt echoes compiled SQL and error messages).
 *
 * A value reaches those texts in more than one spelling: as given, SQL-escaped (`'` doubled,
 * when a model quotes it as a literal), JSON-escaped (inside run_results.json, or both), with
 * Python's backslash escapes (dbt's messages), and cut short (a warehouse error that shows only
 * the start of a long literal). Every spelling is hidden, and so is any start of one that is long
 * enough to give the secret away (see identifyingPrefix).
 */
import { SECRET_NAME_PATTERN } from '../core/vars/secrets.js';

export { SECRET_NAME_PATTERN };

/** Shorter values would redact ordinary words and digits (e.g. a KEY of "1"). */
export const MIN_SECRET_LENGTH = 4;

/** A cut-short secret is hidden when at least this many characters, and half of it, show. */
export const MIN_PREFIX_LENGTH = 6;

export const REDACTED = '***';

export interface RedactorSources {
  env: NodeJS.ProcessEnv;
  /** env var names whose values are secret whatever they are called (--secrets) */
  secretEnvNames?: readonly string[];
  /** literal secret values, e.g. action inputs marked secret or secret-looking --vars values */
  secretValues?: readonly string[];
}

export interface Redactor {
  /** replaces every occurrence of every secret value (in any spelling) with *** */
  (text: string): string;
  /** how many distinct values it hides (for a log line; never the values) */
  readonly size: number;
}

/** A value that must not leave the machine, and what to call it in a message (never the value). */
export interface SecretValue {
  name: string;
  value: string;
}

/** Every secret value of the sources, named: env vars by their name, given values as such. */
export function namedSecretValues(sources: RedactorSources): SecretValue[] {
  const named = new Set((sources.secretEnvNames ?? []).map((n) => n.trim()).filter((n) => n !== ''));
  const fromEnv = Object.entries(sources.env).flatMap(([name, value]) =>
    value !== undefined && value.length >= MIN_SECRET_LENGTH && (SECRET_NAME_PATTERN.test(name) || named.has(name))
      ? [{ name: `environment variable ${name}`, value }]
      : [],
  );
  const given = (sources.secretValues ?? [])
    .filter((v) => v.length >= MIN_SECRET_LENGTH)
    .map((value) => ({ name: 'a value marked secret (e.g. of a secret-looking --vars key)', value }));
  return [...fromEnv, ...given];
}

export function secretValuesFrom(sources: RedactorSources): string[] {
  const values = new Set(namedSecretValues(sources).map((s) => s.value));
  // A secret spanning several lines is also hidden line by line: a line-wise writer sees pieces.
  for (const value of [...values]) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_SECRET_LENGTH) values.add(line);
  }
  return [...values];
}

export function createRedactor(sources: RedactorSources): Redactor {
  return redactorFor(secretValuesFrom(sources));
}

/** The spellings a value takes on its way through dbt, the warehouse and our JSON files. */
export function spellingsOf(value: string): string[] {
  const json = (s: string): string => JSON.stringify(s).slice(1, -1);
  const sql = value.replaceAll("'", "''");
  const python = value.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
  return [...new Set([value, sql, python, json(value), json(sql), json(python), json(json(value)), json(json(sql))])];
}

/** How many leading characters of a spelling give it away: none for short secrets (only whole). */
export function identifyingPrefix(spelling: string): number {
  if (spelling.length <= MIN_PREFIX_LENGTH) return spelling.length;
  return Math.max(MIN_PREFIX_LENGTH, Math.ceil(spelling.length / 2));
}

interface Pattern {
  spelling: string;
  /** the length of its shortest start that is hidden */
  head: number;
}

export function redactorFor(values: readonly string[]): Redactor {
  const distinct = [...new Set(values)].filter((v) => v.length > 0);
  const patterns: Pattern[] = [...new Set(distinct.flatMap(spellingsOf))].map((spelling) => ({
    spelling,
    head: identifyingPrefix(spelling),
  }));
  const redact = ((text: string): string => hide(text, patterns)) as Redactor;
  Object.defineProperty(redact, 'size', { value: distinct.length });
  return redact;
}

/**
 * Finds every occurrence of every pattern's head, extends it as far as the text goes on spelling
 * the secret, and replaces the union of those spans with one *** each: overlapping spellings
 * (`ab'c` inside `ab''c`) never leave a tail behind.
 */
function hide(text: string, patterns: readonly Pattern[]): string {
  const spans: Array<[number, number]> = [];
  for (const { spelling, head } of patterns) {
    const start = spelling.slice(0, head);
    for (let at = text.indexOf(start); at !== -1; at = text.indexOf(start, at + 1)) {
      let end = at + head;
      while (end - at < spelling.length && text[end] === spelling[end - at]) end++;
      spans.push([at, end]);
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copied = 0;
  let open = spans[0]!;
  for (const span of spans.slice(1)) {
    if (span[0] <= open[1]) open = [open[0], Math.max(open[1], span[1])];
    else {
      out += text.slice(copied, open[0]) + REDACTED;
      copied = open[1];
      open = span;
    }
  }
  return out + text.slice(copied, open[0]) + REDACTED + text.slice(open[1]);
}
