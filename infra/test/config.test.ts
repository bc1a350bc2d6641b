import { ConfigError, tierConfig, type TierOptions } from '../lib/config';
import { loadEnvironments, type EnvironmentsConfig } from '@pipelines/environments';
import { outputIds, pascalCase } from '../lib/outputs';
import { ENVIRONMENTS_YML } from './helpers';

const model = loadEnvironments(ENVIRONMENTS_YML);
const configFor = (options: TierOptions, from: EnvironmentsConfig = model) =>
  tierConfig(from, options);

describe('tierConfig on the repository environments.yml', () => {
  it('gives the lower tier its fixed environments, bucket and a subdomain', () => {
    const config = configFor({ tier: 'lower' });
    expect(config.environments.map((e) => e.name)).toEqual(['mint', 'amy', 'pat', 'qa']);
    expect(config.environments[0]).toEqual({
      name: 'mint',
      approval: false,
      artifactKey: 'mint/katana-lambda.zip',
      artifactPrefix: 'mint/',
      functionName: 'mint-KatanaLambda',
      functionAlias: 'live',
      releasePrefix: 'mint/releases/',
      servers: true,
    });
    expect(config.bucketName).toBe('pipelines-artifacts-lower');
    expect(config.dns).toEqual({
      zoneName: 'lower.pipelines.example.com',
      hostedZoneId: undefined,
    });
    expect(config.github).toEqual({
      owner: 'example',
      repo: 'pipelines',
      oidc: { form: 'immutable', ownerId: 1000001, repositoryId: 2000002 },
    });
    expect(config.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(config.account).toBeUndefined();
    expect(config.servers.separateDatabases).toBe(false);
    expect(config.servers.rollout).toEqual({
      environment: 'mint',
      releasePrefix: 'mint/releases/',
    });
    expect(config.servers.deployDocument).toBe('pipelines-deploy');
  });

  it('gives the upper tier staging and prod, prod with approval, on the project domain', () => {
    const config = configFor({ tier: 'upper' });
    expect(config.environments.map((e) => [e.name, e.approval])).toEqual([
      ['staging', false],
      ['prod', true],
    ]);
    expect(config.bucketName).toBe('pipelines-artifacts-upper');
    expect(config.dns.zoneName).toBe('pipelines.example.com');
    expect(config.servers.rollout?.environment).toBe('prod');
  });

  it('provisions named members of a family like fixed environments', () => {
    const config = configFor({ tier: 'lower', familyEnvironments: 'int-alice, int-bob' });
    expect(config.environments.map((e) => e.name)).toEqual([
      'mint',
      'amy',
      'pat',
      'qa',
      'int-alice',
      'int-bob',
    ]);
    expect(config.environments.at(-1)?.functionName).toBe('int-bob-KatanaLambda');
  });

  it('takes the account, region, zones, hosted zone and database split from the context', () => {
    const config = configFor({
      tier: 'upper',
      account: '123456789012',
      region: 'eu-west-1',
      availabilityZones: 'eu-west-1b,eu-west-1c',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      hostedZoneName: 'example.org',
      separateDatabases: 'true',
      logRetentionDays: '90',
    });
    expect(config).toMatchObject({
      account: '123456789012',
      region: 'eu-west-1',
      availabilityZones: ['eu-west-1b', 'eu-west-1c'],
      dns: { zoneName: 'example.org', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      servers: { separateDatabases: true },
      logRetentionDays: 90,
    });
  });
});

describe('tierConfig refuses bad settings, naming the setting and the fix', () => {
  it.each<[string, TierOptions, RegExp]>([
    ['no tier', { tier: undefined }, /^Context "tier" is not set\. Pass -c tier=lower\|upper\.$/],
    [
      'an unknown tier',
      { tier: 'middle' },
      /"tier" is "middle", which environments.yml does not define/,
    ],
    [
      'a short account id',
      { tier: 'lower', account: '1234' },
      /"account" is "1234". Pass the 12-digit/,
    ],
    ['a bad region', { tier: 'lower', region: 'mars' }, /"region" is "mars"/],
    [
      'one availability zone',
      { tier: 'lower', availabilityZones: 'us-east-1a' },
      /"availabilityZones"/,
    ],
    [
      'zones of another region',
      { tier: 'lower', availabilityZones: 'eu-west-1a,eu-west-1b' },
      /"availabilityZones"/,
    ],
    [
      'an unsupported log retention',
      { tier: 'lower', logRetentionDays: '10' },
      /"logRetentionDays" is "10". Pass one of 1, 3/,
    ],
    [
      'a non-boolean database split',
      { tier: 'lower', separateDatabases: 'yes' },
      /-c separateDatabases=true or/,
    ],
    [
      'a hosted zone id that is not one',
      { tier: 'lower', hostedZoneId: 'pipelines.example.com' },
      /"hostedZoneId"/,
    ],
    [
      'a family member of no family',
      { tier: 'lower', familyEnvironments: 'alice' },
      /"familyEnvironments" names "alice", which matches no environment family of tier lower/,
    ],
    [
      'a family member of the other tier',
      { tier: 'upper', familyEnvironments: 'int-alice' },
      /matches no environment family of tier upper/,
    ],
    [
      'a family member twice',
      { tier: 'lower', familyEnvironments: 'int-a,int-a' },
      /repeats "int-a"/,
    ],
  ])('%s', (_name, options, message) => {
    expect(() => configFor(options)).toThrow(ConfigError);
    expect(() => configFor(options)).toThrow(message);
  });

  it('a package key without a per-environment folder, since roles are limited to that folder', () => {
    const flat = {
      ...model,
      names: { ...model.names, artifactKey: '{environment}-katana-lambda.zip' },
    };
    expect(() => configFor({ tier: 'lower' }, flat)).toThrow(
      /"names.artifact-key" gives "mint-katana-lambda.zip"/,
    );
  });

  it('an environment name too long for the role name it becomes', () => {
    const long = `int-${'a'.repeat(40)}`;
    expect(() => configFor({ tier: 'lower', familyEnvironments: long })).toThrow(
      new RegExp(`environment named "${long}"`),
    );
  });

  it('a GitHub repository that is not owner/repo', () => {
    const bad = { ...model, project: { ...model.project, github: 'pipelines' } };
    expect(() => configFor({ tier: 'lower' }, bad)).toThrow(
      /^environments\.yml "project.github" is "pipelines"/,
    );
  });

  it('immutable OIDC subjects without the GitHub ids, naming project.github-ids and the command that prints them', () => {
    const noIds = { ...model, project: { ...model.project, githubIds: undefined } };
    expect(() => configFor({ tier: 'upper' }, noIds)).toThrow(
      /^environments\.yml "project\.github-ids" is missing, and project\.oidc-subject is immutable .*Run `pnpm bootstrap-github --dry-run`, which prints both ids, and set them in environments\.yml/,
    );
  });
});

describe('the OIDC subject form', () => {
  it('is the legacy one, with no ids needed, when environments.yml says oidc-subject: legacy', () => {
    const legacy = {
      ...model,
      project: { ...model.project, oidcSubject: 'legacy' as const, githubIds: undefined },
    };
    expect(configFor({ tier: 'upper' }, legacy).github).toEqual({
      owner: 'example',
      repo: 'pipelines',
      oidc: { form: 'legacy' },
    });
  });
});

describe('output keys', () => {
  it.each([
    ['mint', 'DeployRoleArnMint'],
    ['int-alice', 'DeployRoleArnIntAlice'],
    ['prod', 'DeployRoleArnProd'],
  ])('%s -> %s', (environment, key) => {
    expect(outputIds.role(environment)).toBe(key);
    expect(pascalCase(environment)).toBe(key.replace('DeployRoleArn', ''));
  });
});
