/**
 * Proof: no job that can assume an AWS role runs third-party code. Every job of every workflow
 * with `id-token: write` runs only checkout, download-artifact, configure-aws-credentials, the
 * committed action bundles and committed scripts; every install and build (pnpm, Gatsby, webpack,
 * the image build) happens in jobs without it, and reaches the credentialed jobs as an artifact.
 */
import path from 'node:path';
import { credentialProblems, holdsCredentials } from './credentialIsolation';
import { repoRoot, workflowFiles } from './paths';
import { readWorkflow, workflowFromText } from './workflowModel';

const workflows = workflowFiles().map((file) => ({
  name: path.basename(file),
  workflow: readWorkflow(file),
}));

describe('credentials are kept away from third-party code', () => {
  test.each(
    workflows.flatMap(({ name, workflow }) =>
      workflow.jobs.map((job) => [`${name} ${job.id}`, job] as const),
    ),
  )('%s: no install or build where id-token: write is granted', (_name, job) => {
    expect(credentialProblems(repoRoot, job)).toEqual([]);
  });

  test('the credentialed jobs are the small upload, push and deploy jobs', () => {
    const credentialed = workflows.flatMap(({ name, workflow }) =>
      workflow.jobs.filter(holdsCredentials).map((job) => `${name}:${job.id}`),
    );
    expect(credentialed.sort()).toEqual(
      [
        'pipeline.yml:upload',
        'pipeline.yml:images',
        'pipeline.yml:deploy',
        'pipeline.yml:deploy-with-approval',
        'rollback.yml:rollback',
        'rollback.yml:rollback-with-approval',
      ].sort(),
    );
  });

  test('each image is built without credentials and reaches its push as an artifact', () => {
    const pipeline = workflows.find((w) => w.name === 'pipeline.yml')!.workflow;
    const build = pipeline.jobs.find((j) => j.id === 'build-image')!;
    const push = pipeline.jobs.find((j) => j.id === 'images')!;
    expect(holdsCredentials(build)).toBe(false);
    expect(push.needs).toContain('build-image');
    const uploaded = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const downloaded = push.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(uploaded?.with.name).toBe('image-${{ matrix.image.service }}');
    expect(downloaded?.with.name).toBe('image-${{ matrix.image.service }}');
    expect(push.steps.find((s) => s.uses === './actions/ecr-push')?.with.image).toBe(
      downloaded?.with.path,
    );
  });
});

describe('the proof can fail', () => {
  const job = (steps: string) =>
    workflowFromText(`
on: push
jobs:
  images:
    runs-on: ubuntu-latest
    permissions: { contents: read, id-token: write }
    steps:
${steps}
`).jobs[0]!;

  test('the former images job (install, Gatsby build, image build and push in one job) is refused', () => {
    const problems = credentialProblems(
      repoRoot,
      job(`      - uses: actions/checkout@1af3b93b6815bc44a9784bd300feb67ff0d1eeb3 # v6.0.0
      - uses: ./.github/actions/setup
        with: { cache-key-prefix: upper, filter: '@pipelines/blog...' }
      - run: pnpm --filter @pipelines/blog run build
      - run: bash services/blog/scripts/build-image.sh "$RUNNER_TEMP/blog-image"
      - uses: aws-actions/configure-aws-credentials@a03048d87541d1d9fcf2ecf528a4a65ba9bd7838 # v5.0.0
      - uses: ./actions/ecr-push`),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /steps\[1\] uses \.\/\.github\/actions\/setup, a composite action that installs/,
      ),
      expect.stringMatching(/steps\[2\] runs 'pnpm --filter/),
      expect.stringMatching(/steps\[3\] runs 'bash services\/blog/),
    ]);
  });

  test.each([
    ['npx webpack', '      - run: npx webpack'],
    [
      'node running a script',
      '      - run: |\n          echo building\n          node scripts/register-ts.js',
    ],
    [
      'an unlisted action',
      '      - uses: actions/setup-node@2028fbc5c25fe9cf00d9f06a71cc4710d4507903 # v6.0.0',
    ],
  ])('%s is refused', (_name, steps) => {
    expect(credentialProblems(repoRoot, job(steps))).toHaveLength(1);
  });

  test('the same steps without id-token: write are fine', () => {
    const unprivileged = { ...job('      - run: pnpm install'), permissions: { contents: 'read' } };
    expect(credentialProblems(repoRoot, unprivileged)).toEqual([]);
  });
});
