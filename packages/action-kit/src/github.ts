/**
 * The GitHub client of the actions and tools that talk to GitHub's REST API: `@actions/github`'s
 * Octokit with retries (5xx and network errors, with backoff) and throttling (GitHub's primary and
 * secondary rate limits: wait as told, twice at most). Not exported from the package index, so
 * actions that never call GitHub do not bundle it: import it from '@pipelines/action-kit/github'.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  /** GitHub's API; by default the runner's GITHUB_API_URL (GitHub Enterprise, the local stand-in). */
  baseUrl?: string;
  userAgent?: string;
  /** Where rate-limit waits are reported (the job log). */
  warn?: (message: string) => void;
  /** Retries after a server error; tests of failures set 0. */
  retries?: number;
}

/** Rate-limit waits allowed per request before giving up. */
const RATE_LIMIT_RETRIES = 2;

export function gitHubClient(token: string, options: GitHubClientOptions = {}): GitHubClient {
  const warn = options.warn ?? (() => undefined);
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      if (retryCount >= RATE_LIMIT_RETRIES) return false;
      warn(
        `GitHub's ${kind} rate limit: waiting ${retryAfter} s before ${request.method} ${request.url} again.`,
      );
      return true;
    };
  return getOctokit(
    token,
    {
      baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
      userAgent: options.userAgent ?? 'pipelines',
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
      // Client errors are answers, not faults: retrying a 404 or a 422 only delays the message.
      retry: {
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
        retries: options.retries ?? 3,
      },
    },
    retry,
    throttling,
  );
}

// Kept in errors.ts (no Octokit behind it), so that callers can read a status without loading the client.
export { gitHubStatusOf } from './errors';
