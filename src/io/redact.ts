/**
 * Secret values never reach logs or artifacts (DESIGN §3). The redactor is built once per run
 * from the environment and the names the user marks as secret, then applied to every line we
 * write (dbt.log, the live log, shard.json's command) and to whole JSON texts (run_results.json:
 * dbt echoes compiled SQL and error messages, which may contain a password passed as a var).
 */
export const SECRET_NAME_PATTERN = /PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/** Shorter values would redact ordinary words and digits (e.g. a KEY of "1"). */
export const MIN_SECRET_LENGTH = 4;

export const REDACTED = '***';

export interface RedactorSources {
  env: NodeJS.ProcessEnv;
  /** env var names whose values are secret whatever they are called (--secrets) */
  secretEnvNames?: readonly string[];
  /** literal secret values, e.g. action inputs marked secret */
  secretValues?: readonly string[];
}

export interface Redactor {
  /** replaces every occurrence of every secret value with *** */
  (text: string): string;
  /** how many distinct values it hides (for a log line; never the values) */
  readonly size: number;
}

export function secretValuesFrom(sources: RedactorSources): string[] {
  const named = new Set((sources.secretEnvNames ?? []).map((n) => n.trim()).filter((n) => n !== ''));
  const values = new Set<string>();
  for (const [name, value] of Object.entries(sources.env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    if (SECRET_NAME_PATTERN.test(name) || named.has(name)) values.add(value);
  }
  for (const value of sources.secretValues ?? []) if (value.length >= MIN_SECRET_LENGTH) values.add(value);
  // A secret spanning several lines is also hidden line by line: a line-wise writer sees pieces.
  for (const value of [...values]) {
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_SECRET_LENGTH) values.add(line);
  }
  return [...values];
}

export function createRedactor(sources: RedactorSources): Redactor {
  return redactorFor(secretValuesFrom(sources));
}

/** Longest values first, so a secret containing another secret is hidden whole. */
export function redactorFor(values: readonly string[]): Redactor {
  const sorted = [...new Set(values)].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  // JSON texts carry secrets escaped (quotes, backslashes, newlines): hide that spelling too.
  const variants = new Set<string>();
  for (const v of sorted) {
    variants.add(v);
    variants.add(JSON.stringify(v).slice(1, -1));
  }
  const ordered = [...variants].sort((a, b) => b.length - a.length);
  const redact = ((text: string): string => {
    let out = text;
    for (const v of ordered) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }) as Redactor;
  Object.defineProperty(redact, 'size', { value: sorted.length });
  return redact;
}
