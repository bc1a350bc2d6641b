/**
 * lambda-deploy under IAM as AWS enforces it, in the pipeline's order: s3-upload runs as the
 * upper tier's `prod-candidate` role (before the hold), lambda-deploy as the `prod` role (after
 * it), both roles synthesized from infra/, against moto behind the testkit's strict AWS twin.
 * Lambda reads the package from S3 with the deploying role's own credentials, so the prod role
 * needs s3:GetObjectVersion on it too (the twin enforces that).
 */
import {
  DeleteAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction, startStrictTier, type StrictTier } from '@pipelines/testkit';

// Synthesis and bundle runs share a 2-core machine: allow for load.
jest.setTimeout(120_000);

const FUNCTION = 'prod-KatanaLambda';
const KEY = 'prod/katana-lambda.zip';

let tier: StrictTier;
let lambda: LambdaClient;
let dir: string;
let zipN = 0;

beforeAll(async () => {
  // The tier as `cdk deploy` leaves it (bucket, function with placeholder code), and an earlier
  // package under the key, as after an earlier pipeline run.
  tier = await startStrictTier({ tier: 'upper' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'lambda-deploy-iam-'));
  const config = {
    region: tier.region,
    endpoint: tier.moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await s3.send(new PutObjectCommand({ Bucket: tier.bucket, Key: KEY, Body: 'earlier' }));
  s3.destroy();
  lambda = new LambdaClient(config);
}, 120_000);
afterAll(async () => {
  lambda?.destroy();
  await tier?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => tier.twin.decisions.splice(0));

/** A small, real zip holding a handler that returns `label`. */
function makeZip(label: string): string {
  const work = path.join(dir, `zip-${++zipN}`);
  mkdirSync(work);
  writeFileSync(
    path.join(work, 'index.js'),
    `exports.handler = async () => ${JSON.stringify(label)};\n`,
  );
  const file = path.join(dir, `package-${zipN}.zip`);
  execFileSync('zip', ['-q', '-X', file, 'index.js'], { cwd: work });
  return file;
}

/** The upload job: s3-upload as prod-candidate; its outputs are what the deploy job gets. */
async function uploadAsCandidate(label: string): Promise<Record<string, string>> {
  const run = await runAction({
    action: 'actions/s3-upload',
    inputs: { file: makeZip(label), bucket: tier.bucket, key: KEY },
    env: tier.envAs('prod-candidate'),
  });
  expect(run.errors).toEqual([]);
  return run.outputs;
}

const deployAs = (environment: string, upload: Record<string, string>, alias?: string) =>
  runAction({
    action: 'actions/lambda-deploy',
    inputs: {
      'function-name': FUNCTION,
      's3-bucket': upload.bucket ?? '',
      's3-key': upload.key ?? '',
      's3-object-version': upload['version-id'] ?? '',
      'expected-sha256': upload.sha256 ?? '',
      ...(alias ? { alias } : {}),
    },
    env: tier.envAs(environment),
  });

const denied = () => tier.twin.decisions.filter((d) => !d.allowed);
const aliasVersion = async () =>
  (await lambda.send(new GetAliasCommand({ FunctionName: FUNCTION, Name: 'live' })))
    .FunctionVersion;

/** Back to "no alias yet", as the admin (outside the roles under test). */
async function removeAlias(): Promise<void> {
  await lambda
    .send(new DeleteAliasCommand({ FunctionName: FUNCTION, Name: 'live' }))
    .catch((error: unknown) => {
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    });
}

// One function (the prod role may touch only prod-KatanaLambda); each test sets up the state it
// starts from, so they pass in any order and alone.
describe('lambda-deploy as the prod role, IAM enforced', () => {
  it("deploys the package prod-candidate uploaded, as the pipeline's deploy job does (update, publish)", async () => {
    const upload = await uploadAsCandidate('release-1');
    const run = await deployAs('prod', upload);

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(denied()).toEqual([]);
    // lambda-deploy first publishes the running code (kept for a restore), then the package.
    expect(run.outputs.version).toMatch(/^\d+$/);
    const config = await lambda.send(
      new GetFunctionConfigurationCommand({
        FunctionName: FUNCTION,
        Qualifier: run.outputs.version,
      }),
    );
    expect(Buffer.from(config.CodeSha256 ?? '', 'base64').toString('hex')).toBe(upload.sha256);
  });

  it('creates the alias on the first deploy behind it', async () => {
    await removeAlias();
    const run = await deployAs('prod', await uploadAsCandidate('release-2'), 'live');

    expect(run.errors).toEqual([]);
    expect(denied()).toEqual([]);
    expect(tier.twin.decisions.map((d) => d.operation)).toContain('CreateAlias');
    expect(await aliasVersion()).toBe(run.outputs.version);
  });

  it('moves the alias on a later deploy', async () => {
    const earlier = await deployAs('prod', await uploadAsCandidate('release-3a'), 'live');
    expect(earlier.errors).toEqual([]);
    tier.twin.decisions.splice(0);
    const run = await deployAs('prod', await uploadAsCandidate('release-3b'), 'live');

    expect(run.errors).toEqual([]);
    expect(denied()).toEqual([]);
    expect(tier.twin.decisions.map((d) => d.operation)).toContain('UpdateAlias');
    expect(await aliasVersion()).toBe(run.outputs.version);
  });

  it('refuses the prod-candidate role (the upload job, before the hold) any deploy', async () => {
    const upload = await uploadAsCandidate('release-4');
    tier.twin.decisions.splice(0);
    const run = await deployAs('prod-candidate', upload);

    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toContain(
      `assumed-role/${tier.roleOf('prod-candidate')}/test is not authorized to perform: lambda:`,
    );
    expect(denied()[0]).toMatchObject({ role: tier.roleOf('prod-candidate'), service: 'lambda' });
  });
});
