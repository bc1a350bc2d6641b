/**
 * The guard's bundle, run as the runner runs it, against the GitHub REST stand-in (GitHub itself
 * cannot be reached from here; see tools/testkit/src/fakeGitHub.ts).
 */
import {
  defaultGitHubState,
  runAction,
  startFakeGitHub,
  type FakeGitHub,
} from '@pipelines/testkit';

describe('environment-guard (dist bundle)', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub(defaultGitHubState());
  });
  afterEach(() => github.stop());

  const guard = (environment = 'prod', token = github.state.token) =>
    runAction({
      action: 'actions/environment-guard',
      inputs: {
        environment,
        'github-token': token,
        repository: 'example/pipelines',
        'min-reviewers': '1',
      },
      env: { GITHUB_API_URL: github.url },
    });

  it('passes for prod with a required reviewer, prints the OIDC subject, and masks the token', async () => {
    github.state.environments.prod = {
      reviewers: [{ type: 'User', id: 101 }],
      preventSelfReview: true,
      customPolicies: true,
      policies: [],
      variables: {},
    };
    const run = await guard();
    expect(run.exitCode).toBe(0);
    expect(run.outputs['oidc-subject']).toBe('repo:example/pipelines:environment:prod');
    expect(run.stdout).toContain(`::add-mask::${github.state.token}`);
    expect(run.summary).toContain('protected: deploy may proceed');
  });

  it('fails closed when prod has no required reviewers, with the command that fixes it', async () => {
    github.state.environments.prod = {
      reviewers: [],
      preventSelfReview: false,
      customPolicies: false,
      policies: [],
      variables: {},
    };
    const run = await guard();
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /Environment prod has 0 required reviewer\(s\).*pnpm bootstrap-github --repo example\/pipelines/,
    );
    expect(run.summary).toContain('NOT protected: deploy refused');
  });

  it('fails closed when the environment does not exist', async () => {
    const run = await guard();
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('Environment prod does not exist in example/pipelines');
  });

  it('fails closed when it cannot read the environment', async () => {
    const run = await guard('prod', 'not-the-token');
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /Could not read environment prod of example\/pipelines: .*Bad credentials.*actions: read/,
    );
  });

  it('rejects a malformed environment name before calling GitHub', async () => {
    const run = await guard('prod; rm -rf /');
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/^Input "environment" is not valid/);
    expect(github.requests).toEqual([]);
  });
});
