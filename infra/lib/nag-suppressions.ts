/**
 * Every cdk-nag AwsSolutions finding we accept, each with the reason. Kept in one place so a
 * reviewer sees all exceptions at once; the tests fail on any finding not listed here.
 */
import { NagSuppressions } from 'cdk-nag';
import type { TierStacks } from './app';
import type { EnvironmentConfig } from './config';
import { candidateEnvironmentName } from '@pipelines/environments';
import { uploadFolders } from './stacks/github-oidc-stack';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export function suppressJustifiedFindings(
  stacks: TierStacks,
  environments: readonly EnvironmentConfig[],
): void {
  const { network, github } = stacks;
  for (const env of environments) {
    const policy = github.policies.get(env.name);
    if (policy === undefined) continue;
    // The candidate (upload-only) role of an approval environment has the same S3 and ECR
    // wildcards and no Lambda ones.
    const candidate = github.candidatePolicies.get(candidateEnvironmentName(env.name));
    NagSuppressions.addResourceSuppressions(
      candidate ? [policy, candidate] : policy,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: `Objects under the environment's own folders (${uploadFolders(env).join('*, ')}*: package and release keys and their versions) and the function's own versions and aliases (${env.functionName}:*); ecr:GetAuthorizationToken, ssm:ListCommands, ssm:ListCommandInvocations and ssm:GetCommandInvocation accept only "*"; the rollout's SendCommand reaches instances only with the environment's pipelines:environment tag.`,
          appliesTo: [
            ...uploadFolders(env).map((folder) => ({
              regex: `/^Resource::arn:<AWS::Partition>:s3:::[a-z0-9.-]+\\/${escape(folder)}\\*$/g`,
            })),
            {
              regex: `/^Resource::arn:<AWS::Partition>:lambda:.*:function:${escape(env.functionName)}:\\*$/g`,
            },
            // The rollout environment's SendCommand, on instances only with its tag.
            { regex: '/^Resource::arn:<AWS::Partition>:ec2:.*:instance\\/\\*$/g' },
            'Resource::*',
          ],
        },
      ],
      true,
    );
  }
  NagSuppressions.addResourceSuppressions(
    network.backupPlan,
    [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          'AWSBackupServiceRolePolicyForBackup is the AWS-maintained policy AWS Backup needs to snapshot the selected volumes.',
        appliesTo: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
        ],
      },
    ],
    true,
  );
  for (const settings of network.settings.values()) {
    NagSuppressions.addResourceSuppressions(
      settings,
      [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'The services read their secrets once, at install; rotating one needs the service changed with it (a database password, cookie keys), which docs/runbook.md describes. No rotation Lambda.',
        },
      ],
      true,
    );
  }
  NagSuppressions.addResourceSuppressions(network.proxySecurityGroup, [
    {
      id: 'AwsSolutions-EC23',
      reason:
        'The reverse proxy is the one public entry point: it must accept HTTP (redirected) and HTTPS from anyone. Only ports 80 and 443 are open.',
    },
  ]);
  for (const server of network.servers.values()) {
    NagSuppressions.addResourceSuppressions(
      server,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager, which replaces SSH keys and port 22.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "deploy.sh fetches the rollout environment's releases by VersionId, so the role may read object versions under that environment's release folder (<prefix>*) and nothing else of the bucket; install.sh reads its own service's parameters (/<project>/<tier>/<service>/*) and no other service's; ecr:GetAuthorizationToken accepts only \"*\" (pulls are limited to the tier's repositories).",
          appliesTo: [
            { regex: '/^Resource::arn:<AWS::Partition>:s3:::[a-z0-9.-]+\\/.+\\/\\*$/g' },
            { regex: '/^Resource::arn:<AWS::Partition>:ssm:.*:parameter\\/.+\\/\\*$/g' },
            'Resource::*',
          ],
        },
        ...(server.dataVolume
          ? []
          : [
              {
                id: 'AwsSolutions-EC29',
                reason:
                  'Servers without a database hold no state and are rebuilt from user data when their service changes, so termination protection would block that; the servers that hold a database have it.',
              },
            ]),
      ],
      true,
    );
  }
}
