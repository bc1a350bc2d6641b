/**
 * The guard's bundle, run as the runner runs it, against the GitHub REST stand-in (GitHub itself
 * cannot be reached from here; see tools/testkit/src/fakeGitHub.ts), which checks every request
 * and answer against GitHub's published REST description.
 */
import {
  defaultGitHubState,
  runAction,
  startFakeGitHub,
  type FakeEnvironment,
  type FakeGitHub,
} from '@pipelines/testkit';

const protectedProd: FakeEnvironment = {
  reviewers: [
    { type: 'User', id: 101 },
    { type: 'User', id: 102 },
  ],
  preventSelfReview: true,
  customPolicies: true,
  policies: [],
  variables: {},
  canAdminsBypass: false,
};

describe('environment-guard (dist bundle)', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub(defaultGitHubState());
  });
  afterEach(() => github.stop());

  const guard = (
    environment = 'prod',
    token = github.state.token,
    env: Record<string, string> = {},
  ) =>
    runAction({
      action: 'actions/environment-guard',
      inputs: {
        environment,
        'github-token': token,
        repository: 'example/pipelines',
        'min-reviewers': '1',
      },
      // What the runner sets; the action.yml defaults read the same values from the github context.
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_RUN_ID: '42',
        GITHUB_ACTOR: 'alice',
        GITHUB_TRIGGERING_ACTOR: 'alice',
        GITHUB_REPOSITORY_OWNER_ID: '1000001',
        GITHUB_REPOSITORY_ID: '2000002',
        ...env,
      },
    });
  const approvedBy = (user: string, environments = ['prod']) => {
    github.state.runs = { '42': [{ user, environments, state: 'approved', comment: 'ship it' }] };
  };

  it('passes a run of protected prod that someone else approved, prints the OIDC subjects, masks the token', async () => {
    github.state.environments.prod = protectedProd;
    approvedBy('bob');
    const run = await guard();
    expect(run.exitCode).toBe(0);
    expect(run.outputs['oidc-subject']).toBe('repo:example/pipelines:environment:prod');
    expect(run.outputs['oidc-subject-immutable']).toBe(
      'repo:example@1000001/pipelines@2000002:environment:prod',
    );
    expect(run.outputs['approved-by']).toBe('bob');
    expect(run.stdout).toContain(`::add-mask::${github.state.token}`);
    expect(run.summary).toContain('protected: deploy may proceed');
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/example/pipelines/environments/prod',
      'GET /repos/example/pipelines/actions/runs/42/approvals',
    ]);
  });

  it.each<[string, () => void, RegExp]>([
    [
      'prod without required reviewers',
      () => {
        github.state.environments.prod = { ...protectedProd, reviewers: [] };
        approvedBy('bob');
      },
      /Environment prod has 0 required reviewer\(s\).*pnpm bootstrap-github --repo example\/pipelines/,
    ],
    [
      'prod where administrators may bypass the review',
      () => {
        github.state.environments.prod = { ...protectedProd, canAdminsBypass: true };
        approvedBy('bob');
      },
      /lets administrators bypass its protection rules \(can_admins_bypass is true\)/,
    ],
    [
      'a run nobody approved',
      () => {
        github.state.environments.prod = protectedProd;
      },
      /Run 42 has no approval for prod by anyone other than alice/,
    ],
    [
      'a run approved only by its own actor',
      () => {
        github.state.environments.prod = protectedProd;
        approvedBy('alice');
      },
      /Run 42 was approved for prod only by alice, who also triggered it/,
    ],
    [
      'a missing environment',
      () => undefined,
      /Environment prod does not exist in example\/pipelines/,
    ],
  ])('refuses %s', async (_case, arrange, reason) => {
    arrange();
    const run = await guard();
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(reason);
    expect(run.summary).toContain('NOT protected: deploy refused');
  });

  it('refuses a re-run approved only by the person who re-ran it', async () => {
    github.state.environments.prod = protectedProd;
    approvedBy('bob');
    const run = await guard('prod', github.state.token, { GITHUB_TRIGGERING_ACTOR: 'bob' });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/only by bob, who also triggered it \(alice, bob\)/);
  });

  it('fails closed when it cannot read the environment', async () => {
    const run = await guard('prod', 'not-the-token');
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /Could not read environment prod and the reviews of run 42 of example\/pipelines: .*Bad credentials.*actions: read/,
    );
  });

  it('fails closed without a run id to check', async () => {
    const run = await guard('prod', github.state.token, { GITHUB_RUN_ID: '' });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/^Input "run-id" is required but was not set/);
    expect(github.requests).toEqual([]);
  });

  it('rejects a malformed environment name before calling GitHub', async () => {
    const run = await guard('prod; rm -rf /');
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/^Input "environment" is not valid/);
    expect(github.requests).toEqual([]);
  });
});
