import { copyFileAtomic, writeFileAtomic, writeJsonAtomic } from '../files.js';
import { reportFolder } from './paths.js';

export interface ReportFiles {
  runResults: string;
  summary: string;
  junit: string;
  /** null when the plan folder had no manifest.json: the report is then no dbt state folder */
  manifest: string | null;
  plan: string;
}

/**
 * Writes the report folder: the merged run_results.json, summary.md and junit.xml, and copies of
 * the plan folder's manifest.json and plan.json, so the folder is a dbt state directory
 * (`--state <report dir>` with `result:fail+`, `dbt retry`) and the next plan's `--timings`.
 */
export async function writeReportFolder(
  dir: string,
  report: { runResults: unknown; summary: string; junit: string },
  from: { planFile: string; manifestFile: string | null },
): Promise<ReportFiles> {
  const { runResults, summary, junit, manifest, plan } = reportFolder(dir);
  const files: ReportFiles = {
    runResults,
    summary,
    junit,
    manifest: from.manifestFile === null ? null : manifest,
    plan,
  };
  await writeJsonAtomic(files.runResults, report.runResults);
  await writeFileAtomic(files.summary, report.summary);
  await writeFileAtomic(files.junit, report.junit);
  if (from.manifestFile !== null && files.manifest !== null) await copyFileAtomic(from.manifestFile, files.manifest);
  await copyFileAtomic(from.planFile, files.plan);
  return files;
}
