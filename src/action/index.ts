/**
 * The root action.yml's entry, a compatibility front kept for one release: `command` picks the
 * step, a warning names the sub-action to use instead (plan/, run/, merge/ at the repository root),
 * and the step's own ncc bundle under dist/<step>/ runs, loaded on demand so this file stays tiny.
 */
import { compatDecision } from './compat.js';

const { step, line } = compatDecision(process.env);
process.stdout.write(line);
if (step === null) {
  process.exitCode = 1;
} else {
  await import(/* webpackIgnore: true */ new URL(`../${step}/index.js`, import.meta.url).href);
}
