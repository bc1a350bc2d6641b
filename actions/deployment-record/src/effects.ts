/**
 * What the action reads and writes: GitHub's deployments of one environment (through the shared
 * GitHub client) and the commit's time (git, in the job's checkout).
 */
import { execFileSync } from 'node:child_process';
import type { DeploymentPayload } from '@pipelines/action-kit';
import type { GitHubClient } from '@pipelines/action-kit/github';
import { listDeployments } from '@pipelines/action-kit/githubDeployments';
import type { ListedDeployment } from './decide';

export interface StatusFields {
  state: 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';
  description: string;
  logUrl: string;
  environmentUrl?: string;
}

export interface NewDeployment {
  commit: string;
  environment: string;
  production: boolean;
  description: string;
  payload: DeploymentPayload;
}

export class Deployments {
  private readonly client: GitHubClient;
  private readonly owner: string;
  private readonly repo: string;

  private constructor(client: GitHubClient, repository: string) {
    this.client = client;
    [this.owner, this.repo] = repository.split('/') as [string, string];
  }

  /** The GitHub client loads only here: a step failing on its inputs never loads it. */
  static async open(token: string, repository: string, warn: (message: string) => void) {
    const { gitHubClient } = await import('@pipelines/action-kit/github');
    return new Deployments(
      gitHubClient(token, { userAgent: 'pipelines-deployment-record', warn }),
      repository,
    );
  }

  /** The environment's newest deployments (newest first), each with its newest status. */
  async list(environment: string, perPage = 30): Promise<ListedDeployment[]> {
    const listed: ListedDeployment[] = [];
    const where = { owner: this.owner, repo: this.repo };
    for await (const { deployment, statuses } of listDeployments(this.client, where, {
      environment,
      perPage,
    })) {
      const newest = statuses?.[0];
      listed.push({
        id: deployment.id,
        environment: deployment.environment,
        creator: deployment.creator?.login,
        payload: deployment.payload,
        newest: newest
          ? { state: newest.state, url: newest.log_url || newest.target_url || '' }
          : undefined,
      });
    }
    return listed;
  }

  /** Creates the record; returns its id. */
  async create(deployment: NewDeployment): Promise<number> {
    const { status, data } = await this.client.rest.repos.createDeployment({
      owner: this.owner,
      repo: this.repo,
      ref: deployment.commit,
      // A commit SHA needs no merge, and inside a run the run's own checks are still pending:
      // with GitHub's defaults (merge the default branch in, wait for every check) it answers 409.
      auto_merge: false,
      required_contexts: [],
      environment: deployment.environment,
      production_environment: deployment.production,
      transient_environment: false,
      description: deployment.description,
      payload: deployment.payload as unknown as Record<string, unknown>,
    });
    // 202 is GitHub's "merged the default branch instead": never with auto_merge false.
    if (status !== 201 || !('id' in data))
      throw new Error(`GitHub answered ${status} without a deployment`);
    return data.id;
  }

  async setStatus(id: number, fields: StatusFields): Promise<void> {
    await this.client.rest.repos.createDeploymentStatus({
      owner: this.owner,
      repo: this.repo,
      deployment_id: id,
      state: fields.state,
      description: fields.description,
      log_url: fields.logUrl,
      ...(fields.environmentUrl ? { environment_url: fields.environmentUrl } : {}),
    });
  }
}

/** The commit's time as git records it (ISO 8601), or undefined when git cannot say. */
export function committedAt(commit: string, cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['show', '-s', '--format=%cI', commit], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^\d{4}-\d\d-\d\dT/.test(out) ? new Date(out).toISOString() : undefined;
  } catch {
    return undefined;
  }
}
