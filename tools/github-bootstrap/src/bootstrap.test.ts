import {
  defaultGitHubState,
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubState,
} from '@pipelines/testkit';
import { bootstrap } from './bootstrap';
import { GitHubApi } from './github';
import type { EnvironmentRule } from './plan';

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
    name: 'prod',
    approval: true,
    branches: ['master'],
    tags: ['production'],
    branchPatterns: [],
    tagPatterns: ['^RELEASE-\\d+$'],
  },
];
const variablesFor = (env: string) => ({
  AWS_ROLE_ARN: `arn:aws:iam::111111111111:role/${env}-deploy`,
  AWS_REGION: 'us-east-1',
});

describe('bootstrap against the GitHub REST API (request and response shapes)', () => {
  let github: FakeGitHub;
  const lines: string[] = [];
  const run = (overrides: { reviewers?: string[]; dryRun?: boolean; token?: string } = {}) =>
    bootstrap(
      new GitHubApi(overrides.token ?? github.state.token, 'example', 'pipelines', github.url),
      {
        rules,
        reviewers: overrides.reviewers ?? ['alice', 'example/ops'],
        variablesFor,
        dryRun: overrides.dryRun ?? false,
        log: (line) => lines.push(line),
      },
    );
  const start = async (state: Partial<FakeGitHubState> = {}) => {
    github = await startFakeGitHub(defaultGitHubState(state));
  };
  afterEach(async () => {
    lines.length = 0;
    await github?.stop();
  });

  it('creates the environments, prod reviewers with prevent self-review, prod-only refs and variables', async () => {
    await start();
    await run();
    expect(github.state.environments.prod).toEqual({
      reviewers: [
        { type: 'User', id: 101 },
        { type: 'Team', id: 201 },
      ],
      preventSelfReview: true,
      customPolicies: true,
      policies: [
        expect.objectContaining({ name: 'master', type: 'branch' }),
        expect.objectContaining({ name: 'production', type: 'tag' }),
        expect.objectContaining({ name: 'RELEASE-*', type: 'tag' }),
      ],
      variables: variablesFor('prod'),
    });
    expect(github.state.environments['prod-candidate']).toMatchObject({
      reviewers: [],
      customPolicies: true,
      variables: variablesFor('prod-candidate'),
    });
    expect(github.state.environments['prod-candidate']?.policies.map((p) => p.name)).toEqual([
      'master',
      'production',
      'RELEASE-*',
    ]);
    expect(github.state.environments.mint).toMatchObject({
      reviewers: [],
      customPolicies: false,
      variables: variablesFor('mint'),
    });
    expect(github.writes()).toContainEqual({
      method: 'PUT',
      path: '/repos/example/pipelines/environments/prod',
      body: {
        prevent_self_review: true,
        reviewers: [
          { type: 'User', id: 101 },
          { type: 'Team', id: 201 },
        ],
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
      },
    });
  });

  it('is idempotent: a second run reads and writes nothing', async () => {
    await start();
    await run();
    const before = github.writes().length;
    const changes = await run();
    expect(changes).toEqual([]);
    expect(github.writes().length).toBe(before);
    expect(lines).toContain('GitHub already matches environments.yml: nothing to change.');
  });

  it('with dry-run prints the plan and changes nothing', async () => {
    await start();
    const changes = await run({ dryRun: true });
    expect(changes.length).toBeGreaterThan(0);
    expect(github.writes()).toEqual([]);
    expect(lines[0]).toMatch(/^Would make \d+ change\(s\):$/);
    expect(lines).toContain('  prod: allow deployments from tag RELEASE-*');
  });

  it.each<[string, Partial<FakeGitHubState>, { reviewers?: string[]; token?: string }, RegExp]>([
    [
      'a bad token',
      {},
      { token: 'wrong' },
      /rejected the token \(401\).*fine-grained token with Administration/,
    ],
    [
      'a classic token without the repo scope',
      { scopes: ['read:org'] },
      {},
      /token's scopes \(read:org\) cannot configure environments/,
    ],
    ['a token that is not admin', { admin: false }, {}, /not an admin of example\/pipelines/],
    [
      'no reviewer for an approval environment',
      {},
      { reviewers: [] },
      /prod requires approval, but no reviewer was given. Pass --reviewer/,
    ],
    ['an unknown reviewer', {}, { reviewers: ['mallory'] }, /Unknown reviewer "mallory"/],
    [
      'a private repository on GitHub Team',
      { private: true, plan: 'team' },
      {},
      /private and its owner is on GitHub team: required reviewers on private repositories need GitHub Enterprise/,
    ],
  ])('fails with what to do, changing nothing, on %s', async (_case, state, options, message) => {
    await start(state);
    await expect(run(options)).rejects.toThrow(message);
    expect(github.writes()).toEqual([]);
  });

  it('accepts a private repository on GitHub Enterprise', async () => {
    await start({ private: true, plan: 'enterprise' });
    await run();
    expect(github.state.environments.prod?.reviewers).toHaveLength(2);
  });

  it('puts back a reviewer someone removed by hand, and removes a policy that would let a feature branch deploy to prod', async () => {
    await start();
    await run();
    const prod = github.state.environments.prod!;
    prod.reviewers = [];
    prod.policies.push({ id: 9, name: 'feature-*', type: 'branch' });
    const changes = await run();
    expect(changes.map((c) => c.kind)).toEqual(['put-environment', 'remove-policy']);
    expect(github.state.environments.prod?.reviewers).toHaveLength(2);
    expect(github.state.environments.prod?.policies.map((p) => p.name)).toEqual([
      'master',
      'production',
      'RELEASE-*',
    ]);
  });
});
