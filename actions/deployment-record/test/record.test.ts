/**
 * The action's bundle, run as the runner runs it, against the GitHub REST stand-in (GitHub itself
 * cannot be reached from here; see tools/testkit/src/fakeGitHub.ts), which checks every request
 * and answer against GitHub's published REST description. The commit is this repository's HEAD,
 * so that git in the checkout knows its time.
 */
import { execFileSync } from 'node:child_process';
import {
  defaultGitHubState,
  repoRoot,
  runAction,
  startFakeGitHub,
  type FakeDeployment,
  type FakeGitHub,
} from '@pipelines/testkit';

const HEAD = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
const OLD = 'a'.repeat(40);
const RUN_URL = 'https://github.com/example/pipelines/actions/runs/42/attempts/2';
const BLOG = 'https://blog.pipelines.example.com';

describe('deployment-record (dist bundle)', () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub(defaultGitHubState({ actor: 'github-actions[bot]' }));
  });
  afterEach(() => github.stop());

  /** A deployment an earlier run of this action left, with its statuses (oldest first). */
  const seed = (
    environment: string,
    run: number,
    states: FakeDeployment['statuses'][number]['state'][],
    production = false,
  ): FakeDeployment => {
    const id = (github.state.deployments ??= []).length + 1;
    const deployment: FakeDeployment = {
      id,
      sha: OLD,
      ref: OLD,
      task: 'deploy',
      environment,
      description: null,
      payload: { pipelines: 1, run_id: run, run_attempt: 1, workflow: 'x', commit: OLD },
      productionEnvironment: production,
      transientEnvironment: false,
      createdAt: '2026-11-29T00:00:00Z',
      creator: 'github-actions[bot]',
      statuses: states.map((state, i) => ({
        id: 100 * id + i,
        state,
        description: '',
        environmentUrl: '',
        logUrl: `https://github.com/example/pipelines/actions/runs/${run}/attempts/1`,
        createdAt: '2026-11-29T00:00:00Z',
        creator: 'github-actions[bot]',
      })),
    };
    github.state.deployments.push(deployment);
    return deployment;
  };
  const states = (deployment: FakeDeployment | undefined) =>
    deployment?.statuses.map((s) => s.state);
  const record = (inputs: Record<string, string>) =>
    runAction({
      action: 'actions/deployment-record',
      inputs: { 'github-token': github.state.token, ...inputs },
      // What the runner sets; action.yml's defaults read the same values from the github context.
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_SHA: HEAD,
        GITHUB_WORKFLOW_REF: `example/pipelines/.github/workflows/pipeline.yml@refs/heads/master`,
      },
    });
  const start = (environment: string, extra: Record<string, string> = {}) =>
    record({
      phase: 'start',
      environment,
      'production-environment': String(environment === 'prod'),
      'environment-url': BLOG,
      'package-sha256': 'b'.repeat(64),
      'package-size': '2048',
      'package-bucket': 'pipelines-artifacts-upper',
      'package-key': `${environment}/katana-lambda.zip`,
      'package-version-id': 'v-7',
      'function-name': `${environment}-KatanaLambda`,
      'function-alias': 'live',
      'image-digest': `sha256:${'d'.repeat(64)}`,
      'image-uri': `registry/pipelines/blog@sha256:${'d'.repeat(64)}`,
      'image-size': '',
      ...extra,
    });
  const finish = (environment: string, deploymentId: string, jobStatus: string) =>
    record({
      phase: 'finish',
      environment,
      'deployment-id': deploymentId,
      'job-status': jobStatus,
    });
  const ours = () => github.state.deployments?.find((d) => d.sha === HEAD);

  it.each([
    ['prod', true],
    ['staging', false],
  ])(
    'records a successful deploy to %s as in_progress then success, and the previous success becomes inactive',
    async (environment, production) => {
      const previous = seed(environment, 40, ['in_progress', 'success'], production);
      const elsewhere = seed('mint', 41, ['success']);

      const started = await start(environment);
      expect(started.exitCode).toBe(0);
      const id = started.outputs['deployment-id'];
      expect(id).toBe(String(ours()?.id));
      expect(ours()).toMatchObject({
        ref: HEAD,
        environment,
        productionEnvironment: production,
        transientEnvironment: false,
        creator: 'github-actions[bot]',
        payload: {
          pipelines: 1,
          run_id: 42,
          run_attempt: 2,
          workflow: '.github/workflows/pipeline.yml',
          commit: HEAD,
          committed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
          package: {
            sha256: 'b'.repeat(64),
            size: 2048,
            s3_uri: `s3://pipelines-artifacts-upper/${environment}/katana-lambda.zip`,
            version_id: 'v-7',
          },
          function: { name: `${environment}-KatanaLambda`, alias: 'live' },
          // No size: the job did not know it.
          image: {
            digest: `sha256:${'d'.repeat(64)}`,
            uri: `registry/pipelines/blog@sha256:${'d'.repeat(64)}`,
          },
        },
      });
      expect(ours()?.statuses).toEqual([
        expect.objectContaining({ state: 'in_progress', logUrl: RUN_URL, environmentUrl: BLOG }),
      ]);
      expect(started.summary).toContain(`Deployment ${id} of ${environment}: in_progress`);
      expect(states(previous)).toEqual(['in_progress', 'success']);

      const finished = await finish(environment, id!, 'success');
      expect(finished.exitCode).toBe(0);
      expect(ours()?.statuses.at(-1)).toMatchObject({ state: 'success', logUrl: RUN_URL });
      expect(states(previous)).toEqual(['in_progress', 'success', 'inactive']);
      expect(states(elsewhere)).toEqual(['success']);
      expect(finished.summary).toContain(
        `Deployment ${id} of ${environment}: success ([deployments of ${environment}](https://github.com/example/pipelines/deployments/${environment}))`,
      );
    },
  );

  it('records a rollback with the commit an earlier record shipped the same package from', async () => {
    const earlier = seed('prod', 30, ['success', 'inactive'], true);
    earlier.payload = { ...(earlier.payload as object), package: { sha256: 'b'.repeat(64) } };
    seed('prod', 40, ['success'], true);
    const started = await start('prod', {
      redeploy: 'true',
      workflow: '.github/workflows/rollback.yml',
    });
    expect(started.exitCode).toBe(0);
    const rollback = github.state.deployments?.at(-1);
    expect(rollback).toMatchObject({
      ref: OLD,
      payload: { commit: OLD, workflow: '.github/workflows/rollback.yml' },
    });
  });

  it('records a failed deploy as failure and leaves the previous success live', async () => {
    const previous = seed('prod', 40, ['success'], true);
    const started = await start('prod');
    const finished = await finish('prod', started.outputs['deployment-id']!, 'failure');
    expect(finished.exitCode).toBe(0);
    expect(states(ours())).toEqual(['in_progress', 'failure']);
    expect(states(previous)).toEqual(['success']);
  });

  it('records a cancelled deploy as error', async () => {
    const started = await start('mint');
    await finish('mint', started.outputs['deployment-id']!, 'cancelled');
    expect(states(ours())).toEqual(['in_progress', 'error']);
  });

  it.each(['in_progress', 'success'] as const)(
    'stops an older run, recording nothing, when a newer run’s deployment is %s',
    async (state) => {
      seed('prod', 50, [state], true);
      const started = await start('prod');
      expect(started.exitCode).toBe(1);
      expect(started.errors[0]).toMatch(
        new RegExp(`^Run 50 is newer than this run and its deployment 1 of prod is ${state}\\.`),
      );
      expect(github.writes()).toEqual([]);
    },
  );

  it('fails closed, naming deployments: write, when the token may not write deployments', async () => {
    github.state.canWriteDeployments = false;
    const started = await start('prod');
    expect(started.exitCode).toBe(1);
    expect(started.errors[0]).toMatch(
      /^Could not record the deployment of [0-9a-f]{12} to prod: Resource not accessible by integration.*`permissions: deployments: write`.*Nothing was deployed/,
    );
    expect(started.outputs['deployment-id']).toBeUndefined();
    expect(github.state.deployments).toEqual([]);
  });

  it('says the deploy itself succeeded when only its final record fails', async () => {
    const started = await start('staging');
    github.state.canWriteDeployments = false;
    const finished = await finish('staging', started.outputs['deployment-id']!, 'success');
    expect(finished.exitCode).toBe(1);
    expect(finished.errors[0]).toMatch(
      /^Could not record the result \(success\) of deployment \d+ of staging: .*The deploy itself succeeded; only its record on GitHub is out of date/,
    );
    expect(states(ours())).toEqual(['in_progress']);
  });

  it('finishes quietly when start recorded nothing', async () => {
    const finished = await finish('prod', '', 'failure');
    expect(finished.exitCode).toBe(0);
    expect(github.requests).toEqual([]);
  });

  it('refuses a finish without the job status, before calling GitHub', async () => {
    const finished = await record({ phase: 'finish', environment: 'prod', 'deployment-id': '3' });
    expect(finished.exitCode).toBe(1);
    expect(finished.errors[0]).toMatch(/^Input "job-status" is required with phase: finish/);
    expect(github.requests).toEqual([]);
  });
});
