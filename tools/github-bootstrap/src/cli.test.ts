import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultGitHubState, startFakeGitHub, type FakeGitHub } from '@pipelines/testkit';
import { main } from './cli';

const dir = mkdtempSync(path.join(os.tmpdir(), 'bootstrap-cli-'));
const role = (account: string, env: string) =>
  `arn:aws:iam::${account}:role/pipelines-${env}-deploy`;
function outputs(file: string, account: string, environments: string[]) {
  const stack: Record<string, string> = {
    Region: 'us-east-1',
    Registry: `${account}.dkr.ecr.us-east-1.amazonaws.com`,
    ArtifactBucket: `bucket-${account}`,
  };
  for (const env of environments)
    stack[
      `DeployRoleArn${env
        .split('-')
        .map((p) => p[0]!.toUpperCase() + p.slice(1))
        .join('')}`
    ] = role(account, env);
  writeFileSync(
    path.join(dir, file),
    JSON.stringify({ PipelinesGitHub: stack, PipelinesNetwork: { ProxyPublicIp: '192.0.2.1' } }),
  );
  return path.join(dir, file);
}
const lower = outputs('lower.json', '111111111111', ['mint', 'amy', 'pat', 'qa', 'int-alice']);
const upper = outputs('upper.json', '222222222222', ['staging', 'prod', 'prod-candidate']);
const bothTiers = ['--outputs', lower, '--outputs', upper];

describe('pnpm bootstrap-github (the CLI over the repository environments.yml)', () => {
  let github: FakeGitHub;
  let lines: string[];
  beforeEach(async () => {
    github = await startFakeGitHub(defaultGitHubState());
    lines = [];
  });
  afterEach(() => github.stop());
  const cli = (
    args: string[],
    env: NodeJS.ProcessEnv = { GITHUB_TOKEN: github.state.token, GITHUB_API_URL: github.url },
  ) => main(args, env, (line) => lines.push(line));

  it("configures every environment of environments.yml from both tiers' outputs", async () => {
    const code = await cli([
      ...bothTiers,
      '--reviewer',
      'alice',
      '--reviewer',
      'bob',
      '--environment',
      'int-alice',
      '--repo',
      'example/pipelines',
    ]);
    expect(code).toBe(0);
    expect(Object.keys(github.state.environments).sort()).toEqual([
      'amy',
      'int-alice',
      'mint',
      'pat',
      'prod',
      'prod-candidate',
      'qa',
      'staging',
    ]);
    expect(github.state.environments.prod?.variables).toEqual({
      AWS_ROLE_ARN: role('222222222222', 'prod'),
      AWS_REGION: 'us-east-1',
      ECR_REGISTRY: '222222222222.dkr.ecr.us-east-1.amazonaws.com',
      ARTIFACT_BUCKET: 'bucket-222222222222',
    });
    expect(github.state.environments.mint?.variables.AWS_ROLE_ARN).toBe(
      role('111111111111', 'mint'),
    );
    expect(github.state.environments.prod?.reviewers).toEqual([
      { type: 'User', id: 101 },
      { type: 'User', id: 102 },
    ]);
    expect(github.state.environments['int-alice']?.policies.map((p) => p.name)).toEqual([
      'int-alice',
    ]);
  });

  it('--pusher names who may push the deploying branches and tags (not the reviewers then)', async () => {
    const code = await cli([
      ...bothTiers,
      '--reviewer',
      'alice',
      '--reviewer',
      'bob',
      '--pusher',
      'example/ops',
    ]);
    expect(code).toBe(0);
    expect(
      github.state.rulesets?.map((r) => [r.name, r.bypass_actors.map((a) => a.actor_id)]),
    ).toEqual([
      ['pipelines: deploying branches', [201]],
      ['pipelines: deploying tags', [201]],
    ]);
  });

  it('--dry-run lists the plan and writes nothing', async () => {
    expect(
      await cli([...bothTiers, '--reviewer', 'alice', '--reviewer', 'example/ops', '--dry-run']),
    ).toBe(0);
    expect(github.writes()).toEqual([]);
    expect(lines).toContain('  prod: allow deployments from branch master');
  });

  it.each<[string, string[], NodeJS.ProcessEnv | undefined, RegExp]>([
    ['no token', ['--outputs', 'x'], {}, /Set GITHUB_TOKEN \(or GH_TOKEN\)/],
    ['no outputs', ['--reviewer', 'alice'], undefined, /Pass the infra outputs with --outputs/],
    [
      'an outputs file that is not there',
      ['--outputs', '/nonexistent.json', '--reviewer', 'alice'],
      undefined,
      /Cannot read the infra outputs \/nonexistent.json.*cdk deploy --all --outputs-file/,
    ],
    [
      'a tier whose outputs are missing',
      ['--outputs', lower, '--reviewer', 'alice'],
      undefined,
      /No deploy role for environment staging in the infra outputs \(output DeployRoleArnStaging\)/,
    ],
    [
      'an environment that is no family member',
      ['--outputs', lower, '--outputs', upper, '--reviewer', 'alice', '--environment', 'dev'],
      undefined,
      /--environment dev is no environment/,
    ],
  ])('fails with what to do on %s, writing nothing', async (_case, args, env, message) => {
    const code = await cli(args, env);
    expect(code).toBe(2);
    expect(lines.join('\n')).toMatch(message);
    expect(github.writes()).toEqual([]);
  });
});
