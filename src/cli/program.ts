import { Command, Option } from 'commander';
import { isUserError } from '../core/errors.js';
import { JSON_OPTION, type OptionSpec, type RawOptions } from '../shared/options.js';

/** Registers an entry's OptionSpecs as `--kebab-case` flags (the same names as the action inputs). */
export function addOptions(cmd: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    if (spec.actionOnly) continue;
    // a boolean flag alone means true, and takes true/false like the action's input (`--final false`)
    const flag = spec.value ? `--${spec.name} <${spec.value}>` : `--${spec.name} [BOOL]`;
    const opt = new Option(flag, spec.description);
    if (spec.multiple) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    if (spec.defaultText) opt.default(undefined, spec.defaultText);
    cmd.addOption(opt);
  }
  return cmd;
}

/** commander's camelCase option bag back to the kebab-case names the parsers read. */
export function rawFromCommander(opts: Record<string, unknown>, specs: readonly OptionSpec[]): RawOptions {
  const raw: RawOptions = {};
  for (const spec of specs) {
    const camel = spec.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = opts[camel];
    if (v !== undefined) raw[spec.name] = v as string | string[] | boolean;
  }
  return raw;
}

/** How a step prints its outcome: one JSON line with --json, else a few lines for people. */
export interface Printer {
  json: boolean;
  print(value: unknown, text: string): void;
}

/**
 * `dbt-matrix plan|run|merge`: the step's options plus --json; `run` gets them raw and returns
 * the exit code.
 */
export function addStepCommand(
  program: Command,
  name: string,
  description: string,
  options: readonly OptionSpec[],
  run: (raw: RawOptions, out: Printer) => Promise<number>,
): Command {
  const specs = [...options, JSON_OPTION];
  const cmd = addOptions(program.command(name).description(description), specs);
  cmd.action((opts: Record<string, unknown>) =>
    runCommand(() => {
      const raw = rawFromCommander(opts, specs);
      const json = JSON_OPTION.read(raw);
      return run(raw, {
        json,
        print: (value, text) => process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`),
      });
    }),
  );
  return cmd;
}

/** One way to fail: user errors as one line (exit 2), bugs with their stack (exit 1). */
export async function runCommand(fn: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await fn();
  } catch (err) {
    if (isUserError(err)) {
      process.stderr.write(`dbt-matrix: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(
        `dbt-matrix: unexpected error\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    }
  }
}
