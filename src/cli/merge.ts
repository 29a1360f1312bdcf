import type { Command } from 'commander';
import { readManifest } from '../io/manifest-reader.js';
import { consoleLogger } from '../shared/log.js';
import { MERGE_OPTIONS, parseMergeInputs } from '../merge/inputs.js';
import { mergeReports } from '../merge/main.js';
import { addStepCommand } from './program.js';

export function registerMerge(program: Command): void {
  addStepCommand(
    program,
    'merge',
    'merge shard folders into one report: run_results.json, summary.md, junit.xml',
    MERGE_OPTIONS,
    async (raw, out) => {
      const outcome = await mergeReports(parseMergeInputs(raw), { log: consoleLogger(out.json), readManifest });
      out.print(
        {
          status: outcome.status,
          exitCode: outcome.exitCode,
          totals: outcome.totals,
          reportDir: outcome.reportDir,
          files: outcome.files,
        },
        `${outcome.summaryMarkdown.split('\n').slice(0, 3).join('\n')}\n  report: ${outcome.reportDir}`,
      );
      return outcome.exitCode;
    },
  );
}
