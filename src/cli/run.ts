import type { Command } from 'commander';
import { readGithubContext } from '../io/github-context.js';
import { consoleLogger } from '../shared/log.js';
import { parseRunInputs, RUN_OPTIONS } from '../run/inputs.js';
import { runShard } from '../run/main.js';
import { addStepCommand } from './program.js';

const DESCRIPTION =
  'run one shard (or --final) of a plan in a dbt subprocess; reads GITHUB_EVENT_NAME/GITHUB_EVENT_PATH when set';

export function registerRun(program: Command): void {
  addStepCommand(program, 'run', DESCRIPTION, RUN_OPTIONS, async (raw, out) => {
    const inputs = parseRunInputs(raw);
    const now = (): Date => new Date();
    const context = await readGithubContext(process.env, now);
    const outcome = await runShard(inputs, {
      trigger: context.trigger,
      attempt: context.attempt,
      env: process.env,
      now,
      log: consoleLogger(out.json),
    });
    out.print(
      { status: outcome.status, exitCode: outcome.exitCode, shardDir: outcome.shardDir },
      `${outcome.summary.join('\n')}\n  artifacts: ${outcome.shardDir}`,
    );
    return outcome.exitCode;
  });
}
