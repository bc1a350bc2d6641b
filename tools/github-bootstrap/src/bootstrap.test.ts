import {
  defaultGitHubState,
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubState,
} from '@pipelines/testkit';
import { bootstrap } from './bootstrap';
import { GitHubApi } from './github';
import type { ProjectFacts } from './oidc';
import type { EnvironmentRule } from './plan';

const project: ProjectFacts = {
  github: 'example/pipelines',
  githubIds: { owner: 1000001, repository: 2000002 },
  oidcSubject: 'immutable',
};

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
  const run = (
    overrides: {
      reviewers?: string[];
      dryRun?: boolean;
      token?: string;
      project?: Partial<ProjectFacts>;
      rules?: EnvironmentRule[];
    } = {},
  ) =>
    bootstrap(
      new GitHubApi(overrides.token ?? github.state.token, 'example', 'pipelines', github.url),
      {
        project: { ...project, ...overrides.project },
        rules: overrides.rules ?? rules,
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
      canAdminsBypass: false,
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
      customPolicies: true,
      canAdminsBypass: false,
      variables: variablesFor('mint'),
    });
    expect(github.state.environments.mint?.policies.map((p) => `${p.type}:${p.name}`)).toEqual([
      'branch:integration',
      'tag:mint',
    ]);
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
        can_admins_bypass: false,
      },
    });
  });

  it('creates rulesets so only the given people may push the deploying branches and tags', async () => {
    await start();
    await run();
    expect(
      github.state.rulesets?.map((r) => ({
        name: r.name,
        include: r.conditions?.ref_name?.include,
        actors: r.bypass_actors.map((a) => `${a.actor_type}:${a.actor_id}`),
        rules: r.rules.map((x) => x.type),
      })),
    ).toEqual([
      {
        name: 'pipelines: deploying branches',
        include: ['refs/heads/integration', 'refs/heads/master'],
        actors: ['User:101', 'Team:201'],
        rules: ['creation', 'update', 'deletion', 'non_fast_forward'],
      },
      {
        name: 'pipelines: deploying tags',
        include: ['refs/tags/mint', 'refs/tags/production', 'refs/tags/RELEASE-*'],
        actors: ['User:101', 'Team:201'],
        rules: ['creation', 'update', 'deletion', 'non_fast_forward'],
      },
    ]);
  });

  it('takes back a ruleset someone widened by hand, updating it in place', async () => {
    await start();
    await run();
    const tags = github.state.rulesets!.find((r) => r.name === 'pipelines: deploying tags')!;
    tags.bypass_actors.push({ actor_id: 666, actor_type: 'User', bypass_mode: 'always' });
    await run();
    expect(
      github.writes().filter((w) => w.method === 'PUT' && w.path.includes('/rulesets/')),
    ).toEqual([expect.objectContaining({ path: `/repos/example/pipelines/rulesets/${tags.id}` })]);
    expect(github.state.rulesets).toHaveLength(2);
    expect(
      github.state.rulesets!.find((r) => r.id === tags.id)!.bypass_actors.map((a) => a.actor_id),
    ).toEqual([101, 201]);
  });

  it('prints the exact OIDC subjects the AWS roles must trust', async () => {
    await start();
    await run({ dryRun: true });
    expect(lines).toEqual(
      expect.arrayContaining([
        'The AWS roles must trust exactly these OIDC subjects:',
        '  repo:example@1000001/pipelines@2000002:environment:mint',
        '  repo:example@1000001/pipelines@2000002:environment:prod',
        '  repo:example@1000001/pipelines@2000002:environment:prod-candidate',
      ]),
    );
  });

  it("with dry-run prints why the trust would not match, GitHub's ids, and writes nothing", async () => {
    await start({ ownerId: 7, repositoryId: 9 });
    await run({ dryRun: true });
    expect(lines.join('\n')).toMatch(
      /Would refuse: [\s\S]*\n {4}github-ids: \{ owner: 7, repository: 9 \}/,
    );
    expect(lines).toContain('  repo:example@7/pipelines@9:environment:prod');
    expect(github.writes()).toEqual([]);
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
    expect(lines).toContainEqual(expect.stringMatching(/^Would make \d+ change\(s\):$/));
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
      'a single reviewer with prevent self-review',
      {},
      { reviewers: ['alice'] },
      /prod would have one required reviewer \(alice\) and prevent self-review.*Give a second reviewer/,
    ],
    [
      "environments.yml's ids differing from GitHub's",
      { ownerId: 7, repositoryId: 9 },
      {},
      /are not example\/pipelines's ids on GitHub.*\n {4}github-ids: \{ owner: 7, repository: 9 \}/,
    ],
    [
      'project.github differing from GitHub only in case',
      { owner: 'Example' },
      {},
      /GitHub spells the repository Example\/pipelines\. AWS compares OIDC subjects case-sensitively/,
    ],
    [
      "GitHub's subject prefix differing from the form environments.yml builds",
      {
        oidcSubjectTemplate: { use_default: true, sub_claim_prefix: 'repo:example/pipelines' },
      },
      {},
      /GitHub says this repository's OIDC subjects start with repo:example\/pipelines.*Set oidc-subject: legacy/,
    ],
    [
      'a customised OIDC subject template',
      { oidcSubjectTemplate: { use_default: false, include_claim_keys: ['repo', 'context'] } },
      {},
      /customised OIDC subject template \(claim keys: repo, context\).*use_default=true/,
    ],
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

  it('says rulesets need a public repository or a paid plan when GitHub refuses them', async () => {
    await start({ private: true, plan: 'free' });
    await expect(run({ rules: [rules[0]!], reviewers: [] })).rejects.toThrow(
      /Could not read the repository rulesets of example\/pipelines \(403: Upgrade to GitHub Pro or make this repository public.*\)\. Rulesets are available for public repositories on every plan/,
    );
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
    prod.canAdminsBypass = true;
    prod.policies.push({ id: 9, name: 'feature-*', type: 'branch' });
    const changes = await run();
    expect(changes.map((c) => c.kind)).toEqual(['put-environment', 'remove-policy']);
    expect(github.state.environments.prod?.canAdminsBypass).toBe(false);
    expect(github.state.environments.prod?.reviewers).toHaveLength(2);
    expect(github.state.environments.prod?.policies.map((p) => p.name)).toEqual([
      'master',
      'production',
      'RELEASE-*',
    ]);
  });
});
