import { judge } from './verdict';

const reviewed = {
  reviewers: [{ type: 'User' as const, id: 1, name: 'alice' }],
  preventSelfReview: true,
  customPolicies: true,
  protectedBranches: false,
};

describe('judge', () => {
  it('lets a deploy through an environment with enough required reviewers', () => {
    expect(judge('prod', reviewed, 1, 'example/pipelines')).toEqual({ ok: true });
  });

  it.each([
    ['a missing environment', undefined, 1, /does not exist in example\/pipelines/],
    [
      'an environment without reviewers',
      { ...reviewed, reviewers: [] },
      1,
      /has 0 required reviewer\(s\); at least 1/,
    ],
    ['too few reviewers', reviewed, 2, /has 1 required reviewer\(s\); at least 2/],
  ])('refuses %s, naming the bootstrap command that fixes it', (_case, protection, min, reason) => {
    const verdict = judge('prod', protection, min, 'example/pipelines');
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
    expect(!verdict.ok && verdict.reason).toContain(
      'pnpm bootstrap-github --repo example/pipelines',
    );
  });
});
