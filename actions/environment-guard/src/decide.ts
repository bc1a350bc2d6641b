/**
 * Whether a deploy may go on through an approval environment. Pure: decided from what GitHub
 * says about the environment and about this run's deployment reviews, each fact required.
 * Anything unknown (absent, unreadable) refuses: a guard that cannot look must not let it through.
 */
import type { EnvironmentProtection } from '@pipelines/action-kit';

export type Verdict = { ok: true; approvedBy: string } | { ok: false; reason: string };

/** One entry of GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals. */
export interface RunReview {
  state: string;
  user: string;
  environments: string[];
}

export interface GuardFacts {
  environment: string;
  repository: string;
  minReviewers: number;
  /** undefined: the environment does not exist. */
  protection: (EnvironmentProtection & { canAdminsBypass: boolean | undefined }) | undefined;
  /** This run's deployment reviews. */
  reviews: readonly RunReview[];
  /** The run's actor and whoever triggered this attempt: neither may be the approver. */
  actors: readonly string[];
  runId: string;
}

export function judge(facts: GuardFacts): Verdict {
  const { environment, repository, protection } = facts;
  const fix = `Run the GitHub bootstrap (pnpm bootstrap-github --repo ${repository} --reviewer <login> --reviewer <login>), or set it under Settings > Environments > ${environment}.`;
  const refuse = (reason: string): Verdict => ({ ok: false, reason: `${reason} ${fix}` });
  if (!protection)
    return refuse(
      `Environment ${environment} does not exist in ${repository}, so nothing holds this deploy for review.`,
    );
  if (protection.reviewers.length < facts.minReviewers)
    return refuse(
      `Environment ${environment} has ${protection.reviewers.length} required reviewer(s); at least ${facts.minReviewers} must approve before it deploys. Refusing to deploy unreviewed.`,
    );
  if (protection.canAdminsBypass !== false)
    return refuse(
      protection.canAdminsBypass === undefined
        ? `GitHub did not say whether administrators may bypass ${environment}'s protection rules (can_admins_bypass), so this deploy may not have been reviewed.`
        : `Environment ${environment} lets administrators bypass its protection rules (can_admins_bypass is true), so an administrator could have deployed without review.`,
    );
  const excluded = new Set(facts.actors.map((a) => a.toLowerCase()));
  const forThis = facts.reviews.filter(
    (r) => r.state === 'approved' && r.environments.includes(environment),
  );
  const approval = forThis.find((r) => !excluded.has(r.user.toLowerCase()));
  if (approval) return { ok: true, approvedBy: approval.user };
  const who = facts.actors.join(', ');
  return {
    ok: false,
    reason: forThis.length
      ? `Run ${facts.runId} was approved for ${environment} only by ${forThis.map((r) => r.user).join(', ')}, who also triggered it (${who}). A deploy needs the approval of someone else. Turn on "Prevent self-review" for ${environment} (the GitHub bootstrap does) and ask another reviewer to approve a new run.`
      : `Run ${facts.runId} has no approval for ${environment} by anyone other than ${who}, so it reached this job without review (an administrator's bypass, or protection rules changed while it ran). Ask a required reviewer to approve a new run.`,
  };
}
