/**
 * Assertions on the synthesized templates of both tiers. Synthesis is the slow part (seconds per
 * tier on two cores), so each tier is synthesized once here and shared by every test.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asArray, flatten, synthTier, type SynthesizedTier } from './helpers';
import { outputIds } from '../lib/outputs';
import type { TierConfig } from '../lib/config';

/** Every GitHub environment with a role: each environment, and `<env>-candidate` of approval ones. */
const githubEnvironments = (config: TierConfig): string[] =>
  config.environments.flatMap((e) => (e.approval ? [e.name, `${e.name}-candidate`] : [e.name]));

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; Metadata?: unknown }
>;
const resourcesOf = (template: Template, type: string): Resources =>
  template.findResources(type) as Resources;

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const tiers: Record<'lower' | 'upper', SynthesizedTier> = {} as Record<
  'lower' | 'upper',
  SynthesizedTier
>;
beforeAll(() => {
  tiers.lower = synthTier({ tier: 'lower' });
  tiers.upper = synthTier({
    tier: 'upper',
    account: '123456789012',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  });
});

describe.each(['lower', 'upper'] as const)('the %s tier', (tierName) => {
  const tier = () => tiers[tierName];
  const account = tierName === 'upper' ? '123456789012' : '<AWS::AccountId>';

  describe('artifact bucket', () => {
    it('is the tier bucket of environments.yml, versioned, encrypted, private and logged', () => {
      const { config, templates } = tier();
      templates.artifacts.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: config.bucketName,
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: {
          DestinationBucketName: Match.anyValue(),
          LogFilePrefix: 'packages/',
        },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Status: 'Enabled',
              NoncurrentVersionExpiration: Match.objectLike({ NoncurrentDays: 90 }),
            }),
          ]),
        },
      });
    });

    it('refuses every request that is not over TLS, on both buckets', () => {
      const policies = resourcesOf(tier().templates.artifacts, 'AWS::S3::BucketPolicy');
      const tlsDenials = Object.values(policies).filter((policy) =>
        asArray((policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement).some(
          (s) =>
            s.Effect === 'Deny' &&
            s.Action === 's3:*' &&
            JSON.stringify(s.Condition) ===
              JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
      );
      expect(tlsDenials).toHaveLength(2);
    });

    it('keeps the bucket and its versions when the stack is deleted', () => {
      const { config, templates } = tier();
      const [bucket] = Object.values(
        templates.artifacts.findResources('AWS::S3::Bucket', {
          Properties: { BucketName: config.bucketName },
        }),
      ) as { DeletionPolicy?: string }[];
      expect(bucket?.DeletionPolicy).toBe('Retain');
    });
  });

  describe('registry', () => {
    it('has one repository per image of environments.yml, with immutable tags, scan on push and an untagged-image lifecycle', () => {
      const { config, templates } = tier();
      templates.registry.resourceCountIs('AWS::ECR::Repository', config.imageRepositories.length);
      for (const name of config.imageRepositories) {
        templates.registry.hasResourceProperties('AWS::ECR::Repository', {
          RepositoryName: name,
          ImageTagMutability: 'IMMUTABLE',
          ImageScanningConfiguration: { ScanOnPush: true },
          LifecyclePolicy: {
            LifecyclePolicyText: Match.stringLikeRegexp('"tagStatus":"untagged"'),
          },
        });
      }
    });
  });

  describe('functions', () => {
    it('creates <env>-KatanaLambda for every environment of the tier and none of the other tier', () => {
      const { config, templates } = tier();
      const names = Object.values(resourcesOf(templates.functions, 'AWS::Lambda::Function'))
        .map((fn) => fn.Properties.FunctionName)
        .sort();
      expect(names).toEqual(config.environments.map((e) => `${e.name}-KatanaLambda`).sort());
      const expected = tierName === 'lower' ? ['amy', 'mint', 'pat', 'qa'] : ['prod', 'staging'];
      expect(config.environments.map((e) => e.name).sort()).toEqual(expected);
    });

    it('gives every function a log group with bounded retention', () => {
      const { config, templates } = tier();
      for (const env of config.environments) {
        templates.functions.hasResourceProperties('AWS::Logs::LogGroup', {
          LogGroupName: `/aws/lambda/${env.functionName}`,
          RetentionInDays: 30,
        });
      }
      const groups = Object.values(resourcesOf(templates.functions, 'AWS::Logs::LogGroup'));
      expect(groups.every((g) => typeof g.Properties.RetentionInDays === 'number')).toBe(true);
    });
  });

  describe('network and servers', () => {
    it('opens nothing to the internet but ports 80 and 443 of the proxy', () => {
      const { templates, stacks } = tier();
      const proxyId = stacks.network.getLogicalId(
        stacks.network.proxySecurityGroup.node.defaultChild as never,
      );
      const publicRules: { group: string; from: unknown; to: unknown }[] = [];
      for (const [id, group] of Object.entries(
        resourcesOf(templates.network, 'AWS::EC2::SecurityGroup'),
      )) {
        for (const rule of asArray(
          group.Properties.SecurityGroupIngress as Record<string, unknown>[],
        )) {
          if (rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined) {
            publicRules.push({ group: id, from: rule.FromPort, to: rule.ToPort });
          }
        }
      }
      for (const rule of Object.values(
        resourcesOf(templates.network, 'AWS::EC2::SecurityGroupIngress'),
      )) {
        if (rule.Properties.CidrIp !== undefined || rule.Properties.CidrIpv6 !== undefined) {
          publicRules.push({
            group: flatten(rule.Properties.GroupId),
            from: rule.Properties.FromPort,
            to: rule.Properties.ToPort,
          });
        }
      }
      expect(publicRules).toEqual([
        { group: proxyId, from: 80, to: 80 },
        { group: proxyId, from: 443, to: 443 },
      ]);
    });

    it('lets only the proxy reach the app servers, and only on port 3000', () => {
      const { templates, stacks } = tier();
      const proxyGroup = `<${stacks.network.getLogicalId(stacks.network.proxySecurityGroup.node.defaultChild as never)}.GroupId>`;
      const ingress = Object.values(
        resourcesOf(templates.network, 'AWS::EC2::SecurityGroupIngress'),
      ).map((r) => ({
        to: flatten(r.Properties.GroupId),
        from: flatten(r.Properties.SourceSecurityGroupId),
        ports: [r.Properties.FromPort, r.Properties.ToPort],
      }));
      const appGroups = ['blog', 'fulcrum', 'rocketchat'].map((name) => {
        const group = stacks.network.securityGroups.get(name);
        if (!group) throw new Error(`no security group for ${name}`);
        return `<${stacks.network.getLogicalId(group.node.defaultChild as never)}.GroupId>`;
      });
      expect(ingress.map((r) => r.to).sort()).toEqual([...appGroups].sort());
      expect(
        ingress.every((r) => r.from === proxyGroup && r.ports[0] === 3000 && r.ports[1] === 3000),
      ).toBe(true);
    });

    it('has no SSH: no key pairs and no rule covering port 22', () => {
      const { templates } = tier();
      const instances = Object.values(resourcesOf(templates.network, 'AWS::EC2::Instance'));
      expect(instances).toHaveLength(4);
      expect(instances.filter((i) => 'KeyName' in i.Properties)).toEqual([]);
      const rules = [
        ...Object.values(resourcesOf(templates.network, 'AWS::EC2::SecurityGroup')).flatMap((g) =>
          asArray(g.Properties.SecurityGroupIngress as Record<string, number>[]),
        ),
        ...Object.values(resourcesOf(templates.network, 'AWS::EC2::SecurityGroupIngress')).map(
          (r) => r.Properties as Record<string, number>,
        ),
      ];
      expect(rules.filter((r) => (r.FromPort ?? 0) <= 22 && 22 <= (r.ToPort ?? 65535))).toEqual([]);
    });

    it('manages every server through SSM with IMDSv2 and encrypted disks', () => {
      const { templates } = tier();
      templates.network.resourceCountIs('AWS::EC2::LaunchTemplate', 4);
      for (const template of Object.values(
        resourcesOf(templates.network, 'AWS::EC2::LaunchTemplate'),
      )) {
        expect(template.Properties).toMatchObject({
          LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
        });
      }
      for (const instance of Object.values(resourcesOf(templates.network, 'AWS::EC2::Instance'))) {
        expect(instance.Properties.BlockDeviceMappings).toEqual([
          expect.objectContaining({ Ebs: expect.objectContaining({ Encrypted: true }) }),
        ]);
      }
      const roles = Object.values(resourcesOf(templates.network, 'AWS::IAM::Role')).filter((r) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('ec2.amazonaws.com'),
      );
      expect(roles).toHaveLength(4);
      for (const role of roles) {
        expect(flatten(role.Properties.ManagedPolicyArns)).toContain(
          'AmazonSSMManagedInstanceCore',
        );
      }
    });

    it('puts only the proxy in a public subnet, and gives it the Elastic IP', () => {
      const { templates } = tier();
      const publicSubnets = Object.entries(resourcesOf(templates.network, 'AWS::EC2::Subnet'))
        .filter(([, s]) => s.Properties.MapPublicIpOnLaunch === true)
        .map(([id]) => `<${id}>`);
      const inPublic = Object.entries(resourcesOf(templates.network, 'AWS::EC2::Instance'))
        .filter(([, i]) => publicSubnets.includes(flatten(i.Properties.SubnetId)))
        .map(([id]) => id);
      expect(inPublic).toEqual([expect.stringMatching(/^proxyServer/)]);
      templates.network.hasResourceProperties('AWS::EC2::EIP', {
        InstanceId: { Ref: inPublic[0] },
      });
    });

    it('installs each service from its own folder, and tells the proxy where its upstreams are', () => {
      const { templates } = tier();
      const userData = Object.entries(resourcesOf(templates.network, 'AWS::EC2::Instance')).map(
        ([id, i]) => [
          id,
          flatten((i.Properties.UserData as Record<string, unknown>)['Fn::Base64']),
        ],
      );
      for (const [id, script] of userData) {
        const service = /^(proxy|blog|fulcrum|rocketchat)Server/.exec(id ?? '')?.[1];
        expect(service).toBeDefined();
        expect(script).toContain(
          `unzip -q -o /tmp/pipelines-${service}.zip -d /opt/pipelines/${service}`,
        );
        expect(script).toContain(`/opt/pipelines/${service}/systemd/*.service`);
      }
      const proxy = userData.find(([id]) => id?.startsWith('proxyServer'))?.[1] ?? '';
      for (const host of ['PM', 'CHAT', 'BLOG']) {
        expect(proxy).toMatch(new RegExp(`${host}_UPSTREAM=<[A-Za-z0-9]+\\.PrivateIp>:3000`));
      }
    });
  });

  describe('GitHub OIDC', () => {
    it("trusts GitHub's token issuer for the sts.amazonaws.com audience", () => {
      tier().templates.github.hasResourceProperties('AWS::IAM::OIDCProvider', {
        Url: 'https://token.actions.githubusercontent.com',
        ClientIdList: ['sts.amazonaws.com'],
      });
    });

    it("has exactly one role per environment (and per approval environment's candidate), each trusted only by that GitHub environment", () => {
      const { config, templates } = tier();
      const roles = Object.values(resourcesOf(templates.github, 'AWS::IAM::Role'));
      expect(roles).toHaveLength(githubEnvironments(config).length);
      const subjects = roles.map((role) => {
        const [statement, ...others] = (
          role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }
        ).Statement;
        expect(others).toEqual([]);
        expect(statement?.Action).toBe('sts:AssumeRoleWithWebIdentity');
        // Exact match only: a StringLike (wildcard) subject would let other refs assume the role.
        expect(Object.keys(statement?.Condition ?? {})).toEqual(['StringEquals']);
        const equals = statement?.Condition?.StringEquals ?? {};
        expect(equals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
        return equals['token.actions.githubusercontent.com:sub'];
      });
      expect(subjects.sort()).toEqual(
        githubEnvironments(config)
          .map((name) => `repo:example@1000001/pipelines@2000002:environment:${name}`)
          .sort(),
      );
    });

    it("lets each role touch only its own environment's package folder and function", () => {
      const { config, templates, stacks } = tier();
      const policies = resourcesOf(templates.github, 'AWS::IAM::Policy');
      // The candidates' upload-only policies are asserted in candidate-roles.test.ts.
      expect(Object.keys(policies)).toHaveLength(githubEnvironments(config).length);
      for (const env of config.environments) {
        const roleId = stacks.github.getLogicalId(
          stacks.github.roles.get(env.name)?.node.defaultChild as never,
        );
        const attached = Object.values(policies).filter(
          (p) => flatten(p.Properties.Roles) === `<${roleId}>`,
        );
        expect(attached).toHaveLength(1);
        const statements = (attached[0]?.Properties.PolicyDocument as { Statement: Statement[] })
          .Statement;
        const bucket = `arn:<AWS::Partition>:s3:::${config.bucketName}`;
        const fn = `arn:<AWS::Partition>:lambda:us-east-1:${account}:function:${env.name}-KatanaLambda`;
        const byResource = statements.flatMap((s) =>
          asArray(s.Resource as unknown[]).map((r) => ({
            resource: flatten(r),
            actions: asArray(s.Action),
            s,
          })),
        );
        for (const { resource, actions, s } of byResource) {
          expect(s.Effect).toBe('Allow');
          if (resource === '*') {
            expect([
              ['ecr:GetAuthorizationToken'],
              ...(env.servers
                ? [['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands']]
                : []),
            ]).toContainEqual([...actions].sort());
          } else if (env.servers && resource.includes(':ssm:')) {
            expect(resource).toBe(
              `arn:<AWS::Partition>:ssm:us-east-1:${account}:document/pipelines-deploy`,
            );
            expect(actions).toEqual(['ssm:SendCommand']);
          } else if (env.servers && resource.includes(':ec2:')) {
            expect(resource).toBe(`arn:<AWS::Partition>:ec2:us-east-1:${account}:instance/*`);
            expect(actions).toEqual(['ssm:SendCommand']);
            expect(s.Condition).toEqual({
              StringEquals: { 'ssm:resourceTag/pipelines:environment': env.name },
            });
          } else if (resource.startsWith(`${bucket}/`)) {
            expect(resource).toBe(`${bucket}/${env.name}/*`);
          } else if (resource === bucket) {
            if (actions.includes('s3:ListBucket')) {
              expect(s.Condition).toEqual({
                StringLike: { 's3:prefix': [`${env.name}/`, `${env.name}/*`] },
              });
            } else {
              expect(actions).toEqual(['s3:GetBucketVersioning', 's3:ListBucketMultipartUploads']);
            }
          } else if (resource.includes(':lambda:')) {
            expect([fn, `${fn}:*`]).toContain(resource);
          } else if (resource.includes(':ecr:')) {
            expect(
              config.imageRepositories.map(
                (r) => `arn:<AWS::Partition>:ecr:us-east-1:${account}:repository/${r}`,
              ),
            ).toContain(resource);
          } else {
            throw new Error(`${env.name}'s role names an unexpected resource: ${resource}`);
          }
          for (const other of config.environments.filter((o) => o.name !== env.name)) {
            expect(resource).not.toContain(`/${other.name}/`);
            expect(resource).not.toContain(`function:${other.name}-`);
          }
        }
        const actions = byResource.flatMap((r) => r.actions);
        // What the actions send (their IAM-strict tests prove each grant is needed). An approval
        // environment's uploads run as its candidate role: its own role only reads the approved
        // package version, which Lambda fetches with the deploying role's credentials.
        const upload = [
          's3:PutObject',
          's3:PutObjectTagging',
          's3:GetObjectVersion',
          's3:AbortMultipartUpload',
          's3:GetBucketVersioning',
          's3:ListBucketMultipartUploads',
        ];
        const deploy = [
          's3:GetObjectVersion',
          'lambda:UpdateFunctionCode',
          'lambda:GetFunctionConfiguration',
          'lambda:PublishVersion',
          'lambda:UpdateAlias',
          'ecr:DescribeRepositories',
          'ecr:PutImage',
          'ecr:GetAuthorizationToken',
        ];
        for (const needed of env.approval ? deploy : [...upload, ...deploy]) {
          expect(actions).toContain(needed);
        }
        if (env.approval) {
          expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObjectVersion']);
        }
      }
    });

    it("gives SendCommand to the servers environment's role only", () => {
      const { config, templates } = tier();
      const policies = Object.values(templates.github.findResources('AWS::IAM::Policy')) as {
        Properties: { PolicyName: unknown; PolicyDocument: { Statement: Statement[] } };
      }[];
      const sending = policies
        .filter((p) =>
          p.Properties.PolicyDocument.Statement.some((s) =>
            asArray(s.Action).some((a) => a.startsWith('ssm:')),
          ),
        )
        .map((p) => flatten(p.Properties.PolicyName));
      const owner = config.servers.rollout?.environment ?? '';
      expect(sending).toEqual([expect.stringContaining(`DeployPolicy${owner}`)]);
    });

    it('outputs what the GitHub bootstrap sets: a role ARN per environment, the bucket, the region and the registry', () => {
      const { config, templates } = tier();
      const outputs = templates.github.findOutputs('*');
      expect(Object.keys(outputs).sort()).toEqual(
        [
          ...githubEnvironments(config).map((name) => outputIds.role(name)),
          'ArtifactBucket',
          'Region',
          'Registry',
        ].sort(),
      );
      expect(outputs.ArtifactBucket?.Value).toBe(config.bucketName);
      expect(outputs.Region?.Value).toBe('us-east-1');
      expect(flatten(outputs.Registry?.Value)).toBe(
        `${account}.dkr.ecr.us-east-1.<AWS::URLSuffix>`,
      );
    });
  });

  describe('DNS', () => {
    it("points pm., chat. and blog. at the proxy's Elastic IP", () => {
      const { config, templates } = tier();
      const records = Object.values(resourcesOf(templates.dns, 'AWS::Route53::RecordSet'));
      expect(records.map((r) => r.Properties.Name).sort()).toEqual(
        ['blog', 'chat', 'pm'].map((h) => `${h}.${config.dns.zoneName}.`),
      );
      for (const record of records) {
        expect(record.Properties.Type).toBe('A');
        expect(flatten(record.Properties.ResourceRecords)).toMatch(/ImportValue|ProxyAddress/);
      }
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no error and no warning on any stack', () => {
      for (const [key, messages] of Object.entries(tier().messages)) {
        const findings = messages
          .filter(
            (m) =>
              (m.level === 'error' || m.level === 'warning') &&
              /AwsSolutions-/.test(String(m.entry.data)),
          )
          .map((m) => `${key} ${m.id}: ${String(m.entry.data).split(':')[0]}`);
        expect(findings).toEqual([]);
      }
    });

    it('checked every stack, and nothing in the reports is non-compliant', () => {
      const { stacks, outdir } = tier();
      const checked: Record<string, number> = {};
      for (const [key, stack] of Object.entries(stacks)) {
        const report = readFileSync(
          join(outdir, `AwsSolutions--${stack.artifactId}-NagReport.csv`),
          'utf8',
        );
        const compliance = report
          .trim()
          .split('\n')
          .slice(1)
          .map((row) => row.split('","')[2]);
        expect(compliance.filter((c) => c !== 'Compliant' && c !== 'Suppressed')).toEqual([]);
        checked[key] = compliance.length;
      }
      // The stacks with rules to check were checked (DNS records and ECR have no AwsSolutions rules).
      for (const key of ['network', 'artifacts', 'functions', 'github']) {
        expect(checked[key]).toBeGreaterThan(0);
      }
    });

    it('gives a reason for every suppression', () => {
      const suppressions = Object.values(tier().templates).flatMap((template) =>
        Object.values(template.toJSON().Resources as Resources).flatMap(
          (r) =>
            (
              r.Metadata as
                { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } | undefined
            )?.cdk_nag?.rules_to_suppress ?? [],
        ),
      );
      expect(suppressions.length).toBeGreaterThan(0);
      for (const s of suppressions) {
        expect(s.reason.length).toBeGreaterThan(40);
      }
      expect([...new Set(suppressions.map((s) => s.id))].sort()).toEqual([
        'AwsSolutions-EC23',
        'AwsSolutions-EC29',
        'AwsSolutions-IAM4',
        'AwsSolutions-IAM5',
        'AwsSolutions-SMG4',
      ]);
    });
  });
});

