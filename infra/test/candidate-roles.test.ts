/**
 * The upload roles of approval environments. The pipeline uploads the package and pushes the image
 * for prod before the hold, in the GitHub environment `prod-candidate` (docs/workflows.md), so that
 * environment needs a role of its own: trusted only by that environment's OIDC subject, allowed to
 * put and read packages under prod/ and push images, and nothing on Lambda. Prod's deploy role
 * stays behind prod's required reviewers. (cdk-nag over these policies: templates.test.ts.)
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadEnvironments } from '@pipelines/environments';
import { tierConfig, type EnvironmentConfig } from '../lib/config';
import { GithubOidcStack } from '../lib/stacks/github-oidc-stack';
import { asArray, ENVIRONMENTS_YML, flatten } from './helpers';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
type Resource = { Properties: Record<string, unknown> };

const upper = tierConfig(loadEnvironments(ENVIRONMENTS_YML), { tier: 'upper' });

function githubStack(environments: readonly EnvironmentConfig[]) {
  const app = new App();
  const stack = new GithubOidcStack(app, 'Github', {
    env: { account: '123456789012', region: 'us-east-1' },
    github: upper.github,
    environments,
    bucketName: 'pipelines-artifacts-upper',
    repositoryNames: ['pipelines/blog'],
    deployDocument: 'pipelines-deploy',
  });
  return { stack, template: Template.fromStack(stack) };
}

/** The role (by GitHub environment) with its trust statement and its policy's statements. */
function roleOf(built: ReturnType<typeof githubStack>, environment: string) {
  const role = built.stack.roles.get(environment) ?? built.stack.candidateRoles.get(environment);
  if (!role) throw new Error(`no role for ${environment}`);
  const roleId = built.stack.getLogicalId(role.node.defaultChild as never);
  const roles = built.template.findResources('AWS::IAM::Role') as Record<string, Resource>;
  const trust = (roles[roleId]?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] })
    .Statement;
  const policies = Object.values(
    built.template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
  ).filter((p) => flatten(p.Properties.Roles) === `<${roleId}>`);
  expect(policies).toHaveLength(1);
  const statements = (policies[0]?.Properties.PolicyDocument as { Statement: Statement[] })
    .Statement;
  return { trust, statements, actions: statements.flatMap((s) => asArray(s.Action)) };
}

const BUCKET = 'arn:<AWS::Partition>:s3:::pipelines-artifacts-upper';

describe('the prod-candidate upload role', () => {
  const built = githubStack(upper.environments);

  it('exists for prod (an approval environment) and is output as DeployRoleArnProdCandidate', () => {
    expect([...built.stack.candidateRoles.keys()]).toEqual(['prod-candidate']);
    const outputs = built.template.findOutputs('DeployRoleArnProdCandidate');
    expect(Object.keys(outputs)).toEqual(['DeployRoleArnProdCandidate']);
  });

  it('is trusted only by the OIDC subject of the prod-candidate environment, by exact match', () => {
    const { trust } = roleOf(built, 'prod-candidate');
    expect(trust).toHaveLength(1);
    expect(trust[0]?.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust[0]?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub':
          'repo:example@1000001/pipelines@2000002:environment:prod-candidate',
      },
    });
  });

  it('may put and read packages only under prod/, list only prod/, and push images; nothing on Lambda', () => {
    const { statements, actions } = roleOf(built, 'prod-candidate');
    expect(actions.filter((a) => a.startsWith('lambda:'))).toEqual([]);
    expect(actions.filter((a) => /Delete|\*/.test(a))).toEqual([]);
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      for (const resource of asArray(s.Resource as unknown[]).map(flatten)) {
        const acts = asArray(s.Action);
        if (resource === '*') expect(acts).toEqual(['ecr:GetAuthorizationToken']);
        else if (resource.startsWith(`${BUCKET}/`)) expect(resource).toBe(`${BUCKET}/prod/*`);
        else if (resource === BUCKET && acts.includes('s3:ListBucket')) {
          expect(s.Condition).toEqual({ StringLike: { 's3:prefix': ['prod/', 'prod/*'] } });
        } else if (resource === BUCKET) {
          expect(acts).toEqual(['s3:GetBucketVersioning', 's3:ListBucketMultipartUploads']);
        } else {
          expect(resource).toBe(
            'arn:<AWS::Partition>:ecr:us-east-1:123456789012:repository/pipelines/blog',
          );
        }
      }
    }
    // What s3-upload and ecr-push need (their READMEs list it).
    for (const needed of [
      's3:PutObject',
      's3:PutObjectTagging',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:AbortMultipartUpload',
      's3:ListBucket',
      's3:GetBucketVersioning',
      's3:ListBucketMultipartUploads',
      'ecr:GetAuthorizationToken',
      'ecr:DescribeRepositories',
      'ecr:PutImage',
      'ecr:InitiateLayerUpload',
      'ecr:CompleteLayerUpload',
    ]) {
      expect(actions).toContain(needed);
    }
  });

  it("leaves prod's own role as it was: trusted only by prod, with the Lambda deploy", () => {
    const { trust, actions } = roleOf(built, 'prod');
    expect(trust[0]?.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub']).toBe(
      'repo:example@1000001/pipelines@2000002:environment:prod',
    );
    expect(actions).toContain('lambda:UpdateAlias');
  });

  it("does not let prod's own role upload: after the hold it reads the approved package version and promotes the approved image", () => {
    const { statements, actions } = roleOf(built, 'prod');
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObjectVersion']);
    const read = statements.find((s) => asArray(s.Action).includes('s3:GetObjectVersion'));
    expect(asArray(read?.Resource as unknown[]).map(flatten)).toEqual([`${BUCKET}/prod/*`]);
    // It promotes the approved image by digest (reads, then puts a tag); it uploads no layer.
    expect(actions.filter((a) => a.startsWith('ecr:')).sort()).toEqual([
      'ecr:BatchGetImage',
      'ecr:DescribeRepositories',
      'ecr:GetAuthorizationToken',
      'ecr:PutImage',
    ]);
  });
});

