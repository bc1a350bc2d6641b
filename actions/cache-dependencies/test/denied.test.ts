// Access errors against moto with IAM enforcement switched on (POST /moto-api/reset-auth): real
// IAM users, real policies, moto's own evaluation. The action must fail the step, never report
// a silent miss. This file has its own moto: enforcement is server-wide.
import { execFileSync } from 'node:child_process';
import { startMoto, type Moto } from '@pipelines/testkit';
import { expectOk, mainThenPost, PATH, runMain, workspace, type Workspace } from './helpers';

// Not shown here: a role that may read but not write. moto 5.2.1 answers such a role's
// ListObjectsV2 with 403 SignatureDoesNotMatch (its policy evaluation, not ours), so the
// write-denied path of the post step cannot be reached with it.

jest.setTimeout(120_000);

let moto: Moto;
let ws: Workspace;
const keys: Record<string, { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string }> = {};
const BUCKET = 'guarded-cache';

function aws(args: string[]): string {
  return execFileSync('aws', [...args, '--endpoint-url', moto.endpoint, '--output', 'json'], {
    env: { ...process.env, ...moto.awsEnv() },
    encoding: 'utf8',
  });
}

function user(name: string, actions: string[]): void {
  aws(['iam', 'create-user', '--user-name', name]);
  if (actions.length) {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: actions,
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        },
      ],
    };
    aws([
      'iam',
      'put-user-policy',
      '--user-name',
      name,
      '--policy-name',
      'cache',
      '--policy-document',
      JSON.stringify(policy),
    ]);
  }
  const { AccessKey } = JSON.parse(aws(['iam', 'create-access-key', '--user-name', name])) as {
    AccessKey: { AccessKeyId: string; SecretAccessKey: string };
  };
  keys[name] = {
    AWS_ACCESS_KEY_ID: AccessKey.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: AccessKey.SecretAccessKey,
  };
}

beforeAll(async () => {
  moto = await startMoto();
  aws(['s3api', 'create-bucket', '--bucket', BUCKET]);
  user('nobody', []);
  user('writer', ['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
  const response = await fetch(`${moto.endpoint}/moto-api/reset-auth`, {
    method: 'POST',
    body: '0',
  });
  if (!response.ok) throw new Error(`could not enable IAM enforcement: ${response.status}`);
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

function job(name: string) {
  const { AWS_SESSION_TOKEN: _token, ...env } = moto.awsEnv();
  return {
    cwd: ws.dir,
    inputs: { backend: 's3', 's3-bucket': BUCKET, path: ws.store },
    env: { ...env, ...keys[name], PATH },
  };
}

it('fails the step when the role may not read the bucket', async () => {
  const run = await runMain(job('nobody'));
  expect(run.exitCode).toBe(1);
  expect(run.outputs['cache-hit']).toBeUndefined();
  expect(run.errors.join('\n')).toMatch(
    /Could not look up s3:\/\/guarded-cache\/.*403.*s3:GetObject/s,
  );
});

it('saves and restores with a role that has the documented permissions', async () => {
  const { post } = await mainThenPost(job('writer'));
  expectOk(post);
  const again = await runMain(job('writer'));
  expectOk(again);
  expect(again.outputs['cache-hit']).toBe('true');
});
