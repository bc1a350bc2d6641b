/**
 * The reads behind the release notes: from GitHub, the environment's record of what runs now, the
 * commits between it and this run's commit, and their merged pull requests; from the job's files,
 * the sizes of the package and the image (sizes.ts). Each read that fails
 * becomes a fact saying so ("unreadable"), never an exception: the notes are information, the
 * hashes are the gate, and a reviewer must still see the hashes when GitHub's API is down.
 */
import * as core from '@actions/core';
import { couldNot, errorMessage, isPipelinesDeployment } from '@pipelines/action-kit';
import { gitHubStatusOf } from '@pipelines/action-kit/errors';
import type { GitHubClient } from '@pipelines/action-kit/github';
import { listDeployments } from '@pipelines/action-kit/githubDeployments';
import type { Changes, CommitFact, PullFact, Running, Sizes } from './notes';
import { fileSize, imageSize } from './sizes';
import { runningRecord } from './decide';

export interface Where {
  owner: string;
  repo: string;
}

/** Deployments looked through for a trusted, successful record (newest first). */
const MAX_DEPLOYMENTS = 300;
/** Commits whose pull requests are read (one request each): the newest ones. */
export const MAX_PULL_LOOKUPS = 50;

function why(error: unknown): string {
  const status = gitHubStatusOf(error);
  const hint =
    status === 403 || status === 404
      ? ' (does the job have `permissions: deployments: read` and `contents: read`?)'
      : '';
  return `${errorMessage(error)}${hint}`;
}

/**
 * The newest trusted record of the environment whose newest status is `success`: what the
 * environment runs now. A newer record that failed or is still in progress is passed over.
 */
export async function readRunning(
  github: GitHubClient,
  where: Where,
  environment: string,
): Promise<Running> {
  try {
    const listed = listDeployments(github, where, {
      environment,
      maxPages: MAX_DEPLOYMENTS / 100,
      statusesOf: isPipelinesDeployment,
    });
    for await (const { deployment, statuses } of listed)
      if (statuses?.[0]?.state === 'success')
        return { kind: 'record', record: runningRecord(deployment) };
    return { kind: 'first' };
  } catch (error) {
    return { kind: 'unreadable', reason: `GitHub's Deployments API: ${why(error)}` };
  }
}

interface ApiCommit {
  sha: string;
  commit: { message: string; author: { name?: string } | null };
  author: { login?: string } | null;
}

function commitFact(commit: ApiCommit): CommitFact {
  return {
    sha: commit.sha,
    title: commit.commit.message.split('\n')[0] ?? '',
    author: commit.author?.login ?? commit.commit.author?.name ?? 'unknown',
  };
}

/** The commits from base to head (GitHub's compare: at most 250, the newest) and their pulls. */
export async function readChanges(
  github: GitHubClient,
  where: Where,
  base: string,
  head: string,
): Promise<Changes> {
  let comparison: {
    status: string;
    ahead_by: number;
    behind_by: number;
    commits: ApiCommit[];
  };
  try {
    // No per_page/page: GitHub then answers the newest 250 commits (paging would start oldest).
    const { data } = await github.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      ...where,
      basehead: `${base}...${head}`,
    });
    comparison = data as unknown as typeof comparison;
  } catch (error) {
    const status = gitHubStatusOf(error);
    return {
      kind: 'unreadable',
      reason:
        status === 404
          ? `GitHub does not know commit ${base.slice(0, 7)} or ${head.slice(0, 7)} (a force-push may have removed it)`
          : `GitHub's compare API: ${why(error)}`,
    };
  }
  const commits = comparison.commits.map(commitFact);
  const { pulls, problem } = await readPulls(
    github,
    where,
    commits.slice(-MAX_PULL_LOOKUPS).map((c) => c.sha),
  );
  const status = ['ahead', 'behind', 'diverged', 'identical'].includes(comparison.status)
    ? (comparison.status as 'ahead' | 'behind' | 'diverged' | 'identical')
    : 'diverged';
  const skipped =
    commits.length > MAX_PULL_LOOKUPS
      ? `looked up for the newest ${MAX_PULL_LOOKUPS} commits only`
      : undefined;
  const pullsProblem = [problem, skipped].filter(Boolean).join('; ') || undefined;
  return {
    kind: 'compared',
    status,
    commits,
    aheadBy: comparison.ahead_by,
    behindBy: comparison.behind_by,
    pulls,
    ...(pullsProblem ? { pullsProblem } : {}),
  };
}

/** Merged pull requests per commit; the first failure stops the lookups and is reported. */
async function readPulls(
  github: GitHubClient,
  where: Where,
  shas: readonly string[],
): Promise<{ pulls: Record<string, PullFact[]>; problem?: string }> {
  const pulls: Record<string, PullFact[]> = {};
  for (const sha of shas) {
    try {
      const { data } = await github.request(
        'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
        { ...where, commit_sha: sha },
      );
      const merged = data.filter((pr) => pr.merged_at);
      if (merged.length)
        pulls[sha] = merged.map((pr) => ({ number: pr.number, title: pr.title, url: pr.html_url }));
    } catch (error) {
      return {
        pulls,
        problem: `GitHub's pull request lookup failed: ${why(error)}${gitHubStatusOf(error) === 403 ? ' (and `pull-requests: read`)' : ''}`,
      };
    }
  }
  return { pulls };
}

const UNKNOWN_SIZE = 'The notes show its size as unknown';

/** Sizes are information: one that cannot be measured is shown as unknown, with a warning. */
export async function measure(packageFile?: string, imageLayout?: string): Promise<Sizes> {
  const sizes: Sizes = {};
  if (packageFile) {
    try {
      sizes.package = await fileSize(packageFile);
    } catch (error) {
      core.warning(couldNot(`measure the package ${packageFile}`, error, UNKNOWN_SIZE));
    }
  }
  if (imageLayout) {
    try {
      sizes.image = await imageSize(imageLayout);
    } catch (error) {
      core.warning(couldNot(`measure the image layout ${imageLayout}`, error, UNKNOWN_SIZE));
    }
  }
  return sizes;
}