describe('candidate roles in general', () => {
  const env = (name: string, approval: boolean): EnvironmentConfig => ({
    name,
    approval,
    artifactKey: `${name}/katana-lambda.zip`,
    artifactPrefix: `${name}/`,
    functionName: `${name}-KatanaLambda`,
    functionAlias: 'live',
    releasePrefix: `${name}/releases/`,
    servers: false,
  });

  it('gives every approval environment an <env>-candidate role, and no other environment one', () => {
    const built = githubStack([env('staging', true), env('mint', false), env('prod', true)]);
    expect([...built.stack.candidateRoles.keys()].sort()).toEqual([
      'prod-candidate',
      'staging-candidate',
    ]);
    const staging = roleOf(built, 'staging-candidate');
    expect(
      staging.trust[0]?.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub'],
    ).toBe('repo:example@1000001/pipelines@2000002:environment:staging-candidate');
    const resources = staging.statements.flatMap((s) =>
      asArray(s.Resource as unknown[]).map(flatten),
    );
    expect(resources).toContain(`${BUCKET}/staging/*`);
    expect(resources.some((r) => r.includes('/prod/'))).toBe(false);
    expect(Object.keys(built.template.findOutputs('*'))).toEqual(
      expect.arrayContaining(['DeployRoleArnStagingCandidate', 'DeployRoleArnProdCandidate']),
    );
  });

  it("lets the servers environment's upload role put its releases, also in a release folder outside its package folder", () => {
    const prod = { ...env('prod', true), servers: true };
    const nested = roleOf(githubStack([prod]), 'prod-candidate');
    const outside = roleOf(
      githubStack([{ ...prod, releasePrefix: 'releases/prod/' }]),
      'prod-candidate',
    );
    const puts = (role: typeof nested) =>
      role.statements
        .filter((s) => asArray(s.Action as string[]).includes('s3:PutObjectTagging'))
        .flatMap((s) => asArray(s.Resource as unknown[]).map(flatten));
    // prod/releases/ is inside prod/: the package folder's grant covers it.
    expect(puts(nested)).toEqual([`${BUCKET}/prod/*`]);
    expect(puts(outside)).toEqual([`${BUCKET}/prod/*`, `${BUCKET}/releases/prod/*`]);
    // The deploy role (after the hold) writes nothing: the servers read the release themselves.
    expect(
      roleOf(githubStack([prod]), 'prod').statements.flatMap((s) => asArray(s.Action as string[])),
    ).not.toContain('s3:PutObject');
  });

  it('gives the lower tier (no approval environment) no candidate role', () => {
    const lower = tierConfig(loadEnvironments(ENVIRONMENTS_YML), { tier: 'lower' });
    expect(githubStack(lower.environments).stack.candidateRoles.size).toBe(0);
  });
});
