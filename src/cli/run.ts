import type { Command } from 'commander';
import { readGithubContext } from '../io/github-context.js';
import { consoleLogger } from '../shared/log.js';
import { JSON_OPTION } from '../shared/options.js';
import { parseRunInputs, RUN_OPTIONS } from '../run/inputs.js';
import { runShard } from '../run/main.js';
import { addOptions, rawFromCommander, runCommand } from './program.js';

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description("run one shard (or --final) of a plan in a dbt subprocess; reads GITHUB_EVENT_NAME/GITHUB_EVENT_PATH when set");
  const options = [...RUN_OPTIONS, JSON_OPTION];
  addOptions(cmd, options);
  cmd.action((opts: Record<string, unknown>) =>
    runCommand(async () => {
      const raw = rawFromCommander(opts, options);
      const json = JSON_OPTION.read(raw);
      const inputs = parseRunInputs(raw);
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
