/**
 * The bootstrap run: check what would make the configuration fail or silently not protect prod
 * (token, plan tier, reviewers), then read each environment, plan, and apply unless dry-run.
 */
import type { GitHubApi } from './github';
import { statusOf } from './github';
import {
  describeChange,
  desiredEnvironments,
  planChanges,
  type Change,
  type EnvironmentRule,
  type Reviewer,
  type Variables,
} from './plan';

export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

export interface BootstrapOptions {
  rules: readonly EnvironmentRule[];
  reviewers: readonly string[];
  variablesFor: (environment: string) => Variables;
  dryRun: boolean;
  log: (line: string) => void;
}

const TOKEN_FIX =
  'Use a token of a repository admin: a fine-grained token with Administration, Environments and Variables (read and write) on this repository, or a classic token with the repo scope.';

export async function bootstrap(api: GitHubApi, options: BootstrapOptions): Promise<Change[]> {
  const repo = await api.repository().catch((error: unknown) => {
    const status = statusOf(error);
    if (status === 401) throw new BootstrapError(`GitHub rejected the token (401). ${TOKEN_FIX}`);
    if (status === 404 || status === 403)
      throw new BootstrapError(
        `Cannot see ${api.owner}/${api.repo} with this token (${status}). Check --repo. ${TOKEN_FIX}`,
      );
    throw error;
  });
  if (
    repo.scopes &&
    !repo.scopes.includes('repo') &&
    !(repo.scopes.includes('public_repo') && !repo.private)
  ) {
    throw new BootstrapError(
      `The token's scopes (${repo.scopes.join(', ') || 'none'}) cannot configure environments. ${TOKEN_FIX}`,
    );
  }
  if (!repo.admin)
    throw new BootstrapError(
      `The token is not an admin of ${api.owner}/${api.repo}; environments need admin. ${TOKEN_FIX}`,
    );

  const needsReviewers = options.rules.some((rule) => rule.approval);
  if (needsReviewers && options.reviewers.length === 0) {
    const names = options.rules
      .filter((r) => r.approval)
      .map((r) => r.name)
      .join(', ');
    throw new BootstrapError(
      `${names} requires approval, but no reviewer was given. Pass --reviewer <login> or --reviewer <org>/<team> (up to 6).`,
    );
  }
  if (options.reviewers.length > 6)
    throw new BootstrapError(
      `GitHub allows at most 6 required reviewers; ${options.reviewers.length} were given.`,
    );
  if (needsReviewers && repo.private) {
    const plan = await api.plan(repo.ownerType);
    if (plan !== undefined && plan.toLowerCase() !== 'enterprise') {
      throw new BootstrapError(
        `${api.owner}/${api.repo} is private and its owner is on GitHub ${plan}: required reviewers on private repositories need GitHub Enterprise, so prod would deploy without review. Make the repository public, move it to an Enterprise organization, or gate prod another way (see docs/environments.md).`,
      );
    }
  }

  const reviewers: Reviewer[] = [];
  for (const name of options.reviewers) {
    const reviewer = await api.reviewer(name);
    if (!reviewer)
      throw new BootstrapError(
        `Unknown reviewer ${JSON.stringify(name)}: no such user or team (teams are written org/team-slug).`,
      );
    reviewers.push(reviewer);
  }

  const changes: Change[] = [];
  for (const desired of desiredEnvironments(options.rules, reviewers, options.variablesFor)) {
    changes.push(...planChanges(desired, await api.environment(desired.name)));
  }
  options.log(
    changes.length === 0
      ? 'GitHub already matches environments.yml: nothing to change.'
      : `${options.dryRun ? 'Would make' : 'Making'} ${changes.length} change(s):`,
  );
  for (const change of changes) {
    options.log(`  ${describeChange(change)}`);
    if (options.dryRun) continue;
    try {
      await api.apply(change);
    } catch (error) {
      if (
        statusOf(error) === 422 &&
        change.kind === 'put-environment' &&
        change.reviewers.length > 0
      ) {
        throw new BootstrapError(
          `GitHub refused required reviewers on ${change.environment} (422). On GitHub Free, Pro and Team, required reviewers work only in public repositories. ${String((error as Error).message)}`,
        );
      }
      throw error;
    }
  }
  return changes;
}
