/**
 * The GitHub stand-in's deployments: records and their statuses, as the REST API keeps them
 * (`/repos/{owner}/{repo}/deployments...`). Kept in the stand-in's state so that a test can seed a
 * history and read back what a run recorded. What it enforces beyond the schema, from GitHub's
 * REST reference ("Deployments", "Deployment statuses"):
 * - `required_contexts` left out means "verify every status context of the ref first"; inside a
 *   workflow run the run's own checks are still pending, so GitHub answers 409. Callers in a run
 *   pass `required_contexts: []`.
 * - `auto_merge` (default true) merges the default branch into a branch ref that is behind; the
 *   stand-in cannot merge, so anything but `auto_merge: false` on a ref that is not a commit SHA
 *   answers 409, as a conflict would.
 * - a ref must exist: a full commit SHA, or a branch or tag of `state.refs`; else 422.
 * - a `success` status marks the older deployments of the same environment inactive unless
 *   `auto_inactive: false`, except production and transient ones (GitHub leaves those alone).
 */

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface FakeDeploymentStatus {
  id: number;
  state: DeploymentState;
  description: string;
  environmentUrl: string;
  logUrl: string;
  createdAt: string;
  creator: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: Record<string, unknown> | string;
  productionEnvironment: boolean;
  transientEnvironment: boolean;
  createdAt: string;
  creator: string;
  /** Oldest first. */
  statuses: FakeDeploymentStatus[];
}

export interface DeploymentsState {
  owner: string;
  repo: string;
  deployments?: FakeDeployment[];
  /** Branch and tag names the stand-in resolves to commit SHAs (full ref names or short ones). */
  refs?: Record<string, string>;
  /** The login that requests act as (the token's owner); GitHub Actions' token is github-actions[bot]. */
  actor?: string;
  /**
   * false: the token may read deployments but not write them (a job without `deployments: write`),
   * so every write answers 403 as GitHub does. Default true.
   */
  canWriteDeployments?: boolean;
}

type Send = (status: number, data?: unknown) => void;

export interface DeploymentsContext {
  state: DeploymentsState;
  nextId: () => number;
  /** A simple-user body for a login. */
  user: (login: string) => Record<string, unknown>;
  /** The clock, so tests can seed a history with known times. */
  now: () => string;
}

const SHA = /^[0-9a-f]{40}$/;

