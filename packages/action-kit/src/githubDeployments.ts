/**
 * An environment's deployments as GitHub lists them, newest first, each with its newest statuses:
 * the one read behind the deployment records' readers (deployment-record's newer-run guard, the
 * release notes' "what runs now", the deploy report). Lazy: a page is fetched, and a deployment's
 * statuses read, only when the reader asks for the next one, so a reader that stops at the first
 * record it wants makes no further request.
 */
import type { GitHubClient } from './github';

export interface Repository {
  owner: string;
  repo: string;
}

type Listed<M extends (...args: never[]) => Promise<{ data: unknown[] }>> = Awaited<
  ReturnType<M>
>['data'][number];

/** One deployment as GET /repos/{owner}/{repo}/deployments answers it. */
export type ApiDeployment = Listed<GitHubClient['rest']['repos']['listDeployments']>;
/** One status as GET /repos/{owner}/{repo}/deployments/{id}/statuses answers it. */
export type ApiDeploymentStatus = Listed<GitHubClient['rest']['repos']['listDeploymentStatuses']>;

export interface ListedDeployment {
  deployment: ApiDeployment;
  /** Its newest statuses, newest first; undefined when `statusesOf` passed it over. */
  statuses: ApiDeploymentStatus[] | undefined;
}

export interface DeploymentListing {
  /** Whose deployments; undefined lists every environment's. */
  environment: string | undefined;
  /** Deployments per request (GitHub answers at most 100). Default 100. */
  perPage?: number;
  /** Requests for deployments at most: how far back the listing goes. Default 1. */
  maxPages?: number;
  /** How many of a deployment's newest statuses to read (1: its newest; 0: none). Default 1. */
  statuses?: number;
  /** Which deployments' statuses to read (default: every one's). */
  statusesOf?: (deployment: ApiDeployment) => boolean;
  /**
   * What a failed request throws, given what it was reading (`list the deployments of o/r`,
   * `read the statuses of deployment 7`): the reader's own error with its fix. Default: the
   * request's error, unchanged.
   */
  failure?: (what: string, error: unknown) => unknown;
}

export async function* listDeployments(
  github: GitHubClient,
  where: Repository,
  listing: DeploymentListing,
): AsyncGenerator<ListedDeployment> {
  const { environment, perPage = 100, maxPages = 1, statuses = 1 } = listing;
  const failed = listing.failure ?? ((_what: string, error: unknown) => error);
  for (let page = 1; page <= maxPages; page++) {
    let deployments: ApiDeployment[];
    try {
      ({ data: deployments } = await github.rest.repos.listDeployments({
        ...where,
        ...(environment === undefined ? {} : { environment }),
        per_page: perPage,
        page,
      }));
    } catch (error) {
      throw failed(`list the deployments of ${where.owner}/${where.repo}`, error);
    }
    for (const deployment of deployments) {
      const read = statuses > 0 && (listing.statusesOf?.(deployment) ?? true);
      yield {
        deployment,
        statuses: read
          ? await statusesOf(github, where, deployment.id, statuses, failed)
          : undefined,
      };
    }
    if (deployments.length < perPage) return;
  }
}

async function statusesOf(
  github: GitHubClient,
  where: Repository,
  id: number,
  count: number,
  failed: (what: string, error: unknown) => unknown,
): Promise<ApiDeploymentStatus[]> {
  try {
    const { data } = await github.rest.repos.listDeploymentStatuses({
      ...where,
      deployment_id: id,
      per_page: count,
    });
    return data;
  } catch (error) {
    throw failed(`read the statuses of deployment ${id}`, error);
  }
}
