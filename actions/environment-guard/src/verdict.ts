/** Whether an environment's protection is enough to deploy through it. Pure. */
import type { EnvironmentProtection } from '@pipelines/shared';

export type Verdict = { ok: true } | { ok: false; reason: string };

export function judge(
  environment: string,
  protection: EnvironmentProtection | undefined,
  minReviewers: number,
  repository: string,
): Verdict {
  const fix = `Run the GitHub bootstrap (pnpm bootstrap-github --repo ${repository} --reviewer <login>), or add required reviewers under Settings > Environments > ${environment}.`;
  if (!protection) {
    return {
      ok: false,
      reason: `Environment ${environment} does not exist in ${repository}, so nothing holds this deploy for review. ${fix}`,
    };
  }
  if (protection.reviewers.length < minReviewers) {
    return {
      ok: false,
      reason: `Environment ${environment} has ${protection.reviewers.length} required reviewer(s); at least ${minReviewers} must approve before it deploys. Refusing to deploy unreviewed. ${fix}`,
    };
  }
  return { ok: true };
}
