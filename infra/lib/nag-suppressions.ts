/**
 * Every cdk-nag AwsSolutions finding we accept, each with the reason. Kept in one place so a
 * reviewer sees all exceptions at once; the tests fail on any finding not listed here.
 */
import { NagSuppressions } from 'cdk-nag';
import type { TierStacks } from './app';
import type { EnvironmentConfig } from './config';
import { candidateEnvironmentName } from '@pipelines/environments';

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
          reason: `Objects under the environment's own folder (${env.artifactPrefix}*: package keys and their versions) and the function's own versions and aliases (${env.functionName}:*); ecr:GetAuthorizationToken accepts only "*".`,
          appliesTo: [
            {
              regex: `/^Resource::arn:<AWS::Partition>:s3:::[a-z0-9.-]+\\/${escape(env.artifactPrefix)}\\*$/g`,
            },
            {
              regex: `/^Resource::arn:<AWS::Partition>:lambda:.*:function:${escape(env.functionName)}:\\*$/g`,
            },
            'Resource::*',
          ],
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
  for (const [name, server] of network.servers) {
    NagSuppressions.addResourceSuppressions(
      server,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager, which replaces SSH keys and port 22.',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore'],
        },
        ...(name.endsWith('-db')
          ? []
          : [
              {
                id: 'AwsSolutions-EC29',
                reason:
                  'App servers hold no state and are rebuilt from user data when their service changes, so termination protection would block that; database servers have it.',
              },
            ]),
      ],
      true,
    );
  }
}
