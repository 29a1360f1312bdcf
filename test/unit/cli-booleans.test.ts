import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addOptions, rawFromCommander } from '../../src/cli/program.js';
import { LOCAL_OPTIONS, parseLocalInputs } from '../../src/local/inputs.js';
import { parseRunInputs, RUN_OPTIONS } from '../../src/run/inputs.js';

/** The CLI's flags as commander parses them, then validated like the action's inputs. */
function runInputsFrom(argv: string[]) {
  const cmd = addOptions(new Command('run').exitOverride(), RUN_OPTIONS);
  cmd.parse(argv, { from: 'user' });
  return parseRunInputs(rawFromCommander(cmd.opts(), RUN_OPTIONS));
}

describe('CLI boolean flags take true/false like the action', () => {
  it.each([
    [['--final'], true],
    [['--final', 'true'], true],
    [['--final', 'false', '--shard', '1'], false],
    [['--final=yes'], true],
  ])('run %j', (args, final) => {
    expect(runInputsFrom(['--plan', 'p.json', ...args]).final).toBe(final);
  });

  it('--full-refresh false and --defer true', () => {
    const i = runInputsFrom(['--plan', 'p.json', '--shard', '0', '--full-refresh', 'false', '--defer', 'true']);
    expect(i).toMatchObject({ fullRefresh: false, defer: true });
  });

  it('refuses anything else with the option named', () => {
    expect(() => runInputsFrom(['--plan', 'p.json', '--final', 'maybe'])).toThrow(
      /^--final: got "maybe", expected true or false$/,
    );
  });

  it('--dbt-flags repeats, each value one flag, dashes included', () => {
    const i = runInputsFrom([
      '--plan',
      'p.json',
      '--shard',
      '0',
      '--dbt-flags',
      '--fail-fast',
      '--dbt-flags=--warn-error',
    ]);
    expect(i.dbtFlags.build).toEqual(['--fail-fast', '--warn-error']);
  });

  it('local passes --dbt-flags to every shard', () => {
    const cmd = addOptions(new Command('local').exitOverride(), LOCAL_OPTIONS);
    cmd.parse(['--connection-budget', '4', '--dbt-flags', '--empty', '--full-refresh', 'true'], { from: 'user' });
    const inputs = parseLocalInputs(rawFromCommander(cmd.opts(), LOCAL_OPTIONS));
    expect(inputs.run.dbtFlags.build).toEqual(['--empty']);
    expect(inputs.run.fullRefresh).toBe(true);
  });

  it('local --duckdb-result takes a .duckdb file, and refuses anything else with one line', () => {
    const parse = (v: string) => parseLocalInputs({ 'connection-budget': '4', 'duckdb-result': v });
    expect(parse('out/shop.duckdb').duckdbResult).toMatch(/\/out\/shop\.duckdb$/);
    expect(() => parse('out/shop.db')).toThrow(
      /^--duckdb-result: got "out\/shop\.db", expected a file path ending in \.duckdb$/,
    );
  });
});
