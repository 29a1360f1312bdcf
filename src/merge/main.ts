import { randomUUID } from 'node:crypto';
import { isUserError } from '../core/errors.js';
import type { Manifest } from '../core/manifest/types.js';
import type { ReadManifestOptions } from '../io/manifest-reader.js';
import { buildAnnotations, emitAnnotations, type Annotator } from '../core/report/annotations.js';
import { renderJunit } from '../core/report/junit.js';
import { mergeShardResults } from '../core/report/merge.js';
import type { MergedReport, ShardInput, Totals } from '../core/report/model.js';
import { renderSummary } from '../core/report/summary.js';
import { exitCodeFor, runStatus, type RunStatus } from '../core/report/totals.js';
import { pathExists } from '../io/files.js';
import {
  planFolderOf,
  planIdentity,
  readPlan,
  readShardFolders,
  writeReportFolder,
  type ReportFiles,
} from '../io/folders/index.js';
import { checkOutputDir } from '../io/out-dir.js';
import { DbtGraph } from '../core/graph/graph.js';
import type { Logger } from '../shared/log.js';
import { downloadShardArtifacts, type ArtifactSource } from './artifacts.js';
import type { MergeInputs } from './inputs.js';

export interface MergeDeps {
  log: Pick<Logger, 'info' | 'warning'>;
  readManifest(file: string, opts?: ReadManifestOptions): Promise<Manifest>;
  /** shard artifacts to download into --in first (the action's store); absent when the folders are there already */
  artifacts?: ArtifactSource | null;
  /** errors on failing nodes; absent on the CLI */
  annotator?: Annotator | null;
  now?: () => Date;
  newInvocationId?: () => string;
  /** the shards' results when the caller holds them (local): the shard folders are then not read */
  shards?: readonly ShardInput[];
}

export interface MergeOutcome {
  status: RunStatus;
  exitCode: 0 | 1;
  totals: Totals;
  reportDir: string;
  files: ReportFiles;
  summaryMarkdown: string;
  report: MergedReport;
  /** node id → file relative to the project root, from the plan folder's manifest */
  fileOf(uniqueId: string): string | null;
}

/**
 * merge: (download) → read shard folders → merge → write run_results.json, summary.md,
 * junit.xml, and copy manifest.json + plan.json so the report folder is a dbt state directory
 * (`--state <report dir>` with `result:fail+`, `dbt retry`, and the next plan's `--timings`).
 */
export async function mergeReports(inputs: MergeInputs, deps: MergeDeps): Promise<MergeOutcome> {
  await checkOutputDir(inputs.outDir, '--out');
  if (deps.artifacts) {
    const got = await downloadShardArtifacts(deps.artifacts, inputs.inDir);
    deps.log.info(`downloaded ${got.length} shard artifact(s): ${got.map((a) => a.name).join(', ') || 'none'}`);
  }
  const plan = await readPlan(inputs.planFile);
  const manifestFile = planFolderOf(inputs.planFile).manifest;
  const manifestPresent = await pathExists(manifestFile);
  const manifest = manifestPresent ? await readManifestSafely(manifestFile, deps) : null;
  if (!manifestPresent) {
    deps.log.warning(
      `no manifest.json beside the plan (${manifestFile}): failures are listed without their files, and the report folder is not a dbt state directory`,
    );
  }
  const fileOf = (id: string): string | null => manifest?.nodes.get(id)?.originalFilePath ?? null;

  const { shards, ignored } = deps.shards ? { shards: deps.shards, ignored: [] } : await readShardFolders(inputs.inDir);
  const report = mergeShardResults({
    plan,
    shards,
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    invocationId: deps.newInvocationId?.() ?? randomUUID(),
    planId: planIdentity(plan).id,
    graph: manifest ? DbtGraph.fromManifest(manifest) : null,
  });
  report.problems.unshift(...ignored);
  for (const p of report.problems) deps.log.warning(p.message);
  const status = runStatus(report);
  const summaryMarkdown = renderSummary(report, { status, fileOf, slowest: inputs.slowest });

  const out = inputs.outDir;
  const files = await writeReportFolder(
    out,
    { runResults: report.runResults, summary: summaryMarkdown, junit: renderJunit(report, fileOf) },
    { planFile: inputs.planFile, manifestFile: manifestPresent ? manifestFile : null },
  );

  if (deps.annotator) emitAnnotations(buildAnnotations(report, fileOf, inputs.projectDir), deps.annotator);
  return {
    status,
    exitCode: exitCodeFor(status, inputs.failOn),
    totals: report.totals,
    reportDir: out,
    files,
    summaryMarkdown,
    report,
    fileOf,
  };
}

/** Without the manifest the report still merges; only file paths are lost. */
async function readManifestSafely(file: string, deps: MergeDeps): Promise<Manifest | null> {
  try {
    return await deps.readManifest(file, { warn: (m) => deps.log.warning(m) });
  } catch (err) {
    if (!isUserError(err)) throw err;
    // The manifest only adds file paths to the report: a bad one must not cost the whole merge.
    deps.log.warning(`${err.message}; failures are listed without their files`);
    return null;
  }
}
