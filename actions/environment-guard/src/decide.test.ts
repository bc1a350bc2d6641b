import { judge, type GuardFacts } from './decide';

const protection: NonNullable<GuardFacts['protection']> = {
  reviewers: [
    { type: 'User', id: 1, name: 'alice' },
    { type: 'User', id: 2, name: 'bob' },
  ],
  preventSelfReview: true,
  customPolicies: true,
  protectedBranches: false,
  canAdminsBypass: false,
};
const facts: GuardFacts = {
  environment: 'prod',
  repository: 'example/pipelines',
  minReviewers: 1,
  protection,
  reviews: [{ state: 'approved', user: 'bob', environments: ['prod'] }],
  actors: ['alice'],
  runId: '42',
};

describe('judge', () => {
  it('lets a deploy through a protected environment that someone else approved for this run', () => {
    expect(judge(facts)).toEqual({ ok: true, approvedBy: 'bob' });
  });

  it.each<[string, Partial<GuardFacts>, RegExp]>([
    ['a missing environment', { protection: undefined }, /does not exist in example\/pipelines/],
    [
      'an environment without reviewers',
      { protection: { ...protection, reviewers: [] } },
      /has 0 required reviewer\(s\); at least 1/,
    ],
    ['too few reviewers', { minReviewers: 3 }, /has 2 required reviewer\(s\); at least 3/],
    [
      'an environment administrators may bypass',
      { protection: { ...protection, canAdminsBypass: true } },
      /lets administrators bypass its protection rules \(can_admins_bypass is true\)/,
    ],
    [
      'an environment whose admin bypass GitHub did not report',
      { protection: { ...protection, canAdminsBypass: undefined } },
      /did not say whether administrators may bypass/,
    ],
    [
      'an unapproved run',
      { reviews: [] },
      /Run 42 has no approval for prod by anyone other than alice/,
    ],
    [
      'a run approved only by its own actor',
      { reviews: [{ state: 'approved', user: 'Alice', environments: ['prod'] }] },
      /approved for prod only by Alice, who also triggered it \(alice\)/,
    ],
    [
      'a re-run approved only by the person who re-ran it',
      {
        actors: ['alice', 'bob'],
        reviews: [{ state: 'approved', user: 'bob', environments: ['prod'] }],
      },
      /only by bob, who also triggered it \(alice, bob\)/,
    ],
    [
      'an approval for another environment',
      { reviews: [{ state: 'approved', user: 'bob', environments: ['staging'] }] },
      /has no approval for prod/,
    ],
    [
      'a rejection',
      { reviews: [{ state: 'rejected', user: 'bob', environments: ['prod'] }] },
      /has no approval for prod/,
    ],
  ])('refuses %s', (_case, change, reason) => {
    const verdict = judge({ ...facts, ...change });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it('names the bootstrap command when the environment itself is not protected', () => {
    const verdict = judge({ ...facts, protection: undefined });
    expect(!verdict.ok && verdict.reason).toContain(
      'pnpm bootstrap-github --repo example/pipelines',
    );
  });
});
