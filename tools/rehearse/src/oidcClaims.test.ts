import path from 'node:path';
import { loadEnvironments } from '@pipelines/environments';
import {
  deploymentPolicies,
  deploymentRefusal,
  tokenClaims,
  tokenRepository,
  type JobContext,
  type TokenRepository,
} from './oidcClaims';

const model = loadEnvironments(path.resolve(__dirname, '../../../environments.yml'));
const repository = tokenRepository(model);
const job = (overrides: Partial<JobContext> = {}): JobContext => ({
  ref: 'refs/heads/master',
  sha: 'a'.repeat(40),
  environment: 'prod',
  workflowPath: '.github/workflows/pipeline.yml',
  workflowName: 'pipeline',
  eventName: 'push',
  runId: '7',
  actor: 'alice',
  ...overrides,
});
const NOW = new Date('2026-11-30T04:00:00Z');

describe('tokenClaims: the sub GitHub issues', () => {
  it.each<[string, Partial<TokenRepository>, Partial<JobContext>, string]>([
    [
      'immutable form, job in an environment',
      {},
      {},
      'repo:example@1000001/pipelines@2000002:environment:prod',
    ],
    [
      'immutable form, job without an environment',
      {},
      { environment: undefined, ref: 'refs/heads/feature-x-1' },
      'repo:example@1000001/pipelines@2000002:ref:refs/heads/feature-x-1',
    ],
    [
      'immutable form, a tag',
      {},
      { environment: 'staging', ref: 'refs/tags/staging' },
      'repo:example@1000001/pipelines@2000002:environment:staging',
    ],
    ['legacy form', { subjectForm: 'legacy' }, {}, 'repo:example/pipelines:environment:prod'],
    [
      'custom template repo + context',
      { subjectClaimKeys: ['repo', 'context'] },
      {},
      'repo:example@1000001/pipelines@2000002:environment:prod',
    ],
    [
      'custom template with job_workflow_ref',
      { subjectClaimKeys: ['repo', 'context', 'job_workflow_ref'] },
      {},
      'repo:example@1000001/pipelines@2000002:environment:prod:job_workflow_ref:example/pipelines/.github/workflows/pipeline.yml@refs/heads/master',
    ],
    [
      'custom template of ids only',
      { subjectClaimKeys: ['repository_owner_id', 'repository_id', 'context'] },
      {},
      'repository_owner_id:1000001:repository_id:2000002:environment:prod',
    ],
  ])('%s', (_name, repo, context, sub) => {
    expect(
      tokenClaims({ ...repository, ...repo }, job(context), 'sts.amazonaws.com', NOW).sub,
    ).toBe(sub);
  });

  it('carries the claims AWS and the roles can check', () => {
    const claims = tokenClaims(repository, job(), 'sts.amazonaws.com', NOW);
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      ref: 'refs/heads/master',
      ref_type: 'branch',
      environment: 'prod',
      repository: 'example/pipelines',
      repository_owner: 'example',
      repository_owner_id: '1000001',
      repository_id: '2000002',
      job_workflow_ref: 'example/pipelines/.github/workflows/pipeline.yml@refs/heads/master',
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 300,
    });
  });

  it('has no environment claim for a job that declares none', () => {
    const claims = tokenClaims(
      repository,
      job({ environment: undefined }),
      'sts.amazonaws.com',
      NOW,
    );
    expect(claims.environment).toBeUndefined();
  });

  it('refuses a claim key that is not a claim, naming it', () => {
    expect(() =>
      tokenClaims({ ...repository, subjectClaimKeys: ['repo', 'colour'] }, job(), 'x', NOW),
    ).toThrow(/the claim key "colour" of include_claim_keys/);
  });

  it('refuses a ref that is neither a branch nor a tag', () => {
    expect(() => tokenClaims(repository, job({ ref: 'refs/pull/1/merge' }), 'x', NOW)).toThrow(
      /neither refs\/heads\/<branch> nor refs\/tags\/<tag>/,
    );
  });
});

describe('tokenRepository (from environments.yml)', () => {
  it('takes the owner, repository, ids and subject form', () => {
    expect(repository).toEqual({
      owner: 'example',
      repo: 'pipelines',
      ownerId: 1000001,
      repositoryId: 2000002,
      subjectForm: 'immutable',
      subjectClaimKeys: undefined,
    });
  });

  it('refuses the immutable form without ids, naming project.github-ids and the bootstrap command', () => {
    const noIds = { ...model, project: { ...model.project, githubIds: undefined } };
    expect(() => tokenRepository(noIds)).toThrow(
      /project\.github-ids is missing .*pnpm bootstrap-github --dry-run/,
    );
  });
});

describe('deploymentRefusal (the policies the GitHub bootstrap sets from environments.yml)', () => {
  const policies = deploymentPolicies(model);

  it.each<[string, string, boolean]>([
    ['prod', 'refs/heads/master', true],
    ['prod', 'refs/tags/production', true],
    ['prod', 'refs/tags/RELEASE-12', true],
    ['prod', 'refs/heads/feature-x-1', false],
    ['prod', 'refs/heads/staging', false],
    ['prod', 'refs/tags/master', false],
    ['prod-candidate', 'refs/heads/master', true],
    ['prod-candidate', 'refs/tags/RELEASE-3', true],
    ['prod-candidate', 'refs/heads/Feature-login-12', false],
  ])('%s for %s: admitted %s', (environment, ref, admitted) => {
    const refusal = deploymentRefusal(policies, environment, ref);
    expect(refusal === undefined).toBe(admitted);
  });

  it('says which ref, which environment and what the environment admits', () => {
    expect(deploymentRefusal(policies, 'prod', 'refs/heads/feature-x-1')).toMatch(
      /^Branch "feature-x-1" is not allowed to deploy to prod due to environment protection rules \(the environment admits: branch master, tag production, tag RELEASE-\*\)/,
    );
  });

  it('admits any ref to an environment the bootstrap gives no policy', () => {
    expect(
      deploymentRefusal(new Map([['mint', null]]), 'mint', 'refs/heads/anything'),
    ).toBeUndefined();
    expect(deploymentRefusal(policies, 'int-alice', 'refs/heads/anything')).toBeUndefined();
  });
});
