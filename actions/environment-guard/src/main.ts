import * as core from '@actions/core';
import { ActionError, oidcSubject } from '@pipelines/action-kit';
import { readProtection, readReviews } from './effects';
import { getInputs } from './inputs';
import { report } from './summary';
import { judge, type GuardFacts, type RunReview } from './decide';

export async function run(): Promise<void> {
  const inputs = getInputs();
  core.setSecret(inputs.githubToken);
  const subject = oidcSubject(inputs.repository, inputs.environment);
  const immutable = immutableSubject(inputs.repository, inputs.environment);
  core.info(
    `This job presents the OIDC subject ${immutable ? `${immutable} (repositories with immutable subjects: every one created or renamed on or after 2026-07-15) or ${subject} (older ones)` : subject}; the AWS role's trust policy must name exactly that.`,
  );

  const [owner, repo] = inputs.repository.split('/') as [string, string];
  // Loaded only now: a step failing on its inputs never loads the GitHub client.
  const { gitHubClient } = await import('@pipelines/action-kit/github');
  const github = gitHubClient(inputs.githubToken, {
    userAgent: 'pipelines-environment-guard',
    warn: (message) => core.warning(message),
  });
  const where = { github, owner, repo };
  let protection: GuardFacts['protection'];
  let reviews: RunReview[];
  try {
    protection = await readProtection(where, inputs.environment);
    reviews = protection ? await readReviews(where, inputs.runId) : [];
  } catch (error) {
    // Fail closed: a guard that cannot look must not let the deploy through.
    throw new ActionError(
      `read environment ${inputs.environment} and the reviews of run ${inputs.runId} of ${inputs.repository}`,
      error,
      'Give the job `permissions: actions: read` (the guard fails closed when it cannot look).',
    );
  }

  const verdict = judge({
    environment: inputs.environment,
    repository: inputs.repository,
    minReviewers: inputs.minReviewers,
    protection,
    reviews,
    actors: inputs.actors,
    runId: inputs.runId,
  });
  await report({
    environment: inputs.environment,
    actors: inputs.actors,
    subject,
    immutable,
    protection,
    verdict,
  });
  if (!verdict.ok) throw new Error(verdict.reason);
  if (protection && !protection.preventSelfReview)
    core.warning(
      `Environment ${inputs.environment} lets the person who pushed approve their own deploy. Turn on "Prevent self-review" (the GitHub bootstrap does).`,
    );
}

/**
 * The immutable form of the subject (repositories created or renamed on or after 2026-07-15):
 * it names the owner's and repository's ids, which the runner exposes as
 * GITHUB_REPOSITORY_OWNER_ID and GITHUB_REPOSITORY_ID.
 */
function immutableSubject(repository: string, environment: string): string | undefined {
  const ownerId = process.env.GITHUB_REPOSITORY_OWNER_ID;
  const repositoryId = process.env.GITHUB_REPOSITORY_ID;
  if (!ownerId || !repositoryId) return undefined;
  return oidcSubject(repository, environment, { owner: ownerId, repository: repositoryId });
}
