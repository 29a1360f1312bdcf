import type { Command } from 'commander';
import { readManifest } from '../io/manifest-reader.js';
import { consoleLogger } from '../shared/log.js';
import { JSON_OPTION } from '../shared/options.js';
import { MERGE_OPTIONS, parseMergeInputs } from '../merge/inputs.js';
import { mergeReports } from '../merge/main.js';
import { addOptions, rawFromCommander, runCommand } from './program.js';

export function registerMerge(program: Command): void {
  const cmd = program.command('merge').description('merge shard folders into one report: run_results.json, summary.md, junit.xml');
  const options = [...MERGE_OPTIONS, JSON_OPTION];
  addOptions(cmd, options);
  cmd.action((opts: Record<string, unknown>) =>
    runCommand(async () => {
      const raw = rawFromCommander(opts, options);
      const json = JSON_OPTION.read(raw);
      const outcome = await mergeReports(parseMergeInputs(raw), {
        log: consoleLogger(json),
        readManifest,
      });
      if (json) {
        process.stdout.write(`${JSON.stringify({ status: outcome.status, exitCode: outcome.exitCode, totals: outcome.totals, reportDir: outcome.reportDir, files: outcome.files })}\n`);
      } else {
        process.stdout.write(`${outcome.summaryMarkdown.split('\n').slice(0, 3).join('\n')}\n  report: ${outcome.reportDir}\n`);
      }
      return outcome.exitCode;
    }),
  );
}
