/**
 * The claims of the OIDC token GitHub issues to a job, and whether GitHub would run that job at
 * all. Pure: the rehearsal's token issuer (oidcIssuer.ts) signs what these functions decide.
 *
 * What GitHub does (docs "OpenID Connect reference", changelog 2026-04-23):
 * - `iss` https://token.actions.githubusercontent.com, `aud` as requested (the AWS action asks
 *   for sts.amazonaws.com).
 * - `sub` by default `repo:<repository>:<context>`, the context being `environment:<name>` for a
 *   job that declares an environment, else `ref:<ref>`. Repositories created or renamed on or
 *   after 2026-07-15 (and those that opted in) name the repository immutably:
 *   `<owner>@<owner-id>/<repo>@<repo-id>`.
 * - A repository can customise the sub with `include_claim_keys`: each key becomes
 *   `<key>:<value>`, joined by `:`; `repo` and `context` expand as in the default.
 * - A job that declares an environment whose deployment branch/tag policy does not admit the ref
 *   never starts, so it never gets a token.
 */
import { concreteEnvironments, type EnvironmentsConfig } from '@pipelines/environments';
import {
  desiredEnvironments,
  policiesAdmit,
  type DeploymentPolicy,
} from '../../github-bootstrap/src/plan';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The repository as GitHub's tokens name it. */
export interface TokenRepository {
  readonly owner: string;
  readonly repo: string;
  readonly ownerId: number;
  readonly repositoryId: number;
  readonly subjectForm: 'immutable' | 'legacy';
  /** `include_claim_keys` of a customised subject template; undefined: GitHub's default. */
  readonly subjectClaimKeys?: readonly string[] | undefined;
}

/**
 * The repository as environments.yml describes it (project.github, github-ids, oidc-subject).
 * Without ids the legacy form is the only one a token can carry.
 */
export function tokenRepository(
  model: EnvironmentsConfig,
  subjectClaimKeys?: readonly string[],
): TokenRepository {
  const [owner = '', repo = ''] = model.project.github.split('/');
  const ids = model.project.githubIds;
  if (model.project.oidcSubject === 'immutable' && ids === undefined) {
    throw new Error(
      'Could not rehearse OIDC: environments.yml project.github-ids is missing and project.oidc-subject is immutable. Run `pnpm bootstrap-github --dry-run`, which prints both ids, and set them as `github-ids: { owner: <id>, repository: <id> }`.',
    );
  }
  return {
    owner,
    repo,
    ownerId: ids?.owner ?? 0,
    repositoryId: ids?.repository ?? 0,
    subjectForm: model.project.oidcSubject,
    subjectClaimKeys,
  };
}

/** What the runner knows about the job that asks for a token. */
export interface JobContext {
  /** `refs/heads/<branch>` or `refs/tags/<tag>`. */
  readonly ref: string;
  readonly sha: string;
  /** The job's `environment.name`, evaluated; undefined when the job declares none. */
  readonly environment?: string | undefined;
  /** `.github/workflows/pipeline.yml` */
  readonly workflowPath: string;
  readonly workflowName: string;
  readonly eventName: string;
  readonly runId: string;
  readonly actor: string;
}

export type Claims = Readonly<Record<string, string | number>>;

function refParts(ref: string): { type: 'branch' | 'tag'; name: string } {
  const branch = /^refs\/heads\/(.+)$/.exec(ref);
  if (branch?.[1]) return { type: 'branch', name: branch[1] };
  const tag = /^refs\/tags\/(.+)$/.exec(ref);
  if (tag?.[1]) return { type: 'tag', name: tag[1] };
  throw new Error(
    `Could not compute OIDC claims: the ref "${ref}" is neither refs/heads/<branch> nor refs/tags/<tag>. Rehearse a branch or a tag.`,
  );
}

