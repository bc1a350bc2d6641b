/**
 * What `cdk deploy` of a tier would leave in AWS, created in moto with the operator key from the
 * synthesized templates themselves: the versioned artifact bucket, each function (with a
 * placeholder handler and its execution role) and each image repository with its settings. The
 * strict tests then run the actions against resources named exactly as the roles' policies name
 * them.
 *
 * Through the operator clients of localAwsSetup.ts, straight to moto (no twin checks them).
 * `operatorRequest` stays for tests that need one raw request in a service's protocol: moto reads
 * the operator key from the Authorization header and does not check signatures.
 */
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import type { Runtime } from '@aws-sdk/client-lambda';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createFunction,
  createLambdaRole,
  createVersionedBucket,
  destroyLocalAwsClients,
  localAwsClients,
} from '../localAwsSetup';
import { OPERATOR_ACCESS_KEY } from './strictAws';
import type { CloudFormationTemplate } from './template';

export interface TierResources {
  readonly buckets: readonly { readonly name: string; readonly versioned: boolean }[];
  readonly functions: readonly {
    readonly name: string;
    readonly runtime: string;
    readonly handler: string;
  }[];
  readonly repositories: readonly { readonly name: string; readonly immutableTags: boolean }[];
}

/** The named buckets, functions and repositories of a tier's templates. */
export function tierResources(
  templates: Readonly<Record<string, CloudFormationTemplate>>,
): TierResources {
  const all = Object.values(templates).flatMap((t) => Object.values(t.Resources ?? {}));
  const named = (type: string, key: string) =>
    all
      .filter((r) => r.Type === type && typeof r.Properties?.[key] === 'string')
      .map((r) => ({ name: r.Properties?.[key] as string, props: r.Properties ?? {} }));
  return {
    buckets: named('AWS::S3::Bucket', 'BucketName').map(({ name, props }) => ({
      name,
      versioned:
        (props.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
    })),
    functions: named('AWS::Lambda::Function', 'FunctionName').map(({ name, props }) => ({
      name,
      runtime: String(props.Runtime),
      handler: String(props.Handler),
    })),
    repositories: named('AWS::ECR::Repository', 'RepositoryName').map(({ name, props }) => ({
      name,
      immutableTags: props.ImageTagMutability === 'IMMUTABLE',
    })),
  };
}

/** A zip holding one handler file that returns `label` (a function's code). */
export function handlerZip(fileName: string, label: string): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'handler-zip-'));
  try {
    writeFileSync(
      path.join(dir, fileName),
      `exports.handler = async () => ${JSON.stringify(label)};\n`,
    );
    execFileSync('zip', ['-q', '-X', 'code.zip', fileName], { cwd: dir });
    return readFileSync(path.join(dir, 'code.zip'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One operator request to moto (unchecked by any twin), failing with the service's answer. */
export async function operatorRequest(
  endpoint: string,
  service: string,
  path: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Buffer },
  region = 'us-east-1',
): Promise<string> {
  const response = await fetch(`${endpoint}${path}`, {
    ...init,
    headers: {
      ...init.headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${OPERATOR_ACCESS_KEY}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `Could not provision ${service} ${init.method} ${path}: ${response.status} ${text}`,
    );
  }
  return text;
}

/** Creates the tier's resources in moto (call once, after moto starts or resets). */
export async function provisionTier(
  motoEndpoint: string,
  resources: TierResources,
  account: string,
  region = 'us-east-1',
): Promise<void> {
  const clients = localAwsClients(motoEndpoint, region);
  try {
    for (const bucket of resources.buckets) {
      await createVersionedBucket(clients.s3, bucket.name, bucket.versioned ? 'Enabled' : 'never');
    }
    for (const fn of resources.functions) {
      const roleName = `${fn.name}-execution`.slice(0, 64);
      await createLambdaRole(clients.iam, roleName);
      const [file] = fn.handler.split('.');
      await createFunction(clients.lambda, {
        name: fn.name,
        runtime: fn.runtime as Runtime,
        handler: fn.handler,
        role: `arn:aws:iam::${account}:role/${roleName}`,
        zip: handlerZip(`${file}.js`, 'placeholder'),
      });
    }
    for (const repository of resources.repositories) {
      await clients.ecr.send(
        new CreateRepositoryCommand({
          repositoryName: repository.name,
          imageTagMutability: repository.immutableTags ? 'IMMUTABLE' : 'MUTABLE',
        }),
      );
    }
  } finally {
    destroyLocalAwsClients(clients);
  }
}
