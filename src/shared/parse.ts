import { badInput } from '../core/errors.js';

/** Parsers for option values: each throws one clear line naming the option on bad input. */
export function parseIntOption(name: string, value: string | undefined, opts: { min?: number; max?: number; fallback?: number } = {}): number | undefined {
  if (value === undefined) return opts.fallback;
  const trimmed = value.trim();
  const range = `${opts.min ?? '-∞'}..${opts.max ?? '∞'}`;
  if (!/^-?\d+$/.test(trimmed)) throw badInput(`--${name}`, value, `a whole number in ${range}`);
  const n = Number(trimmed);
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw badInput(`--${name}`, value, `a whole number in ${range}`);
  }
  return n;
}

export function parseNumberOption(name: string, value: string | undefined, opts: { min?: number; fallback?: number } = {}): number | undefined {
  if (value === undefined) return opts.fallback;
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || (opts.min !== undefined && n < opts.min)) {
    throw badInput(`--${name}`, value, `a number ≥ ${opts.min ?? '-∞'}`);
  }
  return n;
}

export function parseBoolOption(name: string, value: string | boolean | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw badInput(`--${name}`, value, 'true or false');
}

export function parseEnumOption<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw badInput(`--${name}`, value, `one of ${allowed.join(', ')}`);
}
