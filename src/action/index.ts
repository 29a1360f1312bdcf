/**
 * action.yml's entry: `command` picks the bundle. Each command is its own ncc bundle under
 * dist/<command>/, loaded on demand, so this file stays tiny and a run job never loads the
 * planner's code. It reads INPUT_COMMAND directly to avoid bundling @actions/core twice.
 */
const COMMANDS = ['plan', 'run', 'merge'] as const;
// a bundled dependency of @actions/artifact requires the deprecated `punycode`: noise in job logs
process.noDeprecation = true;
const command = (process.env['INPUT_COMMAND'] ?? '').trim();
if (!(COMMANDS as readonly string[]).includes(command)) {
  process.stdout.write(`::error::command: got ${JSON.stringify(command)}, expected one of ${COMMANDS.join(', ')}\n`);
  process.exitCode = 1;
} else {
  await import(/* webpackIgnore: true */ new URL(`../${command}/index.js`, import.meta.url).href);
}
