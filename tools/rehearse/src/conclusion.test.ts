import type { Resolution } from '@pipelines/environments';
import { claimsOf, conclude, EXIT, type PhaseRecord } from './conclusion';
import type { Observation } from './verify';

const resolution: Resolution = {
  environment: 'prod',
  tier: 'upper',
  build: true,
  deploy: true,
  approval: true,
  artifactKey: 'prod/katana-lambda.zip',
  functionName: 'prod-KatanaLambda',
  functionAlias: 'live',
  bucket: 'pipelines-artifacts-upper',
  servers: true,
  deployDocument: 'pipelines-deploy',
  releasePrefix: 'prod/releases/',
  matchedBy: 'branch master',
};

const PACKAGE = 'a'.repeat(64);
const PLACEHOLDER = 'b'.repeat(64);

const record = (overrides: Partial<PhaseRecord> = {}): PhaseRecord => ({
  ref: 'refs/heads/master',
  commit: 'c0ffee',
  resolution,
  repository: 'pipelines/katana',
  results: {
    environment: 'prod',
    bucket: 'pipelines-artifacts-upper',
    key: 'prod/katana-lambda.zip',
    versionId: 'v1',
    digest: 'sha256:' + 'd'.repeat(64),
  },
  held: [],
  actExit: 0,
  failed: false,
  seconds: 12,
  placeholderSha256: PLACEHOLDER,
  approveCommand: 'bash scripts/rehearse.sh --ref refs/heads/master --no-servers --approve',
  ...overrides,
});

/** The local AWS after a deploy of PACKAGE (or, `running` PLACEHOLDER, before one). */
const seen = (running = PACKAGE): Observation => ({
  functionSha256: running,
  alias: { version: '2', sha256: running },
  objectSha256: PACKAGE,
  registryServesDigest: true,
});

describe('the conclusion of a rehearsal phase', () => {
  it.each([
    ['deployed and verified', record(), seen(), EXIT.deployed, 'deployed'],
    [
      'held: uploaded, the function still runs the placeholder',
      record({ held: ['deploy-with-approval'] }),
      seen(PLACEHOLDER),
      EXIT.held,
      'waiting for approval',
    ],
    [
      'held, but the function already changed',
      record({ held: ['deploy-with-approval'] }),
      seen(),
      EXIT.failed,
      'failed',
    ],
    ['act failed', record({ actExit: 1 }), seen(), EXIT.failed, 'failed'],
    ['a job failed though act exited 0', record({ failed: true }), seen(), EXIT.failed, 'failed'],
    [
      'the resolve job routed elsewhere',
      record({ results: { ...record().results, environment: 'staging' } }),
      seen(),
      EXIT.failed,
      'failed',
    ],
    [
      'no VersionId reported',
      record({ results: { ...record().results, versionId: undefined } }),
      seen(),
      EXIT.failed,
      'failed',
    ],
  ])('%s', (_case, phase, observation, exitCode, result) => {
    const conclusion = conclude(phase, observation);
    expect(conclusion.exitCode).toBe(exitCode);
    expect(conclusion.rows.map((row) => row.result)).toEqual([result]);
    expect(conclusion.verdict?.problems.length === 0).toBe(exitCode !== EXIT.failed);
  });

  it.each([
    ['passed', 0, false, EXIT.deployed, 'deploys nowhere'],
    ['failed', 1, false, EXIT.failed, 'The workflow failed (act exit 1)'],
    ['had a failed job', 0, true, EXIT.failed, 'The workflow failed (act exit 0)'],
  ])('a ref that deploys nowhere whose checks %s', (_case, actExit, failed, exitCode, line) => {
    const phase = record({
      resolution: { ...resolution, environment: null, deploy: false },
      actExit,
      failed,
    });
    expect(claimsOf(phase)).toBeUndefined();
    const conclusion = conclude(phase);
    expect(conclusion).toMatchObject({ exitCode, rows: [] });
    expect(conclusion.lines.join('\n')).toContain(line);
  });

  it('claims every image release-candidate listed, and says the registry serves them all', () => {
    const images = [
      { repository: 'pipelines/blog', digest: 'sha256:' + 'd'.repeat(64) },
      { repository: 'pipelines/hello', digest: 'sha256:' + 'e'.repeat(64) },
    ];
    const r = record({
      resolution: {
        ...resolution,
        environment: 'mint',
        approval: false,
        functionName: 'mint-KatanaLambda',
      },
      results: { ...record().results, environment: 'mint', images: JSON.stringify(images) },
    });
    expect(claimsOf(r)?.images).toEqual(images);
    expect(conclude(r, seen()).lines.join('\n')).toContain(
      `the registry serves pipelines/blog@${images[0]!.digest} and pipelines/hello@${images[1]!.digest}.`,
    );
  });

  it("claims the pipeline's results, environments.yml's names where it reported none", () => {
    expect(claimsOf(record({ results: { versionId: 'v9' } }))).toEqual({
      environment: 'prod',
      functionName: 'prod-KatanaLambda',
      alias: 'live',
      bucket: 'pipelines-artifacts-upper',
      key: 'prod/katana-lambda.zip',
      versionId: 'v9',
      repository: 'pipelines/katana',
      digest: undefined,
    });
  });

  it('at the hold, tells the reviewer how to approve; once deployed, what was verified', () => {
    const held = conclude(record({ held: ['deploy-with-approval'] }), seen(PLACEHOLDER));
    expect(held.lines.join('\n')).toContain(
      'bash scripts/rehearse.sh --ref refs/heads/master --no-servers --approve',
    );
    const deployed = conclude(record(), seen());
    expect(deployed.lines.join('\n')).toContain(
      'Verified in the local AWS: prod-KatanaLambda runs s3://pipelines-artifacts-upper/prod/katana-lambda.zip version v1',
    );
  });
});

describe('the deployment record of the environment', () => {
  it('is in the summary row and linked under the table', () => {
    const url = 'http://127.0.0.1:9/repos/example/pipelines/deployments/1004/statuses';
    const conclusion = conclude(
      record({ deployment: { id: 1004, state: 'success', url } }),
      seen(),
    );
    expect(conclusion.rows[0]?.deployment).toEqual({ id: 1004, state: 'success' });
    expect(conclusion.lines.join('\n')).toMatch(/deployed\s+#1004 success\n/);
    expect(conclusion.lines).toContain(
      `Deployment record 1004 of prod (success) in the local GitHub: ${url}`,
    );
  });

  it('is left out when the environment has none', () => {
    const conclusion = conclude(record(), seen());
    expect(conclusion.rows[0]?.deployment).toBeUndefined();
    expect(conclusion.lines.join('\n')).not.toContain('Deployment record');
  });
});