/** Handles a request under `/repos/{owner}/{repo}`; false when the path is not a deployments one. */
export function handleDeployments(
  ctx: DeploymentsContext,
  method: string,
  inRepo: string,
  query: URLSearchParams,
  body: unknown,
  send: Send,
): boolean {
  const { state } = ctx;
  const deployments = (state.deployments ??= []);
  const b = (body ?? {}) as Record<string, unknown>;
  const notFound = () =>
    send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  if (
    method === 'POST' &&
    state.canWriteDeployments === false &&
    /^\/deployments(\/\d+\/statuses)?$/.test(inRepo)
  ) {
    send(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
    });
    return true;
  }

  if (inRepo === '/deployments' && method === 'GET') {
    const matching = deployments
      .filter((d) => (query.get('sha') ? d.sha === query.get('sha') : true))
      .filter((d) => (query.get('ref') ? d.ref === query.get('ref') : true))
      .filter((d) => (query.get('task') ? d.task === query.get('task') : true))
      .filter((d) => (query.get('environment') ? d.environment === query.get('environment') : true))
      .sort((x, y) => y.id - x.id);
    send(
      200,
      page(matching, query).map((d) => deploymentBody(ctx, d)),
    );
    return true;
  }
  if (inRepo === '/deployments' && method === 'POST') {
    const ref = String(b.ref);
    const sha = SHA.test(ref) ? ref : (state.refs?.[ref] ?? state.refs?.[`refs/heads/${ref}`]);
    if (!sha) {
      send(422, { message: `No ref found for: ${ref}`, documentation_url: DOCS });
      return true;
    }
    if (b.required_contexts === undefined) {
      send(409, {
        message: `Conflict: Commit status checks failed for ${ref}.`,
        documentation_url: DOCS,
      });
      return true;
    }
    if (b.auto_merge !== false && !SHA.test(ref)) {
      send(409, {
        message: `Conflict merging the default branch into ${ref}.`,
        documentation_url: DOCS,
      });
      return true;
    }
    const environment = typeof b.environment === 'string' ? b.environment : 'production';
    const deployment: FakeDeployment = {
      id: ctx.nextId(),
      sha,
      ref,
      task: typeof b.task === 'string' ? b.task : 'deploy',
      environment,
      description: typeof b.description === 'string' ? b.description : null,
      payload: (b.payload as FakeDeployment['payload'] | undefined) ?? {},
      productionEnvironment:
        typeof b.production_environment === 'boolean'
          ? b.production_environment
          : environment === 'production',
      transientEnvironment: b.transient_environment === true,
      createdAt: ctx.now(),
      creator: state.actor ?? 'github-actions[bot]',
      statuses: [],
    };
    deployments.push(deployment);
    send(201, deploymentBody(ctx, deployment));
    return true;
  }

  let m = /^\/deployments\/(\d+)$/.exec(inRepo);
  if (m && method === 'GET') {
    const deployment = deployments.find((d) => d.id === Number(m![1]));
    if (deployment) send(200, deploymentBody(ctx, deployment));
    else notFound();
    return true;
  }
  m = /^\/deployments\/(\d+)\/statuses$/.exec(inRepo);
  if (m) {
    const deployment = deployments.find((d) => d.id === Number(m![1]));
    if (!deployment) {
      notFound();
      return true;
    }
    if (method === 'GET') {
      const newestFirst = [...deployment.statuses].reverse();
      send(
        200,
        page(newestFirst, query).map((s) => statusBody(ctx, deployment, s)),
      );
      return true;
    }
    if (method === 'POST') {
      const status = addStatus(ctx, deployment, {
        state: b.state as DeploymentState,
        description: typeof b.description === 'string' ? b.description : '',
        environmentUrl: typeof b.environment_url === 'string' ? b.environment_url : '',
        logUrl:
          typeof b.log_url === 'string'
            ? b.log_url
            : typeof b.target_url === 'string'
              ? b.target_url
              : '',
      });
      if (status.state === 'success' && b.auto_inactive !== false) {
        for (const older of deployments) {
          if (older.id >= deployment.id || older.environment !== deployment.environment) continue;
          if (older.productionEnvironment || older.transientEnvironment) continue;
          const newest = older.statuses.at(-1);
          if (newest && newest.state !== 'inactive')
            addStatus(ctx, older, {
              state: 'inactive',
              description: '',
              environmentUrl: '',
              logUrl: '',
            });
        }
      }
      send(201, statusBody(ctx, deployment, status));
      return true;
    }
  }
  return false;
}

const DOCS = 'https://docs.github.com/rest/deployments/deployments#create-a-deployment';

function addStatus(
  ctx: DeploymentsContext,
  deployment: FakeDeployment,
  fields: Pick<FakeDeploymentStatus, 'state' | 'description' | 'environmentUrl' | 'logUrl'>,
): FakeDeploymentStatus {
  const previous = deployment.statuses.at(-1);
  const status: FakeDeploymentStatus = {
    id: ctx.nextId(),
    ...fields,
    // GitHub keeps the environment URL of the deployment's earlier status when a new one has none.
    environmentUrl: fields.environmentUrl || previous?.environmentUrl || '',
    createdAt: ctx.now(),
    creator: ctx.state.actor ?? 'github-actions[bot]',
  };
  deployment.statuses.push(status);
  return status;
}

function page<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100);
  const pageNumber = Math.max(Number(query.get('page') ?? 1) || 1, 1);
  return items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
}

function repositoryUrl(state: DeploymentsState): string {
  return `https://api.github.com/repos/${state.owner}/${state.repo}`;
}

function deploymentBody(ctx: DeploymentsContext, d: FakeDeployment) {
  const url = `${repositoryUrl(ctx.state)}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: ctx.user(d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: repositoryUrl(ctx.state),
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: null,
  };
}

function statusBody(ctx: DeploymentsContext, d: FakeDeployment, s: FakeDeploymentStatus) {
  const deploymentUrl = `${repositoryUrl(ctx.state)}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_${s.id}`,
    state: s.state,
    creator: ctx.user(s.creator),
    description: s.description,
    environment: d.environment,
    // GitHub answers "" for a URL never given, which the description's `format: uri` does not
    // allow: the stand-in leaves the optional ones out and points the required one at the
    // repository's deployments page instead.
    target_url: s.logUrl || `https://github.com/${ctx.state.owner}/${ctx.state.repo}/deployments`,
    ...(s.logUrl ? { log_url: s.logUrl } : {}),
    ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repositoryUrl(ctx.state),
    performed_via_github_app: null,
  };
}
