/**
 * The root action.yml's `command` input, kept for one release: it names the sub-action that
 * replaces it (`uses: dbt-matrix/dbt-matrix/plan@v1` …) in a warning, then runs that step's bundle.
 * No @actions/core here: the step's bundle carries its own, and this entry stays tiny.
 */
export const STEPS = ['plan', 'run', 'merge'] as const;
export type Step = (typeof STEPS)[number];

/** Where the sub-actions live and the release users reference, as the README and examples write them. */
export const ACTION_REPOSITORY = 'dbt-matrix/dbt-matrix';
export const ACTION_REF = 'v1';

/** `uses:` of a sub-action: `<repository>/<step>@<ref>`. */
export const subActionUses = (step: Step, repository = ACTION_REPOSITORY, ref = ACTION_REF): string =>
  `${repository}/${step}@${ref}`;

/** A workflow command's message: `%`, CR and LF would end or corrupt it. */
const commandData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export type CompatDecision = { step: Step; line: string } | { step: null; line: string };

/**
 * What the compatibility front does for INPUT_COMMAND: the step to run and a `::warning::` naming
 * its sub-action, or no step and an `::error::`. The sub-action is named the way this step's
 * `uses:` referenced the action (GITHUB_ACTION_REPOSITORY / GITHUB_ACTION_REF, so a fork or a
 * commit pin is kept), falling back to the published name.
 */
export function compatDecision(env: NodeJS.ProcessEnv): CompatDecision {
  const command = (env['INPUT_COMMAND'] ?? '').trim();
  if (!(STEPS as readonly string[]).includes(command)) {
    const expected = STEPS.map((s) => `${s} (or ${subActionUses(s)})`).join(', ');
    return {
      step: null,
      line: `::error::${commandData(`command: got ${JSON.stringify(command)}, expected one of ${expected}`)}\n`,
    };
  }
  const step = command as Step;
  const uses = subActionUses(
    step,
    env['GITHUB_ACTION_REPOSITORY'] || ACTION_REPOSITORY,
    env['GITHUB_ACTION_REF'] || ACTION_REF,
  );
  return {
    step,
    line: `::warning::${commandData(`dbt-matrix: \`command: ${step}\` is deprecated; use ${uses} (the same inputs, without \`command\`)`)}\n`,
  };
}
