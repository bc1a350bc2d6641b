/**
 * The roles' trust, evaluated the way AWS evaluates it: the synthesized trust policy of each role
 * is run through an IAM policy simulator for AssumeRoleWithWebIdentity with the claims of a
 * GitHub OIDC token. Every repository created or renamed on or after 2026-07-15 (every new fork)
 * gets subjects of the immutable form `repo:<owner>@<owner-id>/<repo>@<repo-id>:...`, so only
 * that form, of the right environment, may assume the role.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
// The simulator is a dependency of tools/testkit (AGPL: test code only); infra does not depend on
// testkit, so it is reached by path.
import { runUnsafeSimulation } from '../../tools/testkit/node_modules/@cloud-copilot/iam-simulate/dist/cjs/index.js';
import { loadEnvironments } from '@pipelines/environments';
import { tierConfig, type TierConfig } from '../lib/config';
import { GithubOidcStack } from '../lib/stacks/github-oidc-stack';
import { ENVIRONMENTS_YML } from './helpers';

const ACCOUNT = '123456789012';
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

type Policy = { Statement: Record<string, unknown>[] };

/** Each role's trust policy by GitHub environment, with the provider's Ref as its ARN. */
function trustPolicies(config: TierConfig): Map<string, Policy> {
  const stack = new GithubOidcStack(new App(), 'Github', {
    env: { account: ACCOUNT, region: 'us-east-1' },
    github: config.github,
    environments: config.environments,
    bucketName: config.bucketName,
    repositoryNames: config.imageRepositories,
    existingProviderArn: PROVIDER,
    deployDocument: config.servers.deployDocument,
  });
  const template = Template.fromStack(stack);
  const roles = template.findResources('AWS::IAM::Role');
  const byEnvironment = new Map<string, Policy>();
  for (const [name, role] of [...stack.roles, ...stack.candidateRoles]) {
    const id = stack.getLogicalId(role.node.defaultChild as never);
    const properties = (roles[id] as { Properties: { AssumeRolePolicyDocument: Policy } })
      .Properties;
    byEnvironment.set(name, properties.AssumeRolePolicyDocument);
  }
  return byEnvironment;
}

/** What AWS decides for AssumeRoleWithWebIdentity with these claims against this trust. */
function decide(trust: Policy, claims: { sub: string; aud?: string }): string {
  const result = runUnsafeSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // Handed over already validated: the simulator's checked entry point drops condition keys
      // its service reference does not list, and it lists no `token.actions...:sub` or `:aud`.
      resourcePolicy: {
        __validated: true,
        policyDocument: trust,
        metadata: { name: 'trust' },
        errors: [],
      },
      request: {
        action: 'sts:AssumeRoleWithWebIdentity',
        principal: PROVIDER,
        resource: { accountId: ACCOUNT, resource: `arn:aws:iam::${ACCOUNT}:role/the-role` },
        contextVariables: {
          'token.actions.githubusercontent.com:sub': claims.sub,
          'token.actions.githubusercontent.com:aud': claims.aud ?? 'sts.amazonaws.com',
        },
      },
    },
    {},
  );
  return String(result);
}

const model = loadEnvironments(ENVIRONMENTS_YML);
const upper = tierConfig(model, { tier: 'upper' });
const roles = trustPolicies(upper);
const IMMUTABLE = 'repo:example@1000001/pipelines@2000002';

describe('the trust of the roles, as AWS evaluates it (environments.yml: oidc-subject immutable)', () => {
  it.each<[string, string, string, string]>([
    [
      'the immutable subject of the environment',
      'prod',
      `${IMMUTABLE}:environment:prod`,
      'Allowed',
    ],
    [
      'the immutable subject of the candidate',
      'prod-candidate',
      `${IMMUTABLE}:environment:prod-candidate`,
      'Allowed',
    ],
    [
      'the legacy subject of the same environment',
      'prod',
      'repo:example/pipelines:environment:prod',
      'ImplicitlyDenied',
    ],
    [
      "another environment's subject",
      'prod',
      `${IMMUTABLE}:environment:staging`,
      'ImplicitlyDenied',
    ],
    [
      "the candidate's subject on the deploy role",
      'prod',
      `${IMMUTABLE}:environment:prod-candidate`,
      'ImplicitlyDenied',
    ],
    [
      'a branch subject (no environment)',
      'prod',
      `${IMMUTABLE}:ref:refs/heads/master`,
      'ImplicitlyDenied',
    ],
    [
      'another owner with the same ids',
      'prod',
      'repo:evil@1000001/pipelines@2000002:environment:prod',
      'ImplicitlyDenied',
    ],
    [
      'another owner id (a recycled name)',
      'prod',
      'repo:example@9999999/pipelines@2000002:environment:prod',
      'ImplicitlyDenied',
    ],
    [
      'another repository of the owner',
      'prod',
      'repo:example@1000001/other@2000003:environment:prod',
      'ImplicitlyDenied',
    ],
    [
      'the owner spelled in another case',
      'prod',
      'repo:Example@1000001/pipelines@2000002:environment:prod',
      'ImplicitlyDenied',
    ],
    [
      'the environment spelled in another case',
      'prod',
      `${IMMUTABLE}:environment:Prod`,
      'ImplicitlyDenied',
    ],
  ])('%s: %s role, %s -> %s', (_what, role, sub, decision) => {
    const trust = roles.get(role);
    expect(trust).toBeDefined();
    expect(decide(trust as Policy, { sub })).toBe(decision);
  });

  it('refuses a token for another audience', () => {
    const trust = roles.get('staging') as Policy;
    expect(decide(trust, { sub: `${IMMUTABLE}:environment:staging` })).toBe('Allowed');
    expect(
      decide(trust, { sub: `${IMMUTABLE}:environment:staging`, aud: 'https://github.com/example' }),
    ).toBe('ImplicitlyDenied');
  });
});

describe('the trust of the roles with oidc-subject: legacy', () => {
  const legacy = tierConfig(
    { ...model, project: { ...model.project, oidcSubject: 'legacy', githubIds: undefined } },
    { tier: 'upper' },
  );
  const legacyRoles = trustPolicies(legacy);

  it.each<[string, string, string]>([
    ['the legacy subject', 'repo:example/pipelines:environment:staging', 'Allowed'],
    ['the immutable subject', `${IMMUTABLE}:environment:staging`, 'ImplicitlyDenied'],
    ['another repository', 'repo:example/other:environment:staging', 'ImplicitlyDenied'],
  ])('%s -> %s', (_what, sub, decision) => {
    expect(decide(legacyRoles.get('staging') as Policy, { sub })).toBe(decision);
  });
});