/** `owner/repo`, or `owner@id/repo@id` in the immutable form. */
export function subjectRepository(repository: TokenRepository): string {
  return repository.subjectForm === 'immutable'
    ? `${repository.owner}@${repository.ownerId}/${repository.repo}@${repository.repositoryId}`
    : `${repository.owner}/${repository.repo}`;
}

/** Every claim of the token for this job and audience, `sub` included. */
export function tokenClaims(
  repository: TokenRepository,
  job: JobContext,
  audience: string,
  now: Date,
): Claims {
  const { type } = refParts(job.ref);
  const fullName = `${repository.owner}/${repository.repo}`;
  const issuedAt = Math.floor(now.getTime() / 1000);
  const workflowRef = `${fullName}/${job.workflowPath}@${job.ref}`;
  const claims: Record<string, string | number> = {
    iss: GITHUB_ISSUER,
    aud: audience,
    jti: `${job.runId}-${issuedAt}-${Math.random().toString(36).slice(2)}`,
    iat: issuedAt,
    nbf: issuedAt - 5,
    exp: issuedAt + 300,
    ref: job.ref,
    ref_type: type,
    sha: job.sha,
    repository: fullName,
    repository_owner: repository.owner,
    repository_owner_id: String(repository.ownerId),
    repository_id: String(repository.repositoryId),
    repository_visibility: 'private',
    actor: job.actor,
    workflow: job.workflowName,
    workflow_ref: workflowRef,
    workflow_sha: job.sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: job.sha,
    event_name: job.eventName,
    run_id: job.runId,
    run_number: '1',
    run_attempt: '1',
    runner_environment: 'self-hosted',
    ...(job.environment !== undefined ? { environment: job.environment } : {}),
  };
  claims.sub = subject(repository, job, claims);
  return claims;
}

function subject(
  repository: TokenRepository,
  job: JobContext,
  claims: Record<string, string | number>,
): string {
  const context =
    job.environment !== undefined ? `environment:${job.environment}` : `ref:${job.ref}`;
  const keys = repository.subjectClaimKeys ?? ['repo', 'context'];
  return keys
    .map((key) => {
      if (key === 'repo') return `repo:${subjectRepository(repository)}`;
      if (key === 'context') return context;
      const value = claims[key];
      if (value === undefined) {
        throw new Error(
          `Could not compute the OIDC subject: the claim key "${key}" of include_claim_keys is not a claim of this token. Use claim names such as repo, context, job_workflow_ref, repository_id.`,
        );
      }
      return `${key}:${value}`;
    })
    .join(':');
}

/** Deployment branch/tag policies by environment name; null: any ref (no policy). */
export type DeploymentPolicies = ReadonlyMap<string, readonly DeploymentPolicy[] | null>;

/**
 * The policies the GitHub bootstrap gives each environment (its desiredEnvironments, the same
 * function), so the rehearsal refuses what GitHub would refuse.
 */
export function deploymentPolicies(model: EnvironmentsConfig): DeploymentPolicies {
  const desired = desiredEnvironments(concreteEnvironments(model), [], () => ({}));
  return new Map(desired.map((env) => [env.name, env.policies]));
}

/**
 * Why GitHub would not start a job that declares `environment` for this ref, or undefined when
 * it would. An environment the bootstrap does not configure has no policy: any ref may use it.
 */
export function deploymentRefusal(
  policies: DeploymentPolicies,
  environment: string,
  ref: string,
): string | undefined {
  const allowed = policies.get(environment);
  if (allowed === undefined || allowed === null) return undefined;
  const { type, name } = refParts(ref);
  if (policiesAdmit(allowed, { type, name })) return undefined;
  const list = allowed.map((p) => `${p.type} ${p.name}`).join(', ') || 'none';
  return `${type === 'branch' ? 'Branch' : 'Tag'} "${name}" is not allowed to deploy to ${environment} due to environment protection rules (the environment admits: ${list}). On GitHub the job would not start, so it gets no token.`;
}
