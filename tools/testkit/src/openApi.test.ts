import { gitHubApi } from './openApi';
import { defaultGitHubState, simpleUser, startFakeGitHub } from './fakeGitHub';

const api = gitHubApi();
const environmentPath = '/repos/example/pipelines/environments/prod';

describe("checking requests against GitHub's REST description", () => {
  it('matches a request to its operation by method and path template', () => {
    expect(api.match('GET', '/repos/example/pipelines/actions/runs/42/approvals')).toEqual({
      id: 'actions/get-reviews-for-run',
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/runs/{run_id}/approvals',
    });
  });

  it('accepts a body the operation allows', () => {
    const check = api.checkRequest({
      method: 'PUT',
      path: environmentPath,
      body: {
        prevent_self_review: true,
        reviewers: [{ type: 'User', id: 1 }],
        deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
        can_admins_bypass: false,
      },
    });
    expect(check.problems).toEqual([]);
    expect(check.refusal).toBeUndefined();
  });

  it.each([
    [
      'an unknown field where the schema forbids it',
      { prevent_self_review: true, reviewer: [] },
      /additional properties: reviewer/,
    ],
    ['a wrong type', { prevent_self_review: 'yes' }, /\/prevent_self_review must be boolean/],
  ])('refuses %s with 422, as GitHub does', (_case, body, problem) => {
    const check = api.checkRequest({ method: 'PUT', path: environmentPath, body });
    expect(check.refusal?.status).toBe(422);
    expect(check.problems.join('\n')).toMatch(problem);
  });

  it('refuses a body without a required field', () => {
    const check = api.checkRequest({
      method: 'POST',
      path: '/repos/example/pipelines/rulesets',
      body: { target: 'branch' },
    });
    expect(check.refusal?.status).toBe(422);
    expect(check.problems.join('\n')).toMatch(/must have required property 'name'/);
  });

  it('answers 404 for an id that is not a number where GitHub types it as an integer', () => {
    const check = api.checkRequest({
      method: 'GET',
      path: '/repos/example/pipelines/actions/runs/latest/approvals',
      body: undefined,
    });
    expect(check.refusal?.status).toBe(404);
    expect(check.problems).toEqual([
      expect.stringMatching(/path parameter run_id must be an integer/),
    ]);
  });

  it('answers 404 for a route or method GitHub does not have', () => {
    expect(
      api.checkRequest({
        method: 'GET',
        path: '/repos/example/pipelines/approvals',
        body: undefined,
      }),
    ).toMatchObject({ refusal: { status: 404 } });
    expect(api.checkRequest({ method: 'PATCH', path: environmentPath, body: {} })).toMatchObject({
      refusal: { status: 404 },
    });
  });
});

describe("checking canned answers against GitHub's REST description", () => {
  const approvals = api.match('GET', '/repos/example/pipelines/actions/runs/42/approvals')!;
  const approval = {
    state: 'approved',
    comment: '',
    user: simpleUser('alice', 101),
    environments: [{ id: 1, name: 'prod' }],
  };

  it('accepts an answer of the documented shape', () => {
    expect(api.checkResponse(approvals, 200, [approval])).toEqual([]);
  });

  it('reports an answer missing what GitHub always sends, or of the wrong type', () => {
    const problems = api.checkResponse(approvals, 200, [
      { ...approval, state: 'ok', user: { login: 'alice' } },
    ]);
    expect(problems.join('\n')).toMatch(/\/0\/state must be equal to one of the allowed values/);
    expect(problems.join('\n')).toMatch(/\/0\/user must have required property 'id'/);
  });

  it('reports a body on a status GitHub documents without one', () => {
    const remove = api.match(
      'DELETE',
      '/repos/example/pipelines/environments/prod/deployment-branch-policies/7',
    )!;
    expect(api.checkResponse(remove, 204, { ok: true })).toEqual([
      expect.stringMatching(/response 204: GitHub documents no body for this status/),
    ]);
  });
});

describe('the GitHub stand-in', () => {
  it('refuses a deployment branch policy with both or neither of its kinds, as the description says', async () => {
    const github = await startFakeGitHub(defaultGitHubState());
    const response = await fetch(`${github.url}${environmentPath}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${github.state.token}` },
      body: JSON.stringify({
        deployment_branch_policy: { protected_branches: true, custom_branch_policies: true },
      }),
    });
    expect(response.status).toBe(422);
    await github.stop();
  });

  it('refuses a request the description does not allow, and fails the test that made it', async () => {
    const github = await startFakeGitHub(defaultGitHubState());
    const response = await fetch(`${github.url}${environmentPath}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${github.state.token}` },
      body: JSON.stringify({ prevent_self_review: true, admins_bypass: false }),
    });
    expect(response.status).toBe(422);
    expect(github.state.environments.prod).toBeUndefined();
    await expect(github.stop()).rejects.toThrow(
      /does not allow:\n {2}- repos\/create-or-update-environment \(PUT \/repos\/example\/pipelines\/environments\/prod\) request \(body\) must NOT have additional properties: admins_bypass/,
    );
  });
});
