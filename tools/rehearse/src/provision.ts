/**
 * Applies a provisioning plan to the local AWS (moto): versioned buckets, IAM roles, functions
 * with the placeholder package, ECR repositories. Everything is created fresh: moto runs only for
 * this rehearsal, so tearing down is stopping it.
 */
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import {
  createFunction,
  createLambdaRole,
  createVersionedBucket,
  localAwsClients,
  type LocalAwsClients,
} from '@pipelines/testkit';
import { roleArn, type ProvisioningPlan } from './plan';
import { placeholderPackage } from './zip';

export type { LocalAwsClients };

/** Operator clients straight to moto (the rehearsal's own provisioning and verification). */
export const localClients = (endpoint: string, region: string): LocalAwsClients =>
  localAwsClients(endpoint, region);

export async function provision(clients: LocalAwsClients, plan: ProvisioningPlan): Promise<void> {
  for (const bucket of plan.buckets) await createVersionedBucket(clients.s3, bucket.name);
  for (const role of plan.roles) await createLambdaRole(clients.iam, role);
  const zip = placeholderPackage();
  for (const fn of plan.functions) {
    await createFunction(clients.lambda, {
      name: fn.name,
      zip,
      role: roleArn(fn.role),
      tags: { environment: fn.environment, tier: fn.tier },
    });
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
