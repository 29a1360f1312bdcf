import type { Command } from 'commander';
import { onCancelSignals } from '../io/dbt-process.js';
import { parseProject } from '../io/dbt-parse.js';
import { readGithubContext } from '../io/github-context.js';
import { LOCAL_OPTIONS, parseLocalInputs } from '../local/inputs.js';
import { runLocal } from '../local/main.js';
import { Progress } from '../local/progress.js';
import { renderEndSummary, shardSeconds } from '../local/summary.js';
import { consoleLogger, type Logger } from '../shared/log.js';
import { addOptions, rawFromCommander, runCommand } from './program.js';

/**
 * `dbt-matrix local`: plan, run every shard as a parallel dbt process within the connection
 * budget, merge, and print where the report is. Ctrl-C (or SIGTERM, SIGHUP, SIGQUIT) cancels the running shards
 * — each dbt gets one SIGINT and cancels its queries — and the report of what ran is still written.
 *
 * DuckDB: each shard gets its own file through a profile derived from the user's (see
 * src/local/profile.ts and warehouse.ts); where the merged result went is printed as "Database:".
 */
export function registerLocal(program: Command): void {
  const cmd = program
    .command('local')
    .description(
      'plan, run every shard as parallel dbt processes within the budget, merge: the whole pipeline on this machine',
    );
  addOptions(cmd, LOCAL_OPTIONS);
  cmd.action((opts: Record<string, unknown>) =>
    runCommand(async () => {
      const inputs = parseLocalInputs(rawFromCommander(opts, LOCAL_OPTIONS));
      const now = (): Date => new Date();
      const context = await readGithubContext(process.env, now);
      const progress = new Progress(process.stdout);
      const log = progressLogger(consoleLogger(), progress);
      const abort = new AbortController();
      const onSignal = (sig: NodeJS.Signals): void => {
        progress.message(
          abort.signal.aborted
            ? `${sig}: still stopping the shards…`
            : `${sig}: cancelling the running shards (dbt cancels its queries), then merging`,
        );
        abort.abort();
      };
      const uninstall = onCancelSignals(onSignal);
      try {
        const outcome = await runLocal(inputs, {
          env: process.env,
          trigger: context.trigger,
          now,
          log,
          progress,
          signal: abort.signal,
          parseProject,
        });
        const { merge } = outcome;
        process.stdout.write(
          `\n${renderEndSummary({
            report: merge.report,
            status: merge.status,
            reportDir: merge.reportDir,
            summaryFile: merge.files.summary,
            database: outcome.database,
            wallSeconds: outcome.wallSeconds,
            shardSeconds: shardSeconds(merge.report),
            stopped: outcome.stopped,
          })}`,
        );
        return abort.signal.aborted ? 130 : outcome.exitCode;
      } finally {
        uninstall();
      }
    }),
  );
}

/** While the live block is on screen, our own lines go above it. */
function progressLogger(base: Logger, progress: Progress): Logger {
  return {
    info: (m) => progress.message(m),
    warning: (m) => progress.message(`warning: ${m}`),
    error: (m) => progress.message(`error: ${m}`),
    group: base.group,
  };
}
