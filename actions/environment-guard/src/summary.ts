/** What the guard shows: the job summary of what it read and decided, and the step's outputs. */
import { setOutputs, writeSummary } from '@pipelines/action-kit';
import type { GuardFacts, Verdict } from './decide';

export interface GuardReport {
  environment: string;
  actors: readonly string[];
  /** The OIDC subject the job presents, and its immutable form when the runner names the ids. */
  subject: string;
  immutable: string | undefined;
  protection: GuardFacts['protection'];
  verdict: Verdict;
}

export async function report(facts: GuardReport): Promise<void> {
  const { protection, verdict, immutable } = facts;
  const reviewers = (protection?.reviewers ?? [])
    .map((r) => `${r.type === 'Team' ? 'team ' : ''}${r.name}`)
    .join(', ');
  await writeSummary(`Environment guard: ${facts.environment}`, [
    ['OIDC subject', facts.subject],
    ['OIDC subject (immutable form)', immutable ?? 'unknown (no GITHUB_REPOSITORY_ID)'],
    ['required reviewers', reviewers || 'none'],
    ['prevent self-review', String(protection?.preventSelfReview ?? false)],
    ['administrators may bypass', String(protection?.canAdminsBypass ?? 'unknown')],
    ['deploys limited to chosen refs', String(protection?.customPolicies ?? false)],
    ['triggered by', facts.actors.join(', ')],
    ['approved by', verdict.ok ? verdict.approvedBy : 'nobody else'],
    ['verdict', verdict.ok ? 'protected: deploy may proceed' : 'NOT protected: deploy refused'],
  ]);
  setOutputs({
    'oidc-subject': facts.subject,
    'oidc-subject-immutable': immutable ?? '',
    reviewers,
    'approved-by': verdict.ok ? verdict.approvedBy : '',
  });
}
