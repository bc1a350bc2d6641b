import * as core from '@actions/core';
import {
  ActionError,
  oidcSubject,
  protectionOf,
  setOutputs,
  writeSummary,
  type ApiEnvironment,
  type EnvironmentProtection,
} from '@pipelines/shared';
import { getInputs } from './inputs';
import { judge } from './verdict';

export async function run(): Promise<void> {
  const inputs = getInputs();
  core.setSecret(inputs['github-token']);
  const subject = oidcSubject(inputs.repository, inputs.environment);
  core.info(
    `This job presents the OIDC subject ${subject}; the AWS role's trust policy must name exactly this.`,
  );

  const [owner, repo] = inputs.repository.split('/') as [string, string];
  let protection: EnvironmentProtection | undefined;
  try {
    protection = await readProtection(inputs['github-token'], owner, repo, inputs.environment);
  } catch (error) {
    // Fail closed: a guard that cannot look must not let the deploy through.
    throw new ActionError(
      `read environment ${inputs.environment} of ${inputs.repository}`,
      error,
      'Give the job `permissions: actions: read` (the guard fails closed when it cannot look).',
    );
  }

  const verdict = judge(inputs.environment, protection, inputs['min-reviewers'], inputs.repository);
  const reviewers = (protection?.reviewers ?? [])
    .map((r) => `${r.type === 'Team' ? 'team ' : ''}${r.name}`)
    .join(', ');
  await writeSummary(`Environment guard: ${inputs.environment}`, [
    ['OIDC subject', subject],
    ['required reviewers', reviewers || 'none'],
    ['prevent self-review', String(protection?.preventSelfReview ?? false)],
    ['deploys limited to chosen refs', String(protection?.customPolicies ?? false)],
    ['verdict', verdict.ok ? 'protected: deploy may proceed' : 'NOT protected: deploy refused'],
  ]);
  setOutputs({ 'oidc-subject': subject, reviewers });
  if (!verdict.ok) throw new Error(verdict.reason);
  if (protection && !protection.preventSelfReview)
    core.warning(
      `Environment ${inputs.environment} lets the person who pushed approve their own deploy. Turn on "Prevent self-review" (the GitHub bootstrap does).`,
    );
}

/**
 * One GET of the environment. Plain fetch (built into Node 24) instead of Octokit: a single
 * request does not justify a megabyte of client in the bundle. undefined when it does not exist.
 */
async function readProtection(
  token: string,
  owner: string,
  repo: string,
  environment: string,
): Promise<EnvironmentProtection | undefined> {
  const api = process.env.GITHUB_API_URL ?? 'https://api.github.com';
  const url = `${api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/environments/${encodeURIComponent(environment)}`;
  const response = await fetch(url, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'pipelines-environment-guard',
    },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json().catch(() => ({}))) as ApiEnvironment & { message?: string };
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new Error(`GitHub answered ${response.status} ${body.message ?? response.statusText}`);
  return protectionOf(body);
}
