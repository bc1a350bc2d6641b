/**
 * The release-notes bundle, run as the runner runs it, against the GitHub stand-in (GitHub itself
 * cannot be reached from here) seeded with a deployment record and serving a real git repository;
 * the stand-in checks every request and answer against GitHub's published REST description.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createGitRepository,
  defaultGitHubState,
  runAction,
  startFakeGitHub,
  type FakeDeployment,
  type FakeGitHub,
  type GitRepository,
} from '@pipelines/testkit';

const alice = { name: 'Alice Example', email: 'alice@example.org' };
const bob = { name: 'Bob Example', email: 'bob@example.org' };
const OLD_SHA256 = 'c'.repeat(64);

/** A deployment record as a deploy job of the pipeline leaves it, with its statuses. */
function record(
  id: number,
  commit: string,
  states: FakeDeployment['statuses'][number]['state'][],
  change: Partial<FakeDeployment> = {},
): FakeDeployment {
  return {
    id,
    sha: commit,
    ref: 'master',
    task: 'deploy',
    environment: 'prod',
    description: null,
    payload: {
      pipelines: 1,
      run_id: 41,
      run_attempt: 1,
      workflow: '.github/workflows/pipeline.yml',
      commit,
      package: { sha256: OLD_SHA256, size: 1000, version_id: 'v-old' },
      function: { name: 'prod-KatanaLambda', alias: 'live' },
      image: { digest: `sha256:${'d'.repeat(64)}`, size: 3000 },
    },
    productionEnvironment: true,
    transientEnvironment: false,
    createdAt: '2026-11-29T10:00:00Z',
    creator: 'github-actions[bot]',
    statuses: states.map((state, i) => ({
      id: id * 10 + i,
      state,
      description: '',
      environmentUrl: '',
      logUrl: '',
      createdAt: '2026-11-29T10:00:00Z',
      creator: 'github-actions[bot]',
    })),
    ...change,
  };
}

/** A minimal OCI image layout: index.json -> manifest (config 100 B + layers 200 B and 50 B). */
function imageLayout(dir: string): string {
  const layout = path.join(dir, 'image');
  mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'1'.repeat(64)}`,
      size: 100,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: `sha256:${'2'.repeat(64)}`,
        size: 200,
      },
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: `sha256:${'3'.repeat(64)}`,
        size: 50,
      },
    ],
  });
  const digest = createHash('sha256').update(manifest).digest('hex');
  writeFileSync(path.join(layout, 'blobs', 'sha256', digest), manifest);
  writeFileSync(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${digest}`,
          size: manifest.length,
        },
      ],
    }),
  );
  return layout;
}

