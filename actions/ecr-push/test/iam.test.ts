/**
 * ecr-push under IAM as AWS enforces it, as the pipeline runs it: the images job pushes as the
 * upper tier's `prod-candidate` role (before the hold), the approved deploy promotes the image by
 * digest as the `prod` role; both roles synthesized from infra/. The ECR API calls go to moto
 * behind the testkit's strict AWS twin; the registry protocol goes to a local OCI registry (moto
 * has none) behind the twin's registry front, which checks each request as ECR does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  runAction,
  startRegistry,
  startStrictTier,
  type Registry,
  type StrictTier,
} from '@pipelines/testkit';
import { buildImage, imageBlobs, writeLayout } from './images';

// Synthesis and bundle runs share a 2-core machine: allow for load.
jest.setTimeout(120_000);

const REPOSITORY = 'pipelines/blog';

let tier: StrictTier;
let registry: Registry;
let work: string;

beforeAll(async () => {
  // The tier as `cdk deploy` leaves it: the repository exists (immutable tags).
  registry = await startRegistry();
  tier = await startStrictTier({ tier: 'upper', registry });
  work = mkdtempSync(path.join(os.tmpdir(), 'ecr-push-iam-'));
}, 120_000);
afterAll(async () => {
  await Promise.all([tier?.stop(), registry?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => tier.twin.decisions.splice(0));

const pushAs = (environment: string, inputs: Record<string, string>) =>
  runAction({
    action: 'actions/ecr-push',
    // The registry through the twin's front: ECR's IAM checks on every registry request.
    inputs: { registry: tier.twin.registryHost ?? '', ...inputs },
    env: tier.envAs(environment),
    timeoutMs: 120_000,
  });

const denied = () => tier.twin.decisions.filter((d) => !d.allowed);
const image = buildImage('iam', [4096, 1024]);
const layout = (built = image) =>
  writeLayout(mkdtempSync(path.join(work, 'layout-')), built.manifest, imageBlobs(built));

describe('ecr-push under the upper tier roles, IAM enforced', () => {
  let pushed: string;

  it('pushes the blog image as prod-candidate (the images job, before the hold)', async () => {
    const run = await pushAs('prod-candidate', {
      image: layout(),
      repository: REPOSITORY,
      tags: 'prod-0123456789abcdef0123456789abcdef01234567',
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(denied()).toEqual([]);
    const operations = new Set(tier.twin.decisions.map((d) => d.operation));
    for (const operation of [
      'GetAuthorizationToken',
      'DescribeRepositories',
      'BatchCheckLayerAvailability',
      'InitiateLayerUpload',
      'CompleteLayerUpload',
      'PutImage',
    ]) {
      expect(operations).toContain(operation);
    }
    pushed = run.outputs['image-uri'] ?? '';
    expect(pushed).toBe(`${tier.twin.registryHost}/${REPOSITORY}@${image.manifest.digest}`);
  });

  it('promotes the approved image by digest as prod (the deploy after the hold)', async () => {
    const run = await pushAs('prod', {
      'source-image': pushed,
      repository: REPOSITORY,
      tags: 'prod-approved',
    });

    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(image.manifest.digest);
    expect(denied()).toEqual([]);
  });

  it('refuses prod (which only promotes after the hold) a new image, as ECR does: DENIED naming role and action', async () => {
    const unreviewed = buildImage('iam-unreviewed', [2048]);
    const run = await pushAs('prod', {
      image: layout(unreviewed),
      repository: REPOSITORY,
      tags: 'unreviewed',
    });

    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toContain(
      `assumed-role/${tier.roleOf('prod')}/test is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:${tier.region}:${tier.account}:repository/${REPOSITORY}`,
    );
  });

  it("may not push to a repository outside the tier's list, and says which role and repository", async () => {
    const run = await pushAs('prod-candidate', {
      image: layout(),
      repository: 'someone/else',
      tags: 'x',
    });

    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toContain(
      `assumed-role/${tier.roleOf('prod-candidate')}/test is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:${tier.region}:${tier.account}:repository/someone/else`,
    );
  });
});
