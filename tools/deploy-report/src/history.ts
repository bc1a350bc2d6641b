/**
 * Reads the deployment records from GitHub's Deployments API: the I/O half of the report (the
 * figures are computed from what this returns, in figures.ts).
 */
import { ActionError, isPipelinesDeployment } from '@pipelines/action-kit';
import { gitHubStatusOf, type GitHubClient } from '@pipelines/action-kit/github';
import {
  listDeployments,
  type ApiDeployment,
  type ApiDeploymentStatus,
  type Repository,
} from '@pipelines/action-kit/githubDeployments';
import { historyComplete } from './figures';
import { recordPayload, type DeploymentRecord, type StatusState } from './records';

const PER_PAGE = 100;
/** How far back the search for what runs now goes: 1,000 deployments of one environment. */
const MAX_PAGES = 10;

export type { Repository };

export interface CommitTimes {
  /** SHA -> commit time, for the commits found. */
  times: Map<string, string>;
  /** SHAs GitHub does not know (or the token may not read). */
  notFound: string[];
}

export class DeploymentHistory {
  constructor(
    private readonly github: GitHubClient,
    private readonly where: Repository,
  ) {}

  /** Deployments newest first (no `environment` lists every environment's), lazily. */
  private list(environment: string | undefined, statusesOf?: (d: ApiDeployment) => boolean) {
    return listDeployments(this.github, this.where, {
      environment,
      perPage: PER_PAGE,
      maxPages: MAX_PAGES,
      statuses: statusesOf ? PER_PAGE : 0,
      statusesOf,
      failure: readError,
    });
  }

  /**
   * The pipeline's records of one environment, newest first, with their statuses: every one
   * created since `since`, and older ones until one that succeeded (what runs now).
   */
  async records(environment: string, since: string): Promise<DeploymentRecord[]> {
    const records: DeploymentRecord[] = [];
    for await (const { deployment, statuses } of this.list(environment, isPipelinesDeployment)) {
      if (statuses) records.push(record(deployment, statuses));
      if (historyComplete(records, deployment.created_at, since)) return records;
    }
    return records;
  }

  /**
   * The environments with records since `since` that `isMember` accepts: how the members of a
   * family (int-alice of int-{name}) are found, since environments.yml cannot list them.
   */
  async environmentsSince(since: string, isMember: (name: string) => boolean): Promise<string[]> {
    const found = new Set<string>();
    for await (const { deployment } of this.list(undefined)) {
      if (Date.parse(deployment.created_at) < Date.parse(since)) break;
      if (isPipelinesDeployment(deployment) && isMember(deployment.environment))
        found.add(deployment.environment);
    }
    return [...found].sort();
  }

  /**
   * Who approved run `runId` for `environment` (the run's deployment review log); undefined when
   * GitHub does not say (a run deleted with its logs, a token without "Actions: read").
   */
  async approvers(runId: number, environment: string): Promise<string[] | undefined> {
    try {
      const { data } = await this.github.rest.actions.getReviewsForRun({
        ...this.where,
        run_id: runId,
      });
      return data
        .filter((r) => r.state === 'approved' && r.environments.some((e) => e.name === environment))
        .map((r) => r.user.login);
    } catch (error) {
      const status = gitHubStatusOf(error);
      if (status === 403 || status === 404) return undefined;
      throw readError(`read the reviews of run ${runId}`, error);
    }
  }

  /** The committer time of each commit (when it landed on its branch), one request per SHA. */
  async commitTimes(shas: readonly string[]): Promise<CommitTimes> {
    const result: CommitTimes = { times: new Map(), notFound: [] };
    for (const sha of shas) {
      try {
        const { data } = await this.github.rest.repos.getCommit({ ...this.where, ref: sha });
        const when = data.commit.committer?.date ?? data.commit.author?.date;
        if (when) result.times.set(sha, when);
        else result.notFound.push(sha);
      } catch (error) {
        const status = gitHubStatusOf(error);
        // A commit gone from the repository (force-pushed away), or one the token may not read.
        if (status === 404 || status === 422 || status === 403) result.notFound.push(sha);
        else throw readError(`read commit ${sha}`, error);
      }
    }
    return result;
  }
}

function record(deployment: ApiDeployment, statuses: ApiDeploymentStatus[]): DeploymentRecord {
  return {
    id: deployment.id,
    environment: deployment.environment,
    sha: deployment.sha,
    ref: deployment.ref,
    createdAt: deployment.created_at,
    payload: recordPayload(deployment.payload),
    statuses: statuses.map((s) => ({
      state: s.state as StatusState,
      createdAt: s.created_at,
      logUrl: s.log_url || undefined,
      environmentUrl: s.environment_url || undefined,
    })),
  };
}

function readError(what: string, error: unknown): ActionError {
  const status = gitHubStatusOf(error);
  const fix =
    status === 401
      ? 'The token is not accepted: get a fresh one (gh auth token)'
      : status === 403 || status === 404
        ? 'Check --repo, and that the token may read the repository (a fine-grained token needs "Deployments: read" and "Contents: read")'
        : undefined;
  return new ActionError(what, error, fix);
}
