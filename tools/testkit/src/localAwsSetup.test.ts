import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createFunction,
  createLambdaRole,
  createVersionedBucket,
  destroyLocalAwsClients,
  lambdaRoleArn,
  localAwsClients,
  type LocalAwsClients,
} from './localAwsSetup';
import { startMoto, type Moto } from './moto';

jest.setTimeout(60_000);

describe('setting up the local AWS', () => {
  let moto: Moto;
  let clients: LocalAwsClients;

  beforeAll(async () => {
    moto = await startMoto();
    clients = localAwsClients(moto.endpoint, 'us-east-1');
  });
  afterAll(async () => {
    if (clients) destroyLocalAwsClients(clients);
    await moto?.stop();
  });

  it.each([
    ['Enabled', 'Enabled'],
    ['Suspended', 'Suspended'],
    ['never', undefined],
  ] as const)('a bucket with versioning %s reports status %s', async (versioning, status) => {
    const bucket = `setup-${versioning.toLowerCase()}`;
    await createVersionedBucket(clients.s3, bucket, versioning);
    const answer = await clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(answer.Status).toBe(status);
  });

  it('creates the Lambda execution role with a trust policy for the Lambda service', async () => {
    const arn = await createLambdaRole(clients.iam, 'setup-role');
    expect(arn).toBe(lambdaRoleArn('setup-role'));
    const role = await clients.iam.send(new GetRoleCommand({ RoleName: 'setup-role' }));
    const trust = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '{}'));
    expect(trust.Statement[0].Principal).toEqual({ Service: 'lambda.amazonaws.com' });
  });

  it('creates a function from a zip, running on that role, with its tags', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'setup-zip-'));
    try {
      writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => 1;\n');
      execFileSync('zip', ['-q', '-X', 'package.zip', 'index.js'], { cwd: dir });
      const role = await createLambdaRole(clients.iam, 'setup-function-role');
      await createFunction(clients.lambda, {
        name: 'setup-function',
        zip: readFileSync(path.join(dir, 'package.zip')),
        role,
        tags: { tier: 'lower' },
      });
      const fn = await clients.lambda.send(
        new GetFunctionCommand({ FunctionName: 'setup-function' }),
      );
      expect(fn.Configuration).toMatchObject({
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role,
      });
      expect(fn.Tags).toEqual({ tier: 'lower' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