describe('the two tiers', () => {
  it('have different buckets and disjoint environments', () => {
    expect(tiers.lower.config.bucketName).not.toBe(tiers.upper.config.bucketName);
    const lower = tiers.lower.config.environments.map((e) => e.name);
    expect(tiers.upper.config.environments.filter((e) => lower.includes(e.name))).toEqual([]);
  });

  it('use the given hosted zone instead of creating one', () => {
    tiers.upper.templates.dns.resourceCountIs('AWS::Route53::HostedZone', 0);
    tiers.upper.templates.dns.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      Name: 'pm.pipelines.example.com.',
    });
    tiers.lower.templates.dns.hasResourceProperties('AWS::Route53::HostedZone', {
      Name: 'lower.pipelines.example.com.',
    });
  });
});

describe('the cdk-nag check itself', () => {
  it('reports an error through Annotations for a bucket that breaks the rules', () => {
    // The negative control: the same checks on a careless bucket must fail, or a clean report
    // above would prove nothing.
    const app = new App();
    const stack = new Stack(app, 'Careless');
    new s3.Bucket(stack, 'Open');
    Aspects.of(app).add(new AwsSolutionsChecks());
    const errors = Annotations.fromStack(stack).findError(
      '*',
      Match.stringLikeRegexp('AwsSolutions-S10'),
    );
    expect(errors).toHaveLength(1);
  });
});
