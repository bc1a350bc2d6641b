/**
 * Reads the protection of a GitHub environment from the REST API's answer to
 * GET /repos/{owner}/{repo}/environments/{name}. Shared by the environment guard (which refuses
 * to deploy through an unprotected approval environment) and the GitHub bootstrap (which sets it).
 */

export interface EnvironmentProtection {
  reviewers: { type: 'User' | 'Team'; id: number; name: string }[];
  preventSelfReview: boolean;
  /** Deployments limited to chosen branches and tags (custom deployment branch policies). */
  customPolicies: boolean;
  /** Deployments limited to protected branches. */
  protectedBranches: boolean;
}

interface ApiReviewer {
  type?: string;
  reviewer?: { id?: number; login?: string; slug?: string; name?: string } | null;
}
interface ApiRule {
  type?: string;
  prevent_self_review?: boolean;
  reviewers?: ApiReviewer[];
}
export interface ApiEnvironment {
  protection_rules?: ApiRule[] | null;
  deployment_branch_policy?: {
    protected_branches?: boolean;
    custom_branch_policies?: boolean;
  } | null;
}

export function protectionOf(environment: ApiEnvironment): EnvironmentProtection {
  const rule = (environment.protection_rules ?? []).find((r) => r.type === 'required_reviewers');
  return {
    reviewers: (rule?.reviewers ?? []).map((r) => ({
      type: r.type === 'Team' ? 'Team' : 'User',
      id: r.reviewer?.id ?? 0,
      name:
        r.reviewer?.login ?? r.reviewer?.slug ?? r.reviewer?.name ?? String(r.reviewer?.id ?? '?'),
    })),
    preventSelfReview: rule?.prevent_self_review === true,
    customPolicies: environment.deployment_branch_policy?.custom_branch_policies === true,
    protectedBranches: environment.deployment_branch_policy?.protected_branches === true,
  };
}

/** The subject GitHub's OIDC token carries for a job that declares `environment:`. */
export { githubOidcSubject as oidcSubject } from '@pipelines/environments/oidcSubject';
