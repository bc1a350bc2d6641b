/**
 * The desired GitHub configuration of a fork, and the changes that take the current state there.
 * Pure: no I/O, so every rule (who reviews prod, which refs may deploy where, which variables each
 * environment gets) is tested with tables.
 */
import { candidateEnvironmentName, policyGlobMatches, regexToGlob } from '@pipelines/environments';

/** A required reviewer: a user login, or a team as `org/team-slug`. */
export interface Reviewer {
  type: 'User' | 'Team';
  name: string;
  id: number;
}

/** What a deploy job reads from its environment (set from the infra outputs). */
export type Variables = Record<string, string>;

export interface DeploymentPolicy {
  name: string;
  type: 'branch' | 'tag';
}

export interface DesiredEnvironment {
  name: string;
  reviewers: Reviewer[];
  preventSelfReview: boolean;
  /** Only these branches and tags may deploy (custom deployment branch and tag policies). */
  policies: DeploymentPolicy[];
  variables: Variables;
}

export interface CurrentEnvironment {
  exists: boolean;
  reviewers: { type: 'User' | 'Team'; id: number }[];
  preventSelfReview: boolean;
  /** GitHub's default for a new environment is true: an admin could skip the review. */
  canAdminsBypass: boolean;
  customPolicies: boolean;
  policies: (DeploymentPolicy & { id: number })[];
  variables: Variables;
}

export type Change =
  | {
      kind: 'put-environment';
      environment: string;
      reviewers: Reviewer[];
      preventSelfReview: boolean;
      reason: string;
    }
  | { kind: 'add-policy'; environment: string; policy: DeploymentPolicy }
  | { kind: 'remove-policy'; environment: string; policy: DeploymentPolicy & { id: number } }
  | { kind: 'create-variable'; environment: string; name: string; value: string }
  | { kind: 'update-variable'; environment: string; name: string; value: string };

/** The rules of one environment as environments.yml states them. */
export interface EnvironmentRule {
  name: string;
  approval: boolean;
  /** The family template (`int-{name}`) of a family member such as int-alice, else null. */
  family?: string | null;
  branches: readonly string[];
  tags: readonly string[];
  branchPatterns: readonly string[];
  tagPatterns: readonly string[];
}

// One conversion for the deployment policies here and the pipeline's push trigger.
export { regexToGlob };

/** Whether a branch or tag may deploy to an environment with these policies. */
export function policiesAdmit(
  policies: readonly DeploymentPolicy[],
  ref: { type: 'branch' | 'tag'; name: string },
): boolean {
  return policies.some((p) => p.type === ref.type && policyGlobMatches(p.name, ref.name));
}

/**
 * The refs environments.yml routes to one environment, as deployment policies. A family member
 * (int-alice) gets its own name where a pattern admits it, not the whole family's glob (int-*).
 */
export function policiesOf(rule: EnvironmentRule): DeploymentPolicy[] {
  const fromPattern = (pattern: string) =>
    rule.family && new RegExp(pattern).test(rule.name) ? rule.name : regexToGlob(pattern);
  return [
    ...rule.branches.map((name) => ({ name, type: 'branch' as const })),
    ...rule.branchPatterns.map((p) => ({ name: fromPattern(p), type: 'branch' as const })),
    ...rule.tags.map((name) => ({ name, type: 'tag' as const })),
    ...rule.tagPatterns.map((p) => ({ name: fromPattern(p), type: 'tag' as const })),
  ];
}

/**
 * The desired state of every environment with a fixed name (and each approval one's candidate).
 * Every environment is locked to the refs environments.yml routes to it, so a feature branch that
 * edits the workflow to declare `environment: staging` is refused by GitHub before the job starts,
 * and never receives that environment's OIDC subject (the AWS role trusts only that subject).
 */
