import { describe, expect, it } from 'vitest';
import { compatDecision, STEPS } from '../../src/action/compat.js';

// The root action.yml's `command` front: which step it runs, and the warning naming the sub-action.
describe('the `command` compatibility front', () => {
  it.each(STEPS)('command: %s runs that step and warns with the sub-action to use', (step) => {
    expect(compatDecision({ INPUT_COMMAND: ` ${step}\n` })).toEqual({
      step,
      line: `::warning::dbt-matrix: \`command: ${step}\` is deprecated; use dbt-matrix/dbt-matrix/${step}@v1 (the same inputs, without \`command\`)\n`,
    });
  });

  it('names the sub-action the way the step referenced the action (a fork, a commit pin)', () => {
    const pin = '0123456789abcdef0123456789abcdef01234567';
    const { line } = compatDecision({
      INPUT_COMMAND: 'run',
      GITHUB_ACTION_REPOSITORY: 'acme/dbt-matrix',
      GITHUB_ACTION_REF: pin,
    });
    expect(line).toContain(`use acme/dbt-matrix/run@${pin} (`);
  });

  it.each([[''], ['local'], ['plan,run'], ['50%\nx']])(
    'refuses command %j with one error line naming the choices',
    (command) => {
      const { step, line } = compatDecision({ INPUT_COMMAND: command });
      expect(step).toBeNull();
      expect(line).toMatch(
        /^::error::command: got ".*", expected one of plan \(or dbt-matrix\/dbt-matrix\/plan@v1\), run \(or .*\), merge \(or .*\)\n$/,
      );
      // a workflow command is one line: the user's text cannot end it or start another
      expect(line.split('\n')).toHaveLength(2);
    },
  );
});
