import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { getOctokit } from '@actions/github';
import { describeApiError, httpStatus } from './comment.js';
import { pathExists } from './files.js';
import { REPORT_ARTIFACT_NAME } from '../shared/artifact-names.js';
import { reportFolder } from './folders/index.js';

export interface FindBy {
  token: string;
  workflowRunId: number;
  repositoryOwner: string;
  repositoryName: string;
}

/** Downloads an artifact of another workflow run (the GitHub implementation uses @actions/artifact). */
export interface ArtifactDownloader {
  download(artifactId: number, dir: string, findBy: FindBy): Promise<void>;
}

export interface ReportTimingsRequest {
  token: string;
  owner: string;
  repo: string;
  /** the workflow's file name (`ci.yml`) or numeric id */
  workflow: string | number;
  /** defaults to the repository's default branch */
  branch?: string | null;
  /** where the artifact is extracted */
  downloadDir: string;
  /** successful runs to look through, newest first (a run may have no report: nothing ran) */
  maxRuns?: number;
  baseUrl?: string;
}

interface Log {
  info(message: string): void;
  warning(message: string): void;
}

/**
 * `--timings github`: the run_results.json of the latest successful run of the same workflow on
 * the default branch that uploaded a (non-expired) `dbt-matrix-report` artifact, or null when
 * there is none yet or the token may not read it — the planner then estimates without history.
 */
export async function findLatestReportTimings(
  req: ReportTimingsRequest,
  deps: { downloader?: ArtifactDownloader; log: Log },
): Promise<string | null> {
  const octokit = getOctokit(req.token, req.baseUrl ? { baseUrl: req.baseUrl } : {});
  const { owner, repo } = req;
  try {
    const branch = req.branch ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
    const { data: runs } = await octokit.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: req.workflow,
      branch,
      status: 'success',
      per_page: req.maxRuns ?? 10,
    });
    for (const run of runs.workflow_runs) {
      const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({
        owner,
        repo,
        run_id: run.id,
        name: REPORT_ARTIFACT_NAME,
      });
      const artifact = data.artifacts.find((a) => a.name === REPORT_ARTIFACT_NAME && !a.expired);
      if (!artifact) continue;
      const dir = path.join(req.downloadDir, `run-${run.id}`);
      await fs.mkdir(dir, { recursive: true });
      const downloader = deps.downloader ?? githubArtifactDownloader();
      await downloader.download(artifact.id, dir, {
        token: req.token,
        workflowRunId: run.id,
        repositoryOwner: owner,
        repositoryName: repo,
      });
      const file = reportFolder(dir).runResults;
      if (await pathExists(file)) {
        deps.log.info(`--timings github: run_results.json of run ${run.id} (${run.html_url}) on ${branch}`);
        return file;
      }
      deps.log.warning(
        `--timings github: artifact ${REPORT_ARTIFACT_NAME} of run ${run.id} has no run_results.json; trying an older run`,
      );
    }
    deps.log.warning(
      `--timings github: no successful run of workflow ${req.workflow} on ${branch} has a ${REPORT_ARTIFACT_NAME} artifact yet; planning without timings`,
    );
    return null;
  } catch (err) {
    const status = httpStatus(err);
    if (status === null) throw err;
    const hint = status === 403 || status === 404 ? ' (the token needs `actions: read`)' : '';
    deps.log.warning(`--timings github: ${describeApiError(err)}${hint}; planning without timings`);
    return null;
  }
}

/** `owner/repo/.github/workflows/ci.yml@refs/heads/main` (GITHUB_WORKFLOW_REF) → `ci.yml`. */
export function workflowFileFromRef(ref: string | undefined): string | null {
  const m = /\/\.github\/workflows\/([^@/]+)@/.exec(ref ?? '');
  return m ? m[1]! : null;
}

/**
 * The request for this workflow from the Actions environment (GITHUB_REPOSITORY,
 * GITHUB_WORKFLOW_REF, GITHUB_API_URL), or a reason why `--timings github` cannot work here.
 */
export function timingsRequestFromEnv(
  env: NodeJS.ProcessEnv,
  token: string,
  downloadDir: string,
): ReportTimingsRequest | { error: string } {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  const workflow = workflowFileFromRef(env['GITHUB_WORKFLOW_REF']);
  if (!owner || !repo || !workflow)
    return {
      error:
        '--timings github works inside GitHub Actions only (GITHUB_REPOSITORY and GITHUB_WORKFLOW_REF are not set)',
    };
  const req: ReportTimingsRequest = { token, owner, repo, workflow, downloadDir };
  if (env['GITHUB_API_URL']) req.baseUrl = env['GITHUB_API_URL'];
  return req;
}

export function githubArtifactDownloader(): ArtifactDownloader {
  const client = new DefaultArtifactClient();
  return {
    download: async (artifactId, dir, findBy) => {
      await client.downloadArtifact(artifactId, { path: dir, findBy });
    },
  };
}
