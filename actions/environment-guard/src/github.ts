/**
 * The two GitHub reads the guard makes: the environment's protection and this run's deployment
 * reviews. Plain fetch (built into Node 24) instead of Octokit: two requests do not justify a
 * megabyte of client in the bundle.
 */
import { protectionOf, type ApiEnvironment } from '@pipelines/action-kit';
import type { GuardFacts, RunReview } from './verdict';

interface Where {
  token: string;
  owner: string;
  repo: string;
}

async function get(where: Where, path: string): Promise<{ status: number; body: unknown }> {
  const api = process.env.GITHUB_API_URL ?? 'https://api.github.com';
  const url = `${api}/repos/${encodeURIComponent(where.owner)}/${encodeURIComponent(where.repo)}${path}`;
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${where.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'pipelines-environment-guard',
    },
    signal: AbortSignal.timeout(30_000),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok && response.status !== 404) {
    const message = (body as { message?: unknown } | undefined)?.message;
    throw new Error(
      `GitHub answered ${response.status} ${typeof message === 'string' ? message : response.statusText}`,
    );
  }
  return { status: response.status, body };
}

/** undefined when the environment does not exist. */
export async function readProtection(
  where: Where,
  environment: string,
): Promise<GuardFacts['protection']> {
  const { status, body } = await get(where, `/environments/${encodeURIComponent(environment)}`);
  if (status === 404) return undefined;
  const data = body as (ApiEnvironment & { can_admins_bypass?: unknown }) | undefined;
  if (!data || typeof data !== 'object') throw new Error('GitHub answered without an environment');
  return {
    ...protectionOf(data),
    canAdminsBypass:
      typeof data.can_admins_bypass === 'boolean' ? data.can_admins_bypass : undefined,
  };
}

/** This run's deployment review log; an entry without a user or environments is an error. */
export async function readReviews(where: Where, runId: string): Promise<RunReview[]> {
  const { status, body } = await get(where, `/actions/runs/${encodeURIComponent(runId)}/approvals`);
  if (status === 404 || !Array.isArray(body))
    throw new Error(`GitHub has no review log for run ${runId} (${status})`);
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
