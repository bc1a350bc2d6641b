/**
 * A template in the shape `cdk synth` gives the app's GitHub OIDC stack (provider, a role trusted
 * by one GitHub environment, its policy as a separate AWS::IAM::Policy resource, intrinsics
 * unresolved), small enough to read in a test. The infra app's own template is used by the strict
 * tests of the actions.
 */
import type { CloudFormationTemplate } from './template';

const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const partition = { Ref: 'AWS::Partition' };
const accountId = { Ref: 'AWS::AccountId' };
const bucket = join('arn:', partition, ':s3:::artifacts');

export const testTemplate: CloudFormationTemplate = {
  Resources: {
    GithubProvider1CDE27EB: {
      Type: 'AWS::IAM::OIDCProvider',
      Properties: {
        ClientIdList: ['sts.amazonaws.com'],
        Url: 'https://token.actions.githubusercontent.com',
      },
    },
    DeployRoleprod044FFA70: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'pipelines-deploy-prod',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'sts:AssumeRoleWithWebIdentity',
              Effect: 'Allow',
              Principal: { Federated: { Ref: 'GithubProvider1CDE27EB' } },
              Condition: {
                StringEquals: {
                  'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                  'token.actions.githubusercontent.com:sub':
                    'repo:example/pipelines:environment:prod',
                },
              },
            },
          ],
        },
      },
    },
    DeployPolicyprod97F8C457: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'DeployPolicyprod97F8C457',
        Roles: [{ Ref: 'DeployRoleprod044FFA70' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: join('arn:', partition, ':s3:::artifacts/prod/*'),
            },
            {
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: bucket,
              Condition: { StringLike: { 's3:prefix': ['prod/', 'prod/*'] } },
            },
            {
              Effect: 'Allow',
              Action: ['lambda:GetFunctionConfiguration'],
              Resource: join(
                'arn:',
                partition,
                ':lambda:us-east-1:',
                accountId,
                ':function:prod-KatanaLambda',
              ),
            },
            {
              Effect: 'Allow',
              Action: ['ecr:DescribeRepositories'],
              Resource: join(
                'arn:',
                partition,
                ':ecr:us-east-1:',
                accountId,
                ':repository/pipelines/blog',
              ),
            },
          ],
        },
      },
    },
    // A role that may list the whole bucket: a missing key is a 404 for it.
    ListerRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'lister',
        AssumeRolePolicyDocument: { Statement: [] },
        Policies: [
          {
            PolicyName: 'list',
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket },
                { Effect: 'Allow', Action: 's3:GetObject', Resource: join(bucket, '/*') },
              ],
            },
          },
        ],
      },
    },
  },
};
