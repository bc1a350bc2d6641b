/**
 * The bootstrap run: check what would make the configuration fail or silently not protect prod
 * (token, plan tier, the OIDC subject facts, reviewers), then read each environment and the
 * rulesets, plan, and apply unless dry-run.
 */
import { candidateEnvironmentName } from '@pipelines/environments';
import type { GitHubApi } from './github';
import { statusOf } from './github';
import { identityProblems, subjectFor, type ProjectFacts, type RepositoryIdentity } from './oidc';
import {
  describeChange,
  desiredEnvironments,
  planChanges,
  selfReviewDeadlock,
  type Change,
  type EnvironmentRule,
  type Reviewer,
  type Variables,
} from './plan';
import {
  describeRulesetChange,
  desiredRulesets,
  planRulesets,
  type RulesetChange,
} from './rulesets';

export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

export interface BootstrapOptions {
  /** environments.yml's project facts the OIDC trust is built from. */
  project: ProjectFacts;
  rules: readonly EnvironmentRule[];
  reviewers: readonly string[];
  /** Family templates (int-{name}) of environments.yml, named in the output. */
  families?: readonly string[];
  /** Who may push the deploying branches and move the deploying tags (default: the reviewers). */
  pushers?: readonly string[];
  variablesFor: (environment: string) => Variables;
  dryRun: boolean;
  log: (line: string) => void;
}

const RULESETS_UNAVAILABLE =
  'Rulesets are available for public repositories on every plan, and for private ones on GitHub Pro, Team and Enterprise. Make the repository public or move it to a paid plan; until then anyone with write access can push the deploying branches and move the deploying tags (see docs/security.md).';

const TOKEN_FIX =
  'Use a token of a repository admin: a fine-grained token with Administration, Environments and Variables (read and write) and Actions (read) on this repository, or a classic token with the repo scope.';

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

  await checkIdentity(api, repo, options);

  const reviewers = await resolveAll(api, options.reviewers);
  const pushers = options.pushers?.length ? await resolveAll(api, options.pushers) : reviewers;
  const desired = desiredEnvironments(options.rules, reviewers, options.variablesFor);
  const deadlock = selfReviewDeadlock(desired);
  if (deadlock) throw new BootstrapError(deadlock);

  const changes: Change[] = [];
  for (const environment of desired) {
    changes.push(...planChanges(environment, await api.environment(environment.name)));
  }
  const rulesetChanges = await planRulesetChanges(api, pushers, options);
  const total = changes.length + rulesetChanges.length;
  options.log(
    total === 0
      ? 'GitHub already matches environments.yml: nothing to change.'
      : `${options.dryRun ? 'Would make' : 'Making'} ${total} change(s):`,
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
          `GitHub refused required reviewers on ${change.environment} (422). On GitHub Free, Pro and Team, required reviewers work only in public repositories. ${errorText(error)}`,
        );
      }
      throw error;
    }
  }
  for (const change of rulesetChanges) {
    options.log(`  ${describeRulesetChange(change)}`);
    if (options.dryRun) continue;
    try {
      await api.applyRuleset(change);
    } catch (error) {
      if (statusOf(error) === 403 || statusOf(error) === 422)
        throw new BootstrapError(
          `GitHub refused the ruleset "${change.ruleset.name}" (${statusOf(error)}: ${errorText(error)}). ${RULESETS_UNAVAILABLE}`,
        );
      throw error;
    }
  }
  return changes;
}

/**
 * Prints what the AWS roles' OIDC trust must say, from what GitHub says about the repository,
 * and refuses (or, with dry-run, says it would refuse) when environments.yml would build another.
 */
async function checkIdentity(
  api: GitHubApi,
  repo: RepositoryIdentity,
  options: BootstrapOptions,
): Promise<void> {
  const template = await api.subjectTemplate().catch((error: unknown) => {
    throw new BootstrapError(
      `Could not read the OIDC subject template of ${api.owner}/${api.repo} (${statusOf(error) ?? 'no answer'}: ${errorText(error)}). ${TOKEN_FIX}`,
    );
  });
  const problems = identityProblems(options.project, repo, template);
  const ids = { owner: repo.ownerId, repository: repo.id };
  options.log(`GitHub: ${repo.fullName} (owner id ${repo.ownerId}, repository id ${repo.id})`);
  options.log(
    `  environments.yml has: github: ${options.project.github}, ${options.project.githubIds ? `github-ids: { owner: ${options.project.githubIds.owner}, repository: ${options.project.githubIds.repository} }` : 'no github-ids'}, oidc-subject: ${options.project.oidcSubject}`,
  );
  options.log(
    `  OIDC subject template: ${template.useDefault ? 'default' : `customised (${template.claimKeys.join(', ')})`}${template.prefix ? `; GitHub's subject prefix: ${template.prefix}` : ''}`,
  );
  options.log('The AWS roles must trust exactly these OIDC subjects:');
  for (const rule of options.rules) {
    const names = rule.approval ? [rule.name, candidateEnvironmentName(rule.name)] : [rule.name];
    for (const name of names)
      options.log(
        `  ${template.prefix ? `${template.prefix}:environment:${name}` : subjectFor(options.project, ids, name)}`,
      );
  }
  for (const family of options.families ?? [])
    options.log(
      `  ${family}: a family cannot be created ahead. A member (--environment <member>) gets its environment and ref policy here; until then its AWS role trusts only its own exact environment name, which no other environment presents, and a workflow that names an uncreated member gets an unprotected environment whose subject no role trusts.`,
    );
  if (problems.length) {
    const message = `The AWS roles' OIDC trust would not match this repository:\n- ${problems.join('\n- ')}`;
    if (options.dryRun) options.log(`Would refuse: ${message}`);
    else throw new BootstrapError(message);
  }
}

/** The ruleset changes; GitHub refuses rulesets on some plans, which is said clearly. */
async function planRulesetChanges(
  api: GitHubApi,
  pushers: readonly Reviewer[],
  options: BootstrapOptions,
): Promise<RulesetChange[]> {
  try {
    const rulesets = desiredRulesets(options.rules, pushers);
    return planRulesets(rulesets, await api.rulesets(rulesets.map((r) => r.name)));
  } catch (error) {
    if (statusOf(error) !== 403 && statusOf(error) !== 404) throw error;
    const message = `Could not read the repository rulesets of ${api.owner}/${api.repo} (${statusOf(error)}: ${errorText(error)}). ${RULESETS_UNAVAILABLE}`;
    if (!options.dryRun) throw new BootstrapError(message);
    options.log(`Would refuse: ${message}`);
    return [];
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function resolveAll(api: GitHubApi, names: readonly string[]): Promise<Reviewer[]> {
  const resolved: Reviewer[] = [];
  for (const name of names) {
    const reviewer = await api.reviewer(name);
    if (!reviewer)
      throw new BootstrapError(
        `Unknown reviewer ${JSON.stringify(name)}: no such user or team (teams are written org/team-slug).`,
      );
    resolved.push(reviewer);
  }
  return resolved;
}