export function desiredEnvironments(
  rules: readonly EnvironmentRule[],
  reviewers: readonly Reviewer[],
  variablesFor: (environment: string) => Variables,
): DesiredEnvironment[] {
  return rules.flatMap((rule): DesiredEnvironment[] => {
    const policies = policiesOf(rule);
    if (!rule.approval) {
      return [
        {
          name: rule.name,
          reviewers: [],
          preventSelfReview: false,
          policies,
          variables: variablesFor(rule.name),
        },
      ];
    }
    const candidate = candidateEnvironmentName(rule.name);
    return [
      {
        name: rule.name,
        reviewers: [...reviewers],
        preventSelfReview: true,
        policies,
        variables: variablesFor(rule.name),
      },
      // The candidate admits the approval environment's refs: it runs the upload of the same push.
      {
        name: candidate,
        reviewers: [],
        preventSelfReview: false,
        policies: [...policies],
        variables: variablesFor(candidate),
      },
    ];
  });
}

/**
 * With prevent self-review, whoever triggered a run cannot approve it. With one required reviewer
 * who is a user, a run that user triggers can never be approved: refuse that before changing
 * anything. undefined when the reviewers are fine.
 */
export function selfReviewDeadlock(
  environments: readonly DesiredEnvironment[],
): string | undefined {
  const stuck = environments.find(
    (e) => e.preventSelfReview && e.reviewers.length === 1 && e.reviewers[0]!.type === 'User',
  );
  if (!stuck) return undefined;
  const only = stuck.reviewers[0]!.name;
  return `${stuck.name} would have one required reviewer (${only}) and prevent self-review: a run that ${only} triggers (a push or a tag) could never be approved by anyone. Give a second reviewer (another --reviewer <login>, or a team as --reviewer <org>/<team-slug>).`;
}

const sameReviewers = (
  a: readonly { type: string; id: number }[],
  b: readonly { type: string; id: number }[],
) =>
  JSON.stringify(a.map((r) => `${r.type}:${r.id}`).sort()) ===
  JSON.stringify(b.map((r) => `${r.type}:${r.id}`).sort());

/** The changes that take `current` to `desired`; none when they already agree (idempotent). */
export function planChanges(desired: DesiredEnvironment, current: CurrentEnvironment): Change[] {
  const changes: Change[] = [];
  const environment = desired.name;
  const reason = !current.exists
    ? 'create'
    : !sameReviewers(desired.reviewers, current.reviewers)
      ? 'set required reviewers'
      : desired.preventSelfReview !== current.preventSelfReview
        ? 'set prevent self-review'
        : !current.customPolicies
          ? 'limit deployments to its branches and tags'
          : current.canAdminsBypass
            ? 'stop administrators bypassing its protection rules'
            : undefined;
  if (reason) {
    changes.push({
      kind: 'put-environment',
      environment,
      reviewers: desired.reviewers,
      preventSelfReview: desired.preventSelfReview,
      reason,
    });
  }
  const key = (p: DeploymentPolicy) => `${p.type}:${p.name}`;
  const have = new Set(current.policies.map(key));
  const want = new Set(desired.policies.map(key));
  for (const policy of desired.policies)
    if (!have.has(key(policy))) changes.push({ kind: 'add-policy', environment, policy });
  for (const policy of current.policies)
    if (!want.has(key(policy))) changes.push({ kind: 'remove-policy', environment, policy });
  for (const [name, value] of Object.entries(desired.variables)) {
    if (!(name in current.variables))
      changes.push({ kind: 'create-variable', environment, name, value });
    else if (current.variables[name] !== value)
      changes.push({ kind: 'update-variable', environment, name, value });
  }
  return changes;
}

export function describeChange(change: Change): string {
  switch (change.kind) {
    case 'put-environment':
      return `${change.environment}: ${change.reason}${change.reviewers.length ? ` (reviewers: ${change.reviewers.map((r) => r.name).join(', ')}; prevent self-review: ${change.preventSelfReview})` : ''} (deployments only from its own branches and tags; administrators cannot bypass)`;
    case 'add-policy':
      return `${change.environment}: allow deployments from ${change.policy.type} ${change.policy.name}`;
    case 'remove-policy':
      return `${change.environment}: stop allowing deployments from ${change.policy.type} ${change.policy.name}`;
    case 'create-variable':
      return `${change.environment}: set variable ${change.name}=${change.value}`;
    case 'update-variable':
      return `${change.environment}: change variable ${change.name} to ${change.value}`;
  }
}
