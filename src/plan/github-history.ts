import path from 'node:path';
import { findLatestReportTimings, timingsRequestFromEnv } from '../io/timings-github.js';
import type { Logger } from '../shared/log.js';
import type { PlanInputs } from './inputs.js';

/**
 * Resolves the action's `github` values: `--timings github` and `--state github` become files of
 * the latest successful dbt-matrix-report artifact (run_results.json and manifest.json). Without a
 * report (first run, expired, no rights, no network) both degrade to "no history" with a warning:
 * a PR must still be testable before main has ever run.
 */
export async function resolveGithubHistory(
  inputs: PlanInputs,
  env: NodeJS.ProcessEnv,
  opts: { token: string; workflow: string | null; downloadDir: string; log: Logger },
): Promise<PlanInputs> {
  const wantsTimings = inputs.timings.includes('github');
  const wantsState = inputs.state === 'github';
  if (!wantsTimings && !wantsState) return inputs;
  const runResults = await latestReport(env, opts);
  const reportDir = runResults ? path.dirname(runResults) : null;
  if (wantsState && !reportDir)
    opts.log.warning('--state github: no production manifest found; selecting as if every node were new');
  return {
    ...inputs,
    timings: inputs.timings.flatMap((t) => (t === 'github' ? (runResults ? [runResults] : []) : [t])),
    state: wantsState ? reportDir : inputs.state,
    stateMissing: wantsState && !reportDir,
  };
}

async function latestReport(
  env: NodeJS.ProcessEnv,
  opts: { token: string; workflow: string | null; downloadDir: string; log: Logger },
): Promise<string | null> {
  const req = timingsRequestFromEnv(env, opts.token, opts.downloadDir);
  if ('error' in req) {
    opts.log.warning(req.error);
    return null;
  }
  if (opts.workflow) req.workflow = opts.workflow;
  try {
    return await findLatestReportTimings(req, { log: opts.log });
  } catch (err) {
    opts.log.warning(`github history: ${(err as Error).message}; planning without it`);
    return null;
  }
}