describe('release-notes (dist bundle)', () => {
  let repository: GitRepository;
  let github: FakeGitHub;
  let work: string;

  beforeEach(async () => {
    repository = createGitRepository();
    work = mkdtempSync(path.join(os.tmpdir(), 'release-notes-'));
    github = await startFakeGitHub(
      defaultGitHubState({ gitRepository: repository.path, gitUsers: { [alice.email]: 'alice' } }),
    );
  });
  afterEach(async () => {
    await github.stop();
    repository.remove();
    rmSync(work, { recursive: true, force: true });
  });

  const notes = (
    commit: string,
    inputs: Record<string, string> = {},
    token = github.state.token,
  ) => {
    writeFileSync(path.join(work, 'katana-lambda.zip'), Buffer.alloc(1500));
    return runAction({
      action: 'actions/release-notes',
      inputs: {
        environment: 'prod',
        approval: 'true',
        'github-token': token,
        repository: 'example/pipelines',
        'server-url': 'https://github.com',
        ref: 'master',
        commit,
        'package-sha256': 'e'.repeat(64),
        bucket: 'pipelines-upper',
        key: 'prod/katana-lambda.zip',
        'version-id': 'v-new',
        'function-name': 'prod-KatanaLambda',
        'image-digest': `sha256:${'f'.repeat(64)}`,
        'image-uri': 'registry.local/blog:prod-candidate-x',
        'package-file': path.join(work, 'katana-lambda.zip'),
        'image-layout': imageLayout(work),
        'jest-counts': '{"passed":40,"failed":0,"skipped":2}',
        'mocha-counts': '{"passed":4,"failed":0,"skipped":0}',
        'audit-result': 'success',
        ...inputs,
      },
      env: { GITHUB_API_URL: github.url },
    });
  };

  it('lists exactly the commits between the running record and this commit, the compare link and the PRs', async () => {
    repository.commit('before the record');
    const running = repository.commit('what prod runs', alice);
    const first = repository.commit('Add the status page', alice);
    const second = repository.commit('Fix the health check', bob);
    // A newer record that failed, and one a person created: neither is what prod runs.
    const newerFailed = record(3, second, ['in_progress', 'failure']);
    const forged = record(4, second, ['success'], { creator: 'mallory' });
    github.state.deployments = [
      record(2, running, ['in_progress', 'success']),
      newerFailed,
      forged,
    ];
    github.state.pulls = {
      [second]: [
        {
          number: 12,
          title: 'Health check',
          user: 'bob',
          state: 'closed',
          mergedAt: '2026-11-30T00:00:00Z',
        },
      ],
    };

    const run = await notes(second);
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['base-commit']).toBe(running);
    expect(run.summary).toContain(
      `Compare: https://github.com/example/pipelines/compare/${running}...${second}`,
    );
    const listed = run.summary.split('\n').filter((line) => line.startsWith('- `'));
    expect(listed).toEqual([
      `- \`${first.slice(0, 7)}\` Add the status page (alice)`,
      `- \`${second.slice(0, 7)}\` Fix the health check (Bob Example) in [#12 Health check](https://github.com/example/pipelines/pull/12)`,
    ]);
    expect(run.summary).toContain('| package | 1.0 KB | 1.5 KB | +500 B (+50.0%) |');
    expect(run.summary).toContain('| image | 3.0 KB | 350 B | -2.6 KB (-88.3%) |');
    expect(run.summary).toContain('| jest | 40 passed, 0 failed, 2 skipped |');
    expect(run.summary).toContain(
      `gh workflow run rollback.yml --ref master -f environment=prod -f s3-version-id=v-old -f expected-sha256=${OLD_SHA256}`,
    );
    expect(run.outputs).toMatchObject({ 'package-size': '1500', 'image-size': '350' });
    expect(run.outputs.notes?.trimEnd()).toBe(run.summary.trimEnd());
  });

  it('says so on the first deploy to an environment', async () => {
    const head = repository.commit('first ever');
    const run = await notes(head);
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('First deploy to prod: it has no deployment record yet');
    expect(run.outputs['base-commit']).toBe('');
  });

  it('says when what runs now is not an ancestor of this commit (a force-push)', async () => {
    const root = repository.commit('root');
    const gone = repository.commit('pushed, deployed, then force-pushed away');
    repository.git('checkout', '--quiet', '-b', 'rewritten', root);
    const head = repository.commit('the rewritten history');
    github.state.deployments = [record(2, gone, ['success'])];
    const run = await notes(head);
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('**What prod runs is not an ancestor of this commit**');
    expect(run.summary).toContain(`- \`${head.slice(0, 7)}\` the rewritten history`);
  });

  it("still writes every hash, and succeeds, when GitHub's API refuses", async () => {
    const head = repository.commit('anything');
    const run = await notes(head, {}, 'not-the-token');
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('Could not read what prod runs now');
    expect(run.summary).toContain(`| commit | \`${head}\` |`);
    expect(run.summary).toContain('| S3 VersionId | `v-new` |');
    expect(run.warnings.join('\n')).toContain('Release notes incomplete');
  });

  it('fails, naming the missing value, when the deploy would have nothing to verify', async () => {
    const head = repository.commit('anything');
    const run = await notes(head, { 'version-id': '' });
    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toContain(
      'Input "version-id" is required but was not set. The release candidate has no S3 VersionId.',
    );
    expect(github.requests).toEqual([]);
  });
});
