/**
 * The fuzz suite's shared parts: a fixed seed and a bounded number of cases in the test suite
 * (FUZZ_RUNS scales them up: `npm run fuzz`), the promise every case is checked against, and a
 * tally of cases tried and held per area, printed at the end and written to
 * test-results/fuzz-<suite>.json.
 *
 * The promise for bad input: a UserError (the front ends print it as one line, exit 2, no stack
 * trace) whose message is one line without control bytes; anything else thrown is a bug (the
 * CLI would print "unexpected error" with a stack and exit 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { isUserError } from '../../src/core/errors.js';
import { REPO_ROOT } from './dbt.js';

export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 20_261_129);
/** `npm run fuzz` sets FUZZ_SCALE (e.g. 20): every area runs that many times more cases. */
export const FUZZ_SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);

export const casesFor = (base: number): number => Math.max(1, Math.round(base * FUZZ_SCALE));

export type Verdict = 'accepted' | 'refused';

/** Why a case broke the promise, or null when it held. */
export async function promiseBroken(fn: () => unknown): Promise<{ verdict: Verdict; broken: string | null }> {
  try {
    await fn();
    return { verdict: 'accepted', broken: null };
  } catch (err) {
    if (!isUserError(err))
      return {
        verdict: 'refused',
        broken: `not a user error: ${err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 3).join(' | ') : String(err)}`,
      };
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(err.message))
      return {
        verdict: 'refused',
        broken: `control bytes or line breaks in: ${JSON.stringify(err.message.slice(0, 200))}`,
      };
    if (err.message.length > 4000)
      return { verdict: 'refused', broken: `a message of ${err.message.length} characters` };
    return { verdict: 'refused', broken: null };
  }
}

export interface AreaTally {
  tried: number;
  held: number;
  accepted: number;
  refused: number;
  failures: string[];
}

const tallies = new Map<string, AreaTally>();

/**
 * Runs `check` on `cases` values drawn from `arb` with the fixed seed, counts them, and fails
 * listing the first few cases that broke the promise (with their input).
 */
export async function fuzzArea<T>(
  area: string,
  arb: fc.Arbitrary<T>,
  cases: number,
  check: (value: T) => Promise<{ verdict: Verdict; broken: string | null }>,
): Promise<void> {
  const tally: AreaTally = { tried: 0, held: 0, accepted: 0, refused: 0, failures: [] };
  tallies.set(area, tally);
  for (const value of fc.sample(arb, { seed: FUZZ_SEED + hash(area), numRuns: cases })) {
    const { verdict, broken } = await check(value);
    tally.tried++;
    tally[verdict]++;
    if (broken === null) tally.held++;
    else if (tally.failures.length < 5)
      tally.failures.push(`${broken}\n    input: ${JSON.stringify(value, replacer).slice(-300)}`);
  }
  expect(tally.failures, `${area}: ${tally.tried - tally.held} of ${tally.tried} cases broke the promise`).toEqual([]);
}

/** Prints and saves the tallies (call from afterAll). */
export function reportTallies(suite: string): void {
  const rows = [...tallies].map(([area, t]) => ({
    area,
    tried: t.tried,
    held: t.held,
    accepted: t.accepted,
    refused: t.refused,
  }));
  console.info(
    `fuzz (${suite}, seed ${FUZZ_SEED}, scale ${FUZZ_SCALE}):\n${rows.map((r) => `  ${r.area}: ${r.held}/${r.tried} held (${r.accepted} accepted, ${r.refused} refused)`).join('\n')}`,
  );
  const dir = path.join(REPO_ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, `fuzz-${suite}.json`),
    `${JSON.stringify({ seed: FUZZ_SEED, scale: FUZZ_SCALE, areas: rows }, null, 2)}\n`,
  );
}

const replacer = (_k: string, v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v);

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return Math.abs(h);
}

/** Strings a hostile user types: control bytes, quotes, shell syntax, unicode, huge numbers, paths. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '0',
      '-1',
      '1e999',
      'NaN',
      'Infinity',
      '9007199254740993',
      '0x10',
      '1.5',
      'true',
      'null',
      '..',
      '../..',
      '/',
      '/proc/x',
      '\u0000',
      '\u001b[31m',
      'a\nb',
      '$(id)',
      '`id`',
      "'",
      '"',
      '\\',
      '%s%n',
      '{{ x }}',
      '*',
      '+',
      '@',
      ',',
      ':',
      'ü',
      '😀',
      '\u2028',
    ),
    fc.stringMatching(/^-?\d{1,30}(\.\d{0,5})?$/),
  );
