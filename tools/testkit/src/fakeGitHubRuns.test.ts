import { defaultGitHubState, startFakeGitHub, type FakeGitHub } from './fakeGitHub';

describe("the GitHub stand-in's workflow runs", () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub(
      defaultGitHubState({
        workflowRuns: {
          '42': { path: '.github/workflows/pipeline.yml', headBranch: 'master', event: 'push' },
        },
      }),
    );
  });
  afterEach(() => github.stop());

  const get = (id: string) =>
    fetch(`${github.url}/repos/example/pipelines/actions/runs/${id}`, {
      headers: { authorization: 'Bearer ghp_test_token' },
    });

  it('describes a run it knows, as the REST description has it', async () => {
    const response = await get('42');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 42,
      path: '.github/workflows/pipeline.yml',
      head_branch: 'master',
      event: 'push',
    });
  });

  it('answers 404 for a run it does not know', async () => {
    expect((await get('7')).status).toBe(404);
  });
});
