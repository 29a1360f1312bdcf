import * as core from '@actions/core';
import { isUserError } from '../core/errors.js';
import type { Logger } from '../shared/log.js';
import type { OptionSpec, RawOptions } from '../shared/options.js';

/** The action's edge: inputs from `INPUT_*`, logs as workflow commands, one way to fail. */
export function readActionInputs(specs: readonly OptionSpec[]): RawOptions {
  const raw: RawOptions = {};
  for (const spec of specs) {
    if (spec.cliOnly) continue;
    raw[spec.name] = spec.multiple ? core.getMultilineInput(spec.name) : core.getInput(spec.name);
  }
  return raw;
}

export const actionLogger = (): Logger => ({
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  group: (name, fn) => core.group(name, fn),
});

/**
 * Runs an entry and turns any throw into `core.setFailed`: user errors as their one line, bugs
 * with the stack in the debug log so the job log stays readable.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (isUserError(err)) {
      core.setFailed(err.message);
    } else {
      const e = err instanceof Error ? err : new Error(String(err));
      core.debug(e.stack ?? e.message);
      core.setFailed(`dbt-matrix failed unexpectedly: ${e.message}`);
    }
  }
}

export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  await core.summary.addRaw(markdown, true).write();
}
