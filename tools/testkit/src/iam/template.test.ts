import { rolesFromTemplate, type CloudFormationTemplate } from './template';
import { testTemplate } from './testTemplate';

const target = { account: '123456789012', region: 'us-east-1' };

/** A template of one role `r` with the given properties. */
const oneRole = (properties: Record<string, unknown>): CloudFormationTemplate => ({
  Resources: {
    R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r', ...properties } },
  },
});

describe('rolesFromTemplate', () => {
  const roles = rolesFromTemplate(testTemplate, target);
  const prod = roles.find((r) => r.name === 'pipelines-deploy-prod');

  it('finds every role by its RoleName, with its ARN', () => {
    expect(roles.map((r) => [r.name, r.arn])).toEqual([
      ['pipelines-deploy-prod', 'arn:aws:iam::123456789012:role/pipelines-deploy-prod'],
      ['lister', 'arn:aws:iam::123456789012:role/lister'],
    ]);
  });

  it("resolves the trust policy's federated principal to the OIDC provider's ARN", () => {
    expect(prod?.trustPolicy.Statement[0]?.Principal).toEqual({
      Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    });
  });

  it('attaches the AWS::IAM::Policy resources that name the role, with Fn::Join and pseudo parameters resolved', () => {
    expect(prod?.policies.map((p) => p.name)).toEqual(['DeployPolicyprod97F8C457']);
    expect(prod?.policies[0]?.document.Statement.map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::artifacts/prod/*',
      'arn:aws:s3:::artifacts',
      'arn:aws:lambda:us-east-1:123456789012:function:prod-KatanaLambda',
      'arn:aws:ecr:us-east-1:123456789012:repository/pipelines/blog',
    ]);
  });

  it('takes inline Policies too', () => {
    const lister = roles.find((r) => r.name === 'lister');
    expect(lister?.policies.map((p) => p.name)).toEqual(['list']);
    expect(lister?.policies[0]?.document.Statement[1]?.Resource).toBe('arn:aws:s3:::artifacts/*');
  });

  it('uses the partition given', () => {
    const cn = rolesFromTemplate(testTemplate, { ...target, partition: 'aws-cn' });
    expect(cn[0]?.arn).toBe('arn:aws-cn:iam::123456789012:role/pipelines-deploy-prod');
  });

  it('fails naming the place and the intrinsic it cannot resolve', () => {
    const template = oneRole({
      AssumeRolePolicyDocument: { Statement: [] },
      Policies: [
        {
          PolicyName: 'p',
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:GetObject',
                Resource: { 'Fn::ImportValue': 'BucketArn' },
              },
            ],
          },
        },
      ],
    });
    expect(() => rolesFromTemplate(template, target)).toThrow(
      /Could not resolve Fn::ImportValue at R\.Properties\.Policies\[0\]\.Statement\[0\]\.Resource/,
    );
  });

  it('fails on a Ref to a resource that is not in the template', () => {
    const template = oneRole({
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Federated: { Ref: 'Elsewhere' } } }] },
    });
    expect(() => rolesFromTemplate(template, target)).toThrow(
      /\{"Ref": "Elsewhere"\}.*no such resource/,
    );
  });
});
