import { badInput } from '../core/errors.js';

/**
 * One declaration of an entry point's options serves both front ends: the CLI registers them as
 * `--kebab-case` flags, the action reads the same names as inputs (action.yml is generated from
 * them by scripts/docs.ts). Values arrive as strings; each option's `read` parses its value.
 */
export interface OptionSpec {
  /** kebab-case; the CLI flag `--name` and the action input `name` */
  name: string;
  description: string;
  /** value placeholder for CLI help, e.g. `DIR`; omit for boolean flags */
  value?: string;
  /** may be given more than once (CLI) / one per line (action) */
  multiple?: boolean;
  /** the default as help and action.yml show it; derived from the parser's default by the builders below */
  defaultText?: string;
  /** only on the CLI (the action derives it, e.g. from the GitHub context) */
  cliOnly?: boolean;
  /** only in the action */
  actionOnly?: boolean;
}

/** An option with its parser: `read` returns the default when the option is absent. */
export interface Option<T> extends OptionSpec {
  read(raw: RawOptions): T;
}

/** Raw option values as the front ends hand them over: strings, lists, or absent. */
export type RawOptions = Record<string, string | string[] | boolean | undefined>;

/** Treats '' (an unset action input) as absent. */
export function present(v: RawOptions[string]): boolean {
  if (v === undefined || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/** The value of a single-valued option as a string, or undefined when absent. */
export function str(raw: RawOptions, name: string): string | undefined {
  const v = raw[name];
  if (!present(v)) return undefined;
  if (Array.isArray(v)) return v[v.length - 1];
  return String(v);
}

/** The values of a multiple option (CLI repeats, action lines), empty lines dropped. */
export function list(raw: RawOptions, name: string): string[] {
  const v = raw[name];
  if (!present(v)) return [];
  const items = Array.isArray(v) ? v : String(v).split('\n');
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** The declaration's fields without the parser or the default, which the builders fill in. */
export type OptionText = Omit<OptionSpec, 'defaultText' | 'multiple'>;

/** A declaration with its own parser of the raw value (undefined when absent). */
export function custom<T>(
  spec: OptionText & { defaultText?: string },
  parse: (value: string | undefined) => T,
): Option<T> {
  return { ...spec, read: (raw) => parse(str(raw, spec.name)) };
}

/** A string; `fallback` is its default (null: none). `actionDefault` is a default only the action applies (e.g. `${{ github.token }}`). */
export function text(spec: OptionText, fallback?: undefined, actionDefault?: string): Option<string | null>;
export function text(spec: OptionText, fallback: string): Option<string>;
export function text(spec: OptionText, fallback?: string, actionDefault?: string): Option<string | null> {
  const shown = fallback ?? actionDefault;
  return {
    ...spec,
    ...(shown !== undefined ? { defaultText: shown } : {}),
    read: (raw) => str(raw, spec.name) ?? fallback ?? null,
  };
}

/** A list: CLI repeats, action lines. */
export function lines(spec: OptionText): Option<string[]> {
  return { ...spec, multiple: true, read: (raw) => list(raw, spec.name) };
}

interface Range {
  min?: number;
  max?: number;
}

/** A whole number in `range`; `fallback` is its default (null: none). */
export function int(spec: OptionText, range: Range, fallback?: undefined): Option<number | null>;
export function int(spec: OptionText, range: Range, fallback: number): Option<number>;
export function int(spec: OptionText, range: Range, fallback?: number): Option<number | null> {
  return withDefault(spec, fallback, (value) => parseInteger(spec.name, value, range));
}

/** A number ≥ `range.min`; `fallback` is its default (null: none). */
export function num(spec: OptionText, range: Pick<Range, 'min'>, fallback?: undefined): Option<number | null>;
export function num(spec: OptionText, range: Pick<Range, 'min'>, fallback: number): Option<number>;
export function num(spec: OptionText, range: Pick<Range, 'min'>, fallback?: number): Option<number | null> {
  return withDefault(spec, fallback, (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || (range.min !== undefined && n < range.min))
      throw badInput(`--${spec.name}`, value, `a number ≥ ${range.min ?? '-∞'}`);
    return n;
  });
}

/** One of `allowed` (compared after trimming and lower-casing), `fallback` when absent. */
export function oneOf<T extends string>(spec: OptionText, allowed: readonly T[], fallback: T): Option<T> {
  const parsed = withDefault(spec, fallback, (value) => {
    const v = value.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(v)) return v as T;
    throw badInput(`--${spec.name}`, value, `one of ${allowed.join(', ')}`);
  });
  return { ...parsed, read: (raw) => parsed.read(raw) ?? fallback };
}

/** true or false: a bare CLI flag is true; the action and `--x false` give strings. */
export function bool(spec: OptionText, fallback: boolean): Option<boolean> {
  return { ...spec, defaultText: String(fallback), read: (raw) => readBool(raw, spec.name) ?? fallback };
}

/** true, false, or undefined when not given (the caller's rule decides). */
export function maybeBool(spec: OptionText): Option<boolean | undefined> {
  return { ...spec, read: (raw) => readBool(raw, spec.name) };
}

function readBool(raw: RawOptions, name: string): boolean | undefined {
  const v = raw[name];
  if (typeof v === 'boolean') return v;
  const s = str(raw, name);
  if (s === undefined) return undefined;
  const t = s.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(t)) return true;
  if (['false', 'no', '0', 'off'].includes(t)) return false;
  throw badInput(`--${name}`, s, 'true or false');
}

function withDefault<T>(spec: OptionText, fallback: T | undefined, parse: (value: string) => T): Option<T | null> {
  return {
    ...spec,
    ...(fallback !== undefined ? { defaultText: String(fallback) } : {}),
    read: (raw) => {
      const value = str(raw, spec.name);
      return value === undefined ? (fallback ?? null) : parse(value);
    },
  };
}

function parseInteger(name: string, value: string, range: Range): number {
  const expected = `a whole number in ${range.min ?? '-∞'}..${range.max ?? '∞'}`;
  if (!/^-?\d+$/.test(value.trim())) throw badInput(`--${name}`, value, expected);
  const n = Number(value.trim());
  if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max))
    throw badInput(`--${name}`, value, expected);
  return n;
}

/** run and merge in the action: where the plan folder comes from when no `plan` path is given. */
export const PLAN_ARTIFACT_OPTION = text({
  name: 'plan-artifact',
  value: 'NAME',
  description: "the plan job's `plan-artifact` output: downloads the plan folder and uses its plan.json as --plan",
  actionOnly: true,
});

/** plan, run and merge on the CLI: print the outcome as one JSON line. */
export const JSON_OPTION = bool({ name: 'json', description: 'print the outcome as JSON', cliOnly: true }, false);
