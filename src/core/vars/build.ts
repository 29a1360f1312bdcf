import { UserError } from '../errors.js';
import { formatArray, type ArrayFormat } from './tuple.js';

/** Set by the interval; a user var of the same name would silently change what a model reads. */
export const RESERVED_VARS: readonly string[] = Object.freeze(['start_dttm', 'end_dttm', 'overlap']);

/** The interval inputs of a dispatch: they become start_dttm/end_dttm, never extra vars. */
const INTERVAL_INPUTS: readonly string[] = ['start_dttm', 'end_dttm'];

export interface DbtVarsArgs {
  /** interval boundaries, already in the datetime format dbt should see */
  start: string;
  end: string;
  overlap: boolean;
  /** parsed --vars */
  extra: Record<string, unknown>;
  /** dispatch inputs to pass on (see dispatchInputsToForward) */
  forwarded?: Record<string, unknown>;
  arrayFormat: ArrayFormat;
}

/**
 * The object dbt receives as `--vars` (serialised to one argv element by the caller):
 * `start_dttm`, `end_dttm`, `overlap` first, then forwarded dispatch inputs and extra vars merged
 * (extra wins on a shared name). Top-level arrays become tuple strings; everything else (strings,
 * numbers, nested objects and the arrays inside them) passes unchanged.
 */
export function buildDbtVars(args: DbtVarsArgs): Record<string, unknown> {
  const forwarded = args.forwarded ?? {};
  assertNoReserved(
    forwarded,
    (name) =>
      `workflow_dispatch input ${JSON.stringify(name)}: the name is reserved for the interval (${RESERVED_VARS.join(', ')}); rename the input or set --forward-inputs false`,
  );
  assertNoReserved(
    args.extra,
    (name) =>
      `--vars: got the key ${JSON.stringify(name)}, expected none of ${RESERVED_VARS.join(', ')} (the interval sets them; use --start/--end/--overlap)`,
  );
  // Object.entries/fromEntries define own properties, so a key like "__proto__" stays a plain key.
  const merged = Object.fromEntries([...Object.entries(forwarded), ...Object.entries(args.extra)]);
  const user = Object.entries(merged).map(
    ([name, value]) => [name, Array.isArray(value) ? formatArray(value, args.arrayFormat) : value] as const,
  );
  return Object.fromEntries([['start_dttm', args.start], ['end_dttm', args.end], ['overlap', args.overlap], ...user]);
}

function assertNoReserved(vars: Record<string, unknown>, message: (name: string) => string): void {
  const clash = Object.keys(vars).find((name) => RESERVED_VARS.includes(name));
  if (clash !== undefined) throw new UserError(message(clash));
}

/**
 * The dispatch inputs worth forwarding as vars: all but the interval's own inputs and those left
 * empty (an unset optional input arrives as ''; forwarding it would override a model's default).
 */
export function dispatchInputsToForward(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(inputs).filter(
      ([name, value]) => !INTERVAL_INPUTS.includes(name) && value !== '' && value !== undefined,
    ),
  );
}
