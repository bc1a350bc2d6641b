import {
  desiredEnvironments,
  planChanges,
  policiesAdmit,
  regexToGlob,
  selfReviewDeadlock,
  type CurrentEnvironment,
  type EnvironmentRule,
  type Reviewer,
} from './plan';

const rules: EnvironmentRule[] = [
  {
    name: 'mint',
    approval: false,
    branches: ['integration'],
    tags: ['mint'],
    branchPatterns: [],
    tagPatterns: [],
  },
  {
    name: 'staging',
    approval: false,
    branches: ['staging'],
    tags: ['staging'],
    branchPatterns: [],
    tagPatterns: [],
  },
  {
    name: 'prod',
    approval: true,
    branches: ['master'],
    tags: ['production'],
    branchPatterns: [],
    tagPatterns: ['^RELEASE-\\d+$'],
  },
];
const alice: Reviewer = { type: 'User', name: 'alice', id: 1 };
const ops: Reviewer = { type: 'Team', name: 'example/ops', id: 7 };
const vars = (env: string) => ({
  AWS_ROLE_ARN: `arn:aws:iam::111111111111:role/${env}-deploy`,
  AWS_REGION: 'us-east-1',
});
const absent: CurrentEnvironment = {
  exists: false,
  reviewers: [],
  preventSelfReview: false,
  canAdminsBypass: true,
  customPolicies: false,
  policies: [],
  variables: {},
};

describe('regexToGlob', () => {
  it.each([
    ['^RELEASE-\\d+$', 'RELEASE-*'],
    ['^int-(?<name>[A-Za-z0-9_]+)$', 'int-*'],
    ['^snyk-fix-.*$', 'snyk-fix-*'],
    ['^production$', 'production'],
  ])('turns %s into the GitHub policy %s', (regex, glob) => {
    expect(regexToGlob(regex)).toBe(glob);
  });

  it('refuses a regex it cannot express as a glob', () => {
    expect(() => regexToGlob('^(a|b)$')).toThrow(
      /cannot be expressed as a GitHub deployment policy/,
    );
  });
});

describe('desiredEnvironments', () => {
  const [mint, staging, prod, candidate] = desiredEnvironments(rules, [alice, ops], vars);

  it('gives the approval environment its reviewers, prevent self-review and only its own refs', () => {
    expect(prod).toEqual({
      name: 'prod',
      reviewers: [alice, ops],
      preventSelfReview: true,
      policies: [
        { name: 'master', type: 'branch' },
        { name: 'production', type: 'tag' },
        { name: 'RELEASE-*', type: 'tag' },
      ],
      variables: vars('prod'),
    });
  });

  it("adds prod-candidate, where the upload runs before the hold: prod's refs, no reviewers, its own role", () => {
    expect(candidate).toEqual({
      name: 'prod-candidate',
      reviewers: [],
      preventSelfReview: false,
      policies: prod!.policies,
      variables: vars('prod-candidate'),
    });
  });

  it('locks every other environment to its own refs, without reviewers', () => {
    expect(mint).toMatchObject({
      reviewers: [],
      preventSelfReview: false,
      policies: [
        { name: 'integration', type: 'branch' },
        { name: 'mint', type: 'tag' },
      ],
    });
  });

  it.each([
    ['staging', () => staging!],
    ['prod', () => prod!],
    ['prod-candidate', () => candidate!],
  ])(
    'gives %s policies that refuse a feature branch (a workflow edited to name it gets no credentials)',
    (_name, environment) => {
      const { policies } = environment();
      expect(policiesAdmit(policies, { type: 'branch', name: 'feature-x-1' })).toBe(false);
      expect(policiesAdmit(policies, { type: 'tag', name: 'feature-x-1' })).toBe(false);
    },
  );

  it("admits the approval environment's own refs to its candidate", () => {
    for (const ref of [
      { type: 'branch' as const, name: 'master' },
      { type: 'tag' as const, name: 'production' },
      { type: 'tag' as const, name: 'RELEASE-42' },
    ])
      expect(policiesAdmit(candidate!.policies, ref)).toBe(true);
    expect(policiesAdmit(candidate!.policies, { type: 'branch', name: 'staging' })).toBe(false);
  });

  it('gives a family member its own tag, not the whole family', () => {
    const [member] = desiredEnvironments(
      [
        {
          name: 'int-alice',
          approval: false,
          family: 'int-{name}',
          branches: [],
          tags: [],
          branchPatterns: [],
          tagPatterns: ['^int-(?<name>[A-Za-z0-9_]+)$'],
        },
      ],
      [],
      vars,
    );
    expect(member!.policies).toEqual([{ name: 'int-alice', type: 'tag' }]);
  });
});

