/**
 * One declaration of an entry point's options serves both front ends: the CLI registers them as
 * `--kebab-case` flags, the action reads the same names as inputs (action.yml lists them too).
 * Values arrive as strings; each entry's inputs.ts validates them with zod.
 */
export interface OptionSpec {
  /** kebab-case; the CLI flag `--name` and the action input `name` */
  name: string;
  description: string;
  /** value placeholder for CLI help, e.g. `DIR`; omit for boolean flags */
  value?: string;
  /** may be given more than once (CLI) / one per line (action) */
  multiple?: boolean;
  /** default shown in help; zod applies the real default */
  defaultText?: string;
  /** only on the CLI (the action derives it, e.g. from the GitHub context) */
  cliOnly?: boolean;
  /** only in the action */
  actionOnly?: boolean;
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

/** run and merge in the action: where the plan folder comes from when no `plan` path is given. */
export const PLAN_ARTIFACT_OPTION: OptionSpec = {
  name: 'plan-artifact',
  value: 'NAME',
  description: "the plan job's `plan-artifact` output: downloads the plan folder and uses its plan.json as --plan",
  actionOnly: true,
};
