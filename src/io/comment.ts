import { getOctokit } from '@actions/github';

/**
 * One sticky PR comment per workflow: found again by a hidden marker and edited in place on
 * re-runs, so a PR collects one dbt-matrix comment per workflow instead of one per push.
 */
export interface StickyCommentRequest {
  token: string;
  owner: string;
  repo: string;
  /** the pull request's number (PRs are issues to the comments API) */
  issueNumber: number;
  /** the workflow's name: one comment per workflow */
  workflow: string;
  /** the comment without the marker; the marker is prepended */
  body: string;
  /** GitHub Enterprise, or a fake server in tests */
  baseUrl?: string;
}

export type CommentResult =
  { action: 'created' | 'updated'; id: number; url: string | null } | { action: 'skipped'; reason: string };

interface Warn {
  warning(message: string): void;
}

/** `<!-- dbt-matrix:<workflow> -->`; `--` cannot appear inside an HTML comment. */
export function commentMarker(workflow: string): string {
  return `<!-- dbt-matrix:${workflow.replace(/--+/g, '-').replace(/>/g, '').trim()} -->`;
}

/**
 * Creates or updates the comment. A token without rights (403) or a PR it cannot see (404) —
 * typical for PRs from forks — is a warning, never a failure; so is any other API error, since
 * the comment only repeats what the job summary already shows.
 */
export async function upsertStickyComment(req: StickyCommentRequest, log: Warn): Promise<CommentResult> {
  const octokit = getOctokit(req.token, req.baseUrl ? { baseUrl: req.baseUrl } : {});
  const marker = commentMarker(req.workflow);
  const body = `${marker}\n${req.body}`;
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: req.owner,
      repo: req.repo,
      issue_number: req.issueNumber,
      per_page: 100,
    });
    const mine = comments.find((c) => (c.body ?? '').startsWith(marker));
    if (mine) {
      const { data } = await octokit.rest.issues.updateComment({
        owner: req.owner,
        repo: req.repo,
        comment_id: mine.id,
        body,
      });
      return { action: 'updated', id: data.id, url: data.html_url ?? null };
    }
    const { data } = await octokit.rest.issues.createComment({
      owner: req.owner,
      repo: req.repo,
      issue_number: req.issueNumber,
      body,
    });
    return { action: 'created', id: data.id, url: data.html_url ?? null };
  } catch (err) {
    const status = httpStatus(err);
    const reason =
      status === 403 || status === 404
        ? `the token cannot comment on ${req.owner}/${req.repo}#${req.issueNumber} (HTTP ${status}); give the job \`permissions: pull-requests: write\` (PRs from forks get a read-only token)`
        : `the PR comment failed (${describeApiError(err)}); the job summary has the same report`;
    log.warning(reason);
    return { action: 'skipped', reason };
  }
}

export function httpStatus(err: unknown): number | null {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}

/**
 * Octokit reports a request that never reached GitHub (DNS, refused connection) as HTTP 500;
 * say what happened instead of blaming the API.
 */
export function describeApiError(err: unknown): string {
  const status = httpStatus(err);
  const message = err instanceof Error ? err.message : String(err);
  if (
    status === null ||
    (status === 500 && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|fetch failed|connect/i.test(message))
  ) {
    return `GitHub's API could not be reached: ${message.split('\n')[0]}`;
  }
  return `GitHub API answered HTTP ${status}`;
}
