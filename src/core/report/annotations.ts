import type { MergedReport } from './model.js';
import { isFailing } from './run-results.js';
import { shardFailure } from './summary.js';

/** Where an annotation points: a file relative to the repository root. */
export interface AnnotationProps {
  title: string;
  file?: string;
}

/** The narrow slice of @actions/core the merge needs; the CLI prints instead. */
export interface Annotator {
  error(message: string, props: AnnotationProps): void;
  warning(message: string, props: AnnotationProps): void;
}

export interface Annotation {
  level: 'error' | 'warning';
  message: string;
  props: AnnotationProps;
}

/** GitHub shows only the first annotations of a step (10 errors); more only add noise. */
export const MAX_ANNOTATIONS = 50;

/**
 * One error per failing node, pointing at its file (`projectDir` joins the manifest's
 * project-relative path to the repository root), one per failed shard, one warning per warn.
 */
export function buildAnnotations(
  report: MergedReport,
  fileOf: (uniqueId: string) => string | null,
  projectDir: string,
): Annotation[] {
  const out: Annotation[] = [];
  for (const s of report.shards.filter((r) => r.failed)) {
    out.push({
      level: 'error',
      message: `shard ${s.id}: ${shardFailure(s)}`,
      props: { title: `dbt-matrix: shard ${s.id} ${s.state === 'reported' ? s.status : s.state}` },
    });
  }
  for (const r of report.runResults.results) {
    const level = isFailing(r.status) ? 'error' : r.status === 'warn' ? 'warning' : null;
    if (!level) continue;
    const file = fileOf(r.unique_id);
    const props: AnnotationProps = { title: `dbt ${r.status}: ${r.unique_id}` };
    if (file) props.file = repoPath(projectDir, file);
    out.push({ level, message: (r.message ?? r.status).trim() || r.status, props });
  }
  return out.slice(0, MAX_ANNOTATIONS);
}

export function emitAnnotations(annotations: readonly Annotation[], annotator: Annotator): void {
  for (const a of annotations) annotator[a.level](a.message, a.props);
}

/** POSIX join without node:path (core stays free of I/O modules); `.` adds nothing. */
export function repoPath(projectDir: string, file: string): string {
  const dir = projectDir
    .replace(/\\/g, '/')
    .replace(/^\.\/?/, '')
    .replace(/\/+$/, '');
  const rel = file.replace(/\\/g, '/').replace(/^\.\//, '');
  return dir === '' ? rel : `${dir}/${rel}`;
}
