// What the test-only actions/cache stand-in's main step hands to its post step (core.saveState).
export const KEY_STATE = 'key';
export const PATH_STATE = 'path';
export const MATCHED_STATE = 'matched-key';

/** Cache keys match regardless of case: act's cache server stores them lower-cased, GitHub's ignores case. */
export function sameKey(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}
