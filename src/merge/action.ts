import * as core from '@actions/core';
import { context } from '@actions/github';
import type { Annotator } from '../core/report/annotations.js';
import { renderComment, renderHeadline } from '../core/report/summary.js';
import { actionLogger, readActionInputs, writeJobSummary } from '../io/action.js';
import { commentMarker, upsertStickyComment } from '../io/comment.js';
import { readManifest } from '../io/manifest-reader.js';
import { withPlanFromArtifact } from '../io/plan-artifact.js';
import { GithubArtifactSource, GithubArtifactStore } from '../io/artifact-store.js';
import { REPORT_ARTIFACT_NAME } from '../shared/artifact-names.js';
import { MERGE_OPTIONS, parseMergeActionInputs, type MergeActionInputs } from './inputs.js';
import { mergeReports, type MergeOutcome } from './main.js';

/** `command: merge` — downloads shard artifacts, merges, reports, and fails per `fail-on`. */
export async function mergeAction(): Promise<void> {
  const inputs = parseMergeActionInputs(await withPlanFromArtifact(readActionInputs(MERGE_OPTIONS), process.env));
  if (inputs.token) core.setSecret(inputs.token);
  const log = actionLogger();
  const outcome = await mergeReports(inputs.merge, {
    log,
    readManifest,
    artifacts: inputs.download ? new GithubArtifactSource() : null,
    annotator: coreAnnotator,
  });
  const t = outcome.totals;
  core.setOutput('status', outcome.status);
  core.setOutput('passed', String(t.passed));
  core.setOutput('failed', String(t.failed));
  core.setOutput('skipped', String(t.skipped));
  core.setOutput('report-dir', outcome.reportDir);
  await writeJobSummary(outcome.summaryMarkdown);
  await uploadReport(outcome, log);
  if (inputs.comment) await comment(inputs, outcome, log);
  const headline = renderHeadline(outcome.report, outcome.status).replace(/^#+\s*/, '');
  if (outcome.exitCode !== 0) core.setFailed(headline);
  else core.info(headline);
}

const coreAnnotator: Annotator = {
  error: (message, props) => core.error(message, props),
  warning: (message, props) => core.warning(message, props),
};

/** The report artifact feeds the next plan's `--timings github`; an upload failure only warns. */
async function uploadReport(outcome: MergeOutcome, log: { warning(m: string): void }): Promise<void> {
  try {
    await new GithubArtifactStore({ log: (m) => core.info(m) }).upload(REPORT_ARTIFACT_NAME, outcome.reportDir);
  } catch (err) {
    log.warning(`could not upload the ${REPORT_ARTIFACT_NAME} artifact: ${(err as Error).message}`);
  }
}

async function comment(
  inputs: MergeActionInputs,
  outcome: MergeOutcome,
  log: { info(m: string): void; warning(m: string): void },
): Promise<void> {
  const pr = context.payload.pull_request?.number;
  if (typeof pr !== 'number') {
    log.info(`comment: ${context.eventName} is not a pull request event; no PR comment`);
    return;
  }
  const { owner, repo } = context.repo;
  const runUrl = `${context.serverUrl}/${owner}/${repo}/actions/runs/${context.runId}`;
  // upsertStickyComment prepends the marker itself; renderComment gets '' so it appears once.
  const body = renderComment(outcome.report, { status: outcome.status, fileOf: outcome.fileOf, marker: '', runUrl });
  const result = await upsertStickyComment(
    {
      token: inputs.token!,
      owner,
      repo,
      issueNumber: pr,
      workflow: context.workflow,
      body: body.trimStart(),
      baseUrl: context.apiUrl,
    },
    log,
  );
  if (result.action !== 'skipped')
    log.info(`PR comment ${result.action}: ${result.url ?? result.id} (${commentMarker(context.workflow)})`);
}
