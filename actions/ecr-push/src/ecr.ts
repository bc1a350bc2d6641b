/**
 * The ECR API side: the registry token, and the repository (checked, or created with immutable
 * tags, scan on push and encryption). Image bytes never go through this API; they go through the
 * registry protocol (registry/), which is how ECR itself records pushed images.
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { ActionError, awsErrorName } from '@pipelines/action-kit/errors';

export interface RegistryAuth {
  /** The Authorization header for the registry API: `Basic <token>`. Secret. */
  authorization: string;
  /** The secrets to mask: the token and the password inside it. */
  secrets: string[];
  /** https://<account>.dkr.ecr.<region>.amazonaws.com */
  proxyEndpoint: string;
  accountId: string | undefined;
}

/** The account in an ECR registry host (`123456789012.dkr.ecr.us-east-1.amazonaws.com`). */
export function accountOf(endpoint: string): string | undefined {
  return /^(?:https?:\/\/)?(\d{12})\.dkr\.ecr\./.exec(endpoint)?.[1];
}

export async function getRegistryAuth(ecr: ECRClient): Promise<RegistryAuth> {
  let data;
  try {
    data = (await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData?.[0];
  } catch (error) {
    throw new ActionError(
      'get an ECR authorization token',
      error,
      'Check that the role allows ecr:GetAuthorizationToken and that AWS credentials are configured',
    );
  }
  const token = data?.authorizationToken;
  const proxyEndpoint = data?.proxyEndpoint;
  if (!token || !proxyEndpoint) {
    throw new ActionError('get an ECR authorization token', 'the answer held no token');
  }
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return {
    authorization: `Basic ${token}`,
    secrets: [token, password].filter((s) => s.length > 0),
    proxyEndpoint,
    accountId: accountOf(proxyEndpoint),
  };
}

/** 'exists' or 'missing'; never changes anything. */
export async function repositoryState(
  ecr: ECRClient,
  repository: string,
): Promise<'exists' | 'missing'> {
  try {
    await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
    return 'exists';
  } catch (error) {
    if (awsErrorName(error) === 'RepositoryNotFoundException') return 'missing';
    throw new ActionError(
      `describe ECR repository ${repository}`,
      error,
      'Check that the role allows ecr:DescribeRepositories',
    );
  }
}

export function missingRepositoryMessage(repository: string, accountId: string | undefined) {
  return `ECR repository ${repository} does not exist in account ${accountId ?? '(unknown)'}. Create it (infra/), or set create-repository: true`;
}

export async function createRepository(
  ecr: ECRClient,
  repository: string,
  kmsKey: string | undefined,
): Promise<void> {
  try {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: repository,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: kmsKey
          ? { encryptionType: 'KMS', kmsKey }
          : { encryptionType: 'AES256' },
      }),
    );
  } catch (error) {
    // Another job created it between our describe and this call: that is what we wanted.
    if (awsErrorName(error) === 'RepositoryAlreadyExistsException') return;
    throw new ActionError(
      `create ECR repository ${repository}`,
      error,
      'Check that the role allows ecr:CreateRepository, or create the repository in infra/',
    );
  }
}
