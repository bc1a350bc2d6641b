import { startFakeGitHub, defaultGitHubState, type FakeGitHub } from './fakeGitHub';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

describe("the GitHub stand-in's deployments", () => {
  let github: FakeGitHub;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${github.url}/repos/example/pipelines${path}`, {
      method,
      headers: { authorization: 'Bearer ghp_test_token', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const create = (sha: string, environment: string, extra: Record<string, unknown> = {}) =>
    call('POST', '/deployments', {
      ref: sha,
      environment,
      auto_merge: false,
      required_contexts: [],
      ...extra,
    });

  beforeEach(async () => {
    github = await startFakeGitHub(defaultGitHubState({ refs: { master: SHA_A } }));
  });
  afterEach(async () => {
    await github.stop();
  });

  it('records a deployment and its statuses, newest first, as the REST description has them', async () => {
    const created = await create(SHA_A, 'staging', { payload: { run_id: 7 } });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    await call('POST', `/deployments/${id}/statuses`, {
      state: 'in_progress',
      log_url: 'https://github.com/example/pipelines/actions/runs/7',
      environment_url: 'https://blog.example.org',
    });
    await call('POST', `/deployments/${id}/statuses`, { state: 'success' });

    const statuses = await fetch(
      `${github.url}/repos/example/pipelines/deployments/${id}/statuses?per_page=1`,
      { headers: { authorization: 'Bearer ghp_test_token' } },
    ).then((r) => r.json() as Promise<Record<string, unknown>[]>);
    expect(statuses).toHaveLength(1);
    // The newest, keeping the environment URL an earlier status gave.
    expect(statuses[0]).toMatchObject({
      state: 'success',
      environment_url: 'https://blog.example.org',
    });
    expect(github.state.deployments?.[0]).toMatchObject({ sha: SHA_A, payload: { run_id: 7 } });
  });

  it('lists only the deployments of the environment asked for', async () => {
    await create(SHA_A, 'staging');
    await create(SHA_B, 'prod');
    const listed = await fetch(
      `${github.url}/repos/example/pipelines/deployments?environment=prod`,
      { headers: { authorization: 'Bearer ghp_test_token' } },
    ).then((r) => r.json() as Promise<Record<string, unknown>[]>);
    expect(listed.map((d) => d.sha)).toEqual([SHA_B]);
  });

  it('marks the older deployment of the environment inactive on success, but not a production one', async () => {
    const first = (await create(SHA_A, 'staging')).body.id as number;
    await call('POST', `/deployments/${first}/statuses`, { state: 'success' });
    const second = (await create(SHA_B, 'staging')).body.id as number;
    await call('POST', `/deployments/${second}/statuses`, { state: 'success' });
    expect(github.state.deployments?.[0]?.statuses.at(-1)?.state).toBe('inactive');

    const prodFirst = (await create(SHA_A, 'prod', { production_environment: true })).body
      .id as number;
    await call('POST', `/deployments/${prodFirst}/statuses`, { state: 'success' });
    const prodSecond = (await create(SHA_B, 'prod', { production_environment: true })).body
      .id as number;
    await call('POST', `/deployments/${prodSecond}/statuses`, { state: 'success' });
    expect(github.state.deployments?.[2]?.statuses.at(-1)?.state).toBe('success');
  });

  it('refuses, as GitHub does, a deployment that would wait for the run’s own pending checks or merge the default branch', async () => {
    expect(
      (await call('POST', '/deployments', { ref: SHA_A, environment: 'prod', auto_merge: false }))
        .status,
    ).toBe(409);
    expect(
      (
        await call('POST', '/deployments', {
          ref: 'master',
          environment: 'prod',
          required_contexts: [],
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await call('POST', '/deployments', {
          ref: 'nope',
          environment: 'prod',
          required_contexts: [],
          auto_merge: false,
        })
      ).status,
    ).toBe(422);
    expect(github.state.deployments).toEqual([]);
  });

  it('fails the test when a status has a state GitHub does not know', async () => {
    const id = (await create(SHA_A, 'staging')).body.id as number;
    await call('POST', `/deployments/${id}/statuses`, { state: 'done' });
    expect(github.takeFailures().join('\n')).toMatch(/state/);
  });
});
