import { oidcSubject, protectionOf } from './githubEnvironment';

describe('protectionOf', () => {
  it('reads reviewers, self-review and branch policy from the REST answer', () => {
    expect(
      protectionOf({
        protection_rules: [
          { type: 'wait_timer' },
          {
            type: 'required_reviewers',
            prevent_self_review: true,
            reviewers: [
              { type: 'User', reviewer: { id: 1, login: 'alice' } },
              { type: 'Team', reviewer: { id: 7, slug: 'ops' } },
            ],
          },
        ],
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      }),
    ).toEqual({
      reviewers: [
        { type: 'User', id: 1, name: 'alice' },
        { type: 'Team', id: 7, name: 'ops' },
      ],
      preventSelfReview: true,
      customPolicies: true,
      protectedBranches: false,
    });
  });

  it('reads an environment without rules as unprotected', () => {
    expect(protectionOf({ protection_rules: [], deployment_branch_policy: null })).toEqual({
      reviewers: [],
      preventSelfReview: false,
      customPolicies: false,
      protectedBranches: false,
    });
  });
});

describe('oidcSubject', () => {
  it('is the subject an environment job presents to AWS', () => {
    expect(oidcSubject('example/pipelines', 'prod')).toBe(
      'repo:example/pipelines:environment:prod',
    );
  });
});

describe('oidcSubject in the immutable form', () => {
  it("names the owner's and the repository's ids after an @", () => {
    expect(oidcSubject('example/pipelines', 'prod', { owner: 1000001, repository: 2000002 })).toBe(
      'repo:example@1000001/pipelines@2000002:environment:prod',
    );
  });
});