describe('selfReviewDeadlock', () => {
  it('refuses prevent self-review with one required reviewer, naming the fix', () => {
    const environments = desiredEnvironments(rules, [alice], vars);
    expect(selfReviewDeadlock(environments)).toMatch(
      /prod would have one required reviewer \(alice\) and prevent self-review: a run that alice triggers .* could never be approved.*Give a second reviewer/,
    );
  });

  it.each([
    ['two reviewers', [alice, { ...alice, name: 'bob', id: 2 }]],
    ['a team', [ops]],
  ])('accepts %s', (_case, reviewers) => {
    expect(selfReviewDeadlock(desiredEnvironments(rules, reviewers, vars))).toBeUndefined();
  });
});

describe('planChanges', () => {
  const [, , prod] = desiredEnvironments(rules, [alice], vars);

  it('creates a missing environment with its policies and variables', () => {
    expect(planChanges(prod!, absent).map((c) => c.kind)).toEqual([
      'put-environment',
      'add-policy',
      'add-policy',
      'add-policy',
      'create-variable',
      'create-variable',
    ]);
  });

  it('changes nothing when GitHub already matches (a second run is a no-op)', () => {
    const current: CurrentEnvironment = {
      exists: true,
      reviewers: [{ type: 'User', id: 1 }],
      preventSelfReview: true,
      canAdminsBypass: false,
      customPolicies: true,
      policies: prod!.policies.map((p, i) => ({ ...p, id: i })),
      variables: vars('prod'),
    };
    expect(planChanges(prod!, current)).toEqual([]);
  });

  it('turns off administrator bypass on an environment that allows it', () => {
    const current: CurrentEnvironment = {
      exists: true,
      reviewers: [{ type: 'User', id: 1 }],
      preventSelfReview: true,
      canAdminsBypass: true,
      customPolicies: true,
      policies: prod!.policies.map((p, i) => ({ ...p, id: i })),
      variables: vars('prod'),
    };
    expect(planChanges(prod!, current)).toEqual([
      expect.objectContaining({
        kind: 'put-environment',
        reason: 'stop administrators bypassing its protection rules',
      }),
    ]);
  });

  it('restores a removed reviewer, drops a foreign policy and corrects a changed variable', () => {
    const current: CurrentEnvironment = {
      exists: true,
      reviewers: [],
      preventSelfReview: true,
      canAdminsBypass: false,
      customPolicies: true,
      policies: [
        ...prod!.policies.map((p, i) => ({ ...p, id: i })),
        { name: 'feature-*', type: 'branch', id: 99 },
      ],
      variables: { ...vars('prod'), AWS_REGION: 'eu-west-1' },
    };
    expect(planChanges(prod!, current)).toEqual([
      expect.objectContaining({ kind: 'put-environment', reason: 'set required reviewers' }),
      {
        kind: 'remove-policy',
        environment: 'prod',
        policy: { name: 'feature-*', type: 'branch', id: 99 },
      },
      { kind: 'update-variable', environment: 'prod', name: 'AWS_REGION', value: 'us-east-1' },
    ]);
  });
});
