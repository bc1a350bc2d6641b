/**
 * Setting up the local AWS (moto) the way tests, the rehearsal and the benchmarks need it:
 * operator clients, a versioned bucket, the execution role moto checks for when a function is
 * created, and a function from a zip. One place, so that every caller sets up the same thing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient, type Runtime } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';

export interface LocalAwsClients {
  s3: S3Client;
  lambda: LambdaClient;
  ecr: ECRClient;
  iam: IAMClient;
}

/** moto accepts any credentials; a session token too, as a role's would have. */
const MOTO_CREDENTIALS = {
  accessKeyId: 'testing',
  secretAccessKey: 'testing',
  sessionToken: 'testing',
};

/** Operator clients straight to a moto endpoint (S3 path-style: moto has no bucket DNS). */
export function localAwsClients(endpoint: string, region = 'us-east-1'): LocalAwsClients {
  const config = { region, endpoint, credentials: MOTO_CREDENTIALS };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    lambda: new LambdaClient(config),
    ecr: new ECRClient(config),
    iam: new IAMClient(config),
  };
}

/** Closes the clients' sockets (a test's afterAll). */
export function destroyLocalAwsClients(clients: LocalAwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

export type BucketVersioning = 'Enabled' | 'Suspended' | 'never';

/** A bucket, versioned unless asked otherwise (the pipeline's artifact buckets are). */
export async function createVersionedBucket(
  s3: S3Client,
  name: string,
  versioning: BucketVersioning = 'Enabled',
): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (versioning === 'never') return;
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: name,
      VersioningConfiguration: { Status: versioning },
    }),
  );
}

/** The trust policy of a Lambda execution role: the Lambda service may assume it. */
export const LAMBDA_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
} as const;

/** moto's account: ARNs of what the setup creates. */
export const LOCAL_ACCOUNT = '123456789012';

export const lambdaRoleArn = (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;

/** An execution role (moto checks that it exists when a function is created); returns its ARN. */
export async function createLambdaRole(iam: IAMClient, name = 'lambda'): Promise<string> {
  const created = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify(LAMBDA_TRUST_POLICY),
    }),
  );
  return created.Role?.Arn ?? lambdaRoleArn(name);
}

export interface FunctionFromZip {
  name: string;
  /** The package: zip bytes. */
  zip: Uint8Array;
  /** The execution role's ARN (see createLambdaRole). */
  role: string;
  runtime?: Runtime;
  handler?: string;
  tags?: Record<string, string>;
}

/** A Node.js function running the zip (version $LATEST only: publish and alias as you need). */
export async function createFunction(lambda: LambdaClient, fn: FunctionFromZip): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn.name,
      Runtime: fn.runtime ?? 'nodejs20.x',
      Handler: fn.handler ?? 'index.handler',
      Role: fn.role,
      Code: { ZipFile: fn.zip },
      ...(fn.tags ? { Tags: fn.tags } : {}),
    }),
  );
}

/** One exact object version, as deploy.sh takes it: `s3://<bucket>/<key>?versionId=<id>` and its sha256. */
export interface S3ReleaseVersion {
  readonly uri: string;
  readonly sha256: string;
}

/**
 * Uploads a file into a versioned bucket with the AWS CLI, as an operator (or the pipeline) puts
 * a release there, and names the version it made.
 */
export function putReleaseVersion(
  moto: { readonly endpoint: string; awsEnv(): Record<string, string> },
  bucket: string,
  key: string,
  file: string,
): S3ReleaseVersion {
  const output = execFileSync(
    'aws',
    // --endpoint-url: Debian's awscli predates the AWS_ENDPOINT_URL variable.
    ['s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', file].concat([
      '--endpoint-url',
      moto.endpoint,
    ]),
    { env: { ...process.env, ...moto.awsEnv() }, encoding: 'utf8' },
  );
  const { VersionId } = JSON.parse(output) as { VersionId: string };
  return {
    uri: `s3://${bucket}/${key}?versionId=${encodeURIComponent(VersionId)}`,
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
  };
}
