/**
 * Applies a provisioning plan to the local AWS (moto): versioned buckets, IAM roles, functions
 * with the placeholder package, ECR repositories. Everything is created fresh: moto runs only for
 * this rehearsal, so tearing down is stopping it.
 */
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { roleArn, type ProvisioningPlan } from './plan';
import { placeholderPackage } from './zip';

export interface LocalAwsClients {
  s3: S3Client;
  lambda: LambdaClient;
  ecr: ECRClient;
  iam: IAMClient;
}

export function localClients(endpoint: string, region: string): LocalAwsClients {
  const config = {
    region,
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'testing' },
  };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    lambda: new LambdaClient(config),
    ecr: new ECRClient(config),
    iam: new IAMClient(config),
  };
}

const lambdaTrust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

export async function provision(clients: LocalAwsClients, plan: ProvisioningPlan): Promise<void> {
  for (const bucket of plan.buckets) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
    await clients.s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket.name,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
  }
  for (const role of plan.roles) {
    await clients.iam.send(
      new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: lambdaTrust }),
    );
  }
  const zip = placeholderPackage();
  for (const fn of plan.functions) {
    await clients.lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn.name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: roleArn(fn.role),
        Code: { ZipFile: zip },
        Tags: { environment: fn.environment, tier: fn.tier },
      }),
    );
    // As infra/ does: the alias serves version 1 (the placeholder) until a deploy moves it.
    const v1 = await clients.lambda.send(new PublishVersionCommand({ FunctionName: fn.name }));
    await clients.lambda.send(
      new CreateAliasCommand({
        FunctionName: fn.name,
        Name: fn.alias,
        FunctionVersion: v1.Version,
      }),
    );
  }
  for (const repositoryName of plan.repositories) {
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName }));
  }
}

/** A role as the CDK app's template defines it (the strict AWS twin's TemplateRole has these). */
export interface RoleFromTemplate {
  readonly name: string;
  readonly trustPolicy: unknown;
  readonly policies: readonly { readonly name: string; readonly document: unknown }[];
}

/**
 * Creates the roles GitHub's jobs assume, exactly as the CDK app's template defines them: trust
 * policy and inline policies (the strict AWS twin enforces them; moto keeps them for listing).
 */
export async function provisionTemplateRoles(
  iam: IAMClient,
  roles: readonly RoleFromTemplate[],
): Promise<void> {
  for (const role of roles) {
    await iam.send(
      new CreateRoleCommand({
        RoleName: role.name,
        AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy),
      }),
    );
    for (const policy of role.policies) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: role.name,
          PolicyName: policy.name,
          PolicyDocument: JSON.stringify(policy.document),
        }),
      );
    }
  }
}
