/**
 * The desired GitHub configuration of a fork, and the changes that take the current state there.
 * Pure: no I/O, so every rule (who reviews prod, which refs may deploy where, which variables each
 * environment gets) is tested with tables.
 */

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
  /** null: any ref may deploy (GitHub's default); else only these branches and tags. */
  policies: DeploymentPolicy[] | null;
  variables: Variables;
}

export interface CurrentEnvironment {
  exists: boolean;
  reviewers: { type: 'User' | 'Team'; id: number }[];
  preventSelfReview: boolean;
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
      restricted: boolean;
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
  branches: readonly string[];
  tags: readonly string[];
  branchPatterns: readonly string[];
  tagPatterns: readonly string[];
}

/**
 * GitHub's deployment policies are fnmatch globs; environments.yml has anchored regexes. A regex
 * made of literal text and simple repeats (\d+, \w+, .*, [..]+) becomes a glob with `*`, which
 * admits at least what the regex admits (the workflow still routes by the exact regex).
 */
export function regexToGlob(pattern: string): string {
  let body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  body = body.replace(/\(\?<\w+>([^)]*)\)/g, '$1').replace(/\(([^)]*)\)/g, '$1');
  body = body.replace(/(\\d|\\w|\.|\[[^\]]*\])[+*]/g, '*').replace(/\\-/g, '-');
  if (/[\\^$()[\]{}|+?.]/.test(body)) {
    throw new Error(
      `The pattern ${JSON.stringify(pattern)} cannot be expressed as a GitHub deployment policy. Use literal text with \\d+, \\w+, [...]+ or .* repeats.`,
    );
  }
  return body.replace(/\*+/g, '*');
}

/**
 * The environment where an approval environment's upload and image push run, before the hold:
 * a job that entered prod itself would start waiting for review before there was anything to
 * review. It has prod's ref restrictions but no reviewers, and its role can only upload.
 */
export function candidateOf(environment: string): string {
  return `${environment}-candidate`;
}

/** The desired state of every environment with a fixed name (and each approval one's candidate). */
export function desiredEnvironments(
  rules: readonly EnvironmentRule[],
  reviewers: readonly Reviewer[],
  variablesFor: (environment: string) => Variables,
): DesiredEnvironment[] {
  return rules.flatMap((rule): DesiredEnvironment[] => {
    if (!rule.approval) {
      // Lower environments accept any ref: the workflow routes them.
      return [
        {
          name: rule.name,
          reviewers: [],
          preventSelfReview: false,
          policies: null,
          variables: variablesFor(rule.name),
        },
      ];
    }
    // Approval environments are locked to their refs: a feature branch can never deploy to prod,
    // even by editing the workflow.
    const policies = [
      ...rule.branches.map((name) => ({ name, type: 'branch' as const })),
      ...rule.branchPatterns.map((p) => ({ name: regexToGlob(p), type: 'branch' as const })),
      ...rule.tags.map((name) => ({ name, type: 'tag' as const })),
      ...rule.tagPatterns.map((p) => ({ name: regexToGlob(p), type: 'tag' as const })),
    ];
    const candidate = candidateOf(rule.name);
    return [
      {
        name: rule.name,
        reviewers: [...reviewers],
        preventSelfReview: true,
        policies,
        variables: variablesFor(rule.name),
      },
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
  const restricted = desired.policies !== null;
  const reason = !current.exists
    ? 'create'
    : !sameReviewers(desired.reviewers, current.reviewers)
      ? 'set required reviewers'
      : desired.preventSelfReview !== current.preventSelfReview
        ? 'set prevent self-review'
        : restricted !== current.customPolicies
          ? 'set deployment branch policy'
          : undefined;
  if (reason) {
    changes.push({
      kind: 'put-environment',
      environment,
      reviewers: desired.reviewers,
      preventSelfReview: desired.preventSelfReview,
      restricted,
      reason,
    });
  }
  if (desired.policies) {
    const key = (p: DeploymentPolicy) => `${p.type}:${p.name}`;
    const have = new Set(current.policies.map(key));
    const want = new Set(desired.policies.map(key));
    for (const policy of desired.policies)
      if (!have.has(key(policy))) changes.push({ kind: 'add-policy', environment, policy });
    for (const policy of current.policies)
      if (!want.has(key(policy))) changes.push({ kind: 'remove-policy', environment, policy });
  }
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
      return `${change.environment}: ${change.reason}${change.reviewers.length ? ` (reviewers: ${change.reviewers.map((r) => r.name).join(', ')}; prevent self-review: ${change.preventSelfReview})` : ''}${change.restricted ? ' (deployments only from its own branches and tags)' : ''}`;
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
