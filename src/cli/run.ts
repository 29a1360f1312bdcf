import type { Command } from 'commander';
import { readGithubContext } from '../io/github-context.js';
import { consoleLogger } from '../shared/log.js';
import { parseRunInputs, RUN_OPTIONS } from '../run/inputs.js';
import { runShard } from '../run/main.js';
import { addOptions, rawFromCommander, runCommand } from './program.js';

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description("run one shard (or --final) of a plan in a dbt subprocess; reads GITHUB_EVENT_NAME/GITHUB_EVENT_PATH when set");
  addOptions(cmd, RUN_OPTIONS).option('--json', 'print the outcome as JSON');
  cmd.action((opts: Record<string, unknown>) =>
    runCommand(async () => {
      const json = opts['json'] === true;
      const inputs = parseRunInputs(rawFromCommander(opts, RUN_OPTIONS));
      const now = (): Date => new Date();
      const context = await readGithubContext(process.env, now);
      const outcome = await runShard(inputs, { trigger: context.trigger, attempt: context.attempt, env: process.env, now, log: consoleLogger(json) });
      if (json) {
        process.stdout.write(`${JSON.stringify({ status: outcome.status, exitCode: outcome.exitCode, shardDir: outcome.shardDir })}\n`);
      } else {
        process.stdout.write(`${outcome.summary.join('\n')}\n  artifacts: ${outcome.shardDir}\n`);
      }
      return outcome.exitCode;
    }),
  );
}
