/**
 * The two GitHub reads the guard makes: the environment's protection and this run's deployment
 * reviews, through the shared GitHub client (@actions/github's Octokit with retries and
 * throttling). A 404 for the environment is an answer (it does not exist); any other error
 * propagates, and the guard fails closed on it.
 */
import { protectionOf, type ApiEnvironment } from '@pipelines/action-kit';
import { gitHubStatusOf } from '@pipelines/action-kit/errors';
import type { GitHubClient } from '@pipelines/action-kit/github';
import type { GuardFacts, RunReview } from './decide';

interface Where {
  github: GitHubClient;
  owner: string;
  repo: string;
}

/** undefined when the environment does not exist. */
export async function readProtection(
  where: Where,
  environment: string,
): Promise<GuardFacts['protection']> {
  let data: (ApiEnvironment & { can_admins_bypass?: unknown }) | undefined;
  try {
    const answer = await where.github.request(
      'GET /repos/{owner}/{repo}/environments/{environment_name}',
      { owner: where.owner, repo: where.repo, environment_name: environment },
    );
    data = answer.data as unknown as typeof data;
  } catch (error) {
    if (gitHubStatusOf(error) === 404) return undefined;
    throw error;
  }
  if (!data || typeof data !== 'object') throw new Error('GitHub answered without an environment');
  return {
    ...protectionOf(data),
    canAdminsBypass:
      typeof data.can_admins_bypass === 'boolean' ? data.can_admins_bypass : undefined,
  };
}

/** This run's deployment review log; an entry without a user or environments is an error. */
export async function readReviews(where: Where, runId: string): Promise<RunReview[]> {
  let body: unknown;
  try {
    const answer = await where.github.request(
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals',
      { owner: where.owner, repo: where.repo, run_id: Number(runId) },
    );
    body = answer.data;
  } catch (error) {
    const status = gitHubStatusOf(error);
    if (status === 404)
      throw new Error(`GitHub has no review log for run ${runId} (404)`, { cause: error });
    throw error;
  }
  if (!Array.isArray(body)) throw new Error(`GitHub has no review log for run ${runId}`);
  return body.map((entry: unknown) => {
    const e = entry as {
      state?: unknown;
      user?: { login?: unknown } | null;
      environments?: { name?: unknown }[];
    };
    if (
      typeof e.state !== 'string' ||
      typeof e.user?.login !== 'string' ||
      !Array.isArray(e.environments)
    )
      throw new Error(`run ${runId}'s review log has an entry without state, user or environments`);
    return {
      state: e.state,
      user: e.user.login,
      environments: e.environments.map((x) => String(x.name)),
    };
  });
}
