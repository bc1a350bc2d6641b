/**
 * What the server rollout and the databases rely on in the Network stack's template: the deploy
 * document, the tags the rollout targets and IAM conditions on, and data that survives (its own
 * volume, kept as a snapshot, backed up daily; its server never replaced, never terminated).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_RETENTION_DAYS } from '../lib/stacks/network-stack';
import { SERVICES_DIR, flatten, synthTier, type SynthesizedTier } from './helpers';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

let joined: SynthesizedTier;
let split: SynthesizedTier;
beforeAll(() => {
  joined = synthTier({ tier: 'lower' });
  split = synthTier({ tier: 'upper', separateDatabases: 'true' });
});

const resourcesOf = (tier: SynthesizedTier, type: string) =>
  Object.entries(tier.templates.network.findResources(type)) as [string, Resource][];

/** Each instance's tags, by its pipelines:service tag. */
function instancesByService(tier: SynthesizedTier): Map<string, [string, Resource]> {
  const byService = new Map<string, [string, Resource]>();
  for (const [id, instance] of resourcesOf(tier, 'AWS::EC2::Instance')) {
    const tags = instance.Properties.Tags as { Key: string; Value: string }[];
    const service = tags.find((t) => t.Key === 'pipelines:service')?.Value ?? '?';
    byService.set(service, [id, instance]);
  }
  return byService;
}

describe('the deploy document', () => {
  it('is services/lib/deploy-document.json as a Command document, named names.deploy-document', () => {
    const content: unknown = JSON.parse(
      readFileSync(join(SERVICES_DIR, 'lib', 'deploy-document.json'), 'utf8'),
    );
    joined.templates.network.hasResourceProperties('AWS::SSM::Document', {
      Name: 'pipelines-deploy',
      DocumentType: 'Command',
      Content: content,
      UpdateMethod: 'NewVersion',
    });
  });
});

describe('the tags the rollout targets', () => {
  it.each([
    ['lower', () => joined, 'mint', ['blog', 'fulcrum', 'proxy', 'rocketchat']],
    [
      'upper, databases apart',
      () => split,
      'prod',
      ['blog', 'fulcrum', 'fulcrum-db', 'proxy', 'rocketchat'],
    ],
  ])(
    'tags every server of the %s tier with its service and the servers environment',
    (_tier, tier, environment, services) => {
      const byService = instancesByService(tier());
      expect([...byService.keys()].sort()).toEqual(services);
      for (const [service, [, instance]] of byService) {
        expect({ service, tags: instance.Properties.Tags }).toEqual({
          service,
          tags: expect.arrayContaining([{ Key: 'pipelines:environment', Value: environment }]),
        });
      }
    },
  );
});

describe('data that survives', () => {
  it.each([
    ['on the app servers when the databases share them', () => joined, ['fulcrum', 'rocketchat']],
    [
      "on Fulcrum's database server when it has its own (MongoDB stays with Rocket.Chat)",
      () => split,
      ['fulcrum-db', 'rocketchat'],
    ],
  ])('keeps each database on a volume of its own %s', (_case, tier, holders) => {
    const volumes = resourcesOf(tier(), 'AWS::EC2::Volume');
    expect(volumes).toHaveLength(holders.length);
    for (const [, volume] of volumes) {
      expect(volume.Properties).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
      // Deleting the stack or the server leaves a final snapshot.
      expect(volume.DeletionPolicy).toBe('Snapshot');
      expect(volume.Properties.Tags).toEqual(
        expect.arrayContaining([{ Key: 'pipelines:backup', Value: 'daily' }]),
      );
    }
    const attachments = resourcesOf(tier(), 'AWS::EC2::VolumeAttachment');
    const byService = instancesByService(tier());
    const attachedTo = attachments.map(([, a]) => flatten(a.Properties.InstanceId));
    expect(attachedTo.sort()).toEqual(
      holders.map((service) => `<${byService.get(service)?.[0] ?? '?'}>`).sort(),
    );
  });

  it.each([
    ['fulcrum', '/var/lib/fulcrum'],
    ['rocketchat', '/var/lib/docker'],
  ])('mounts %s’s volume at its data path before the service installs', (service, path) => {
    const [, instance] = instancesByService(joined).get(service) ?? [];
    const script = flatten(
      (instance?.Properties.UserData as { 'Fn::Base64': unknown })['Fn::Base64'],
    );
    const mount = script.indexOf(`mountpoint -q ${path} || mount ${path}`);
    expect(mount).toBeGreaterThan(0);
    expect(script.indexOf('/install.sh')).toBeGreaterThan(mount);
    // Formats only a volume without a file system: data is never formatted away.
    expect(script).toContain('blkid -o value -s TYPE "$dev" >/dev/null || mkfs.ext4');
  });

  it.each([
    ['lower', () => joined, ['fulcrum', 'rocketchat']],
    ['upper, databases apart', () => split, ['fulcrum-db', 'rocketchat']],
  ])(
    'never replaces nor terminates a server that holds a database (%s)',
    (_tier, tier, holders) => {
      for (const [service, [id, instance]] of instancesByService(tier())) {
        const holds = holders.includes(service);
        expect({ service, protection: instance.Properties.DisableApiTermination }).toEqual({
          service,
          protection: holds,
        });
        // A change of user data replaces an instance through the hash of the user data that CDK
        // appends to its logical id (userDataCausesReplacement); a holder's id has none.
        const server = tier().stacks.network.servers.get(service);
        expect({ service, userDataHash: /Instance[0-9A-F]{8}[0-9a-f]{16}$/.test(id) }).toEqual({
          service,
          userDataHash: !holds,
        });
        expect({ service, dataVolume: server?.dataVolume !== undefined }).toEqual({
          service,
          dataVolume: holds,
        });
      }
    },
  );

  it('backs the data volumes up daily, by their tag, and keeps each backup two weeks', () => {
    const network = joined.templates.network;
    network.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 3 * * ? *)',
            Lifecycle: { DeleteAfterDays: BACKUP_RETENTION_DAYS },
          }),
        ],
      },
    });
    network.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        ListOfTags: [
          {
            ConditionType: 'STRINGEQUALS',
            ConditionKey: 'pipelines:backup',
            ConditionValue: 'daily',
          },
        ],
      }),
    });
  });
});

describe('settings, never in user data', () => {
  const userDataOf = (tier: SynthesizedTier, service: string) => {
    const [, instance] = instancesByService(tier).get(service) ?? [];
    return flatten((instance?.Properties.UserData as { 'Fn::Base64': unknown })['Fn::Base64']);
  };

  it("keeps Fulcrum's and Rocket.Chat's plain settings in Parameter Store under /<project>/<tier>/<service>/", () => {
    const parameters = resourcesOf(joined, 'AWS::SSM::Parameter').map(([, p]) => [
      p.Properties.Name,
      p.Properties.Value,
    ]);
    expect(parameters.sort()).toEqual([
      ['/pipelines/lower/fulcrum/app-host', 'pm.lower.pipelines.example.com'],
      ['/pipelines/lower/fulcrum/disable-registration', 'true'],
      ['/pipelines/lower/fulcrum/mailer-sender', 'noreply@lower.pipelines.example.com'],
      ['/pipelines/lower/rocketchat/root-url', 'https://chat.lower.pipelines.example.com'],
    ]);
  });

  it('has AWS generate the secrets, so no template holds a value', () => {
    const secrets = resourcesOf(joined, 'AWS::SecretsManager::Secret');
    expect(secrets.map(([, s]) => s.Properties.Name).sort()).toEqual([
      'pipelines/lower/fulcrum/postgres-password',
      'pipelines/lower/fulcrum/secret-key-base',
      'pipelines/lower/fulcrum/secret-token',
    ]);
    for (const [, secret] of secrets) {
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toMatchObject({ ExcludePunctuation: true });
    }
  });

  it.each([
    ['lower', () => joined],
    ['upper, databases apart', () => split],
  ])(
    'gives the servers of the %s tier where to read their settings, and no value',
    (_tier, tier) => {
      const secretIds = resourcesOf(tier(), 'AWS::SecretsManager::Secret').map(([id]) => id);
      for (const service of instancesByService(tier()).keys()) {
        const script = userDataOf(tier(), service);
        expect({ service, resolves: /\{\{resolve:/.test(script) }).toEqual({
          service,
          resolves: false,
        });
        for (const id of secretIds) expect(script).not.toContain(`<${id}`);
        expect(script).not.toMatch(/(PASSWORD|SECRET_TOKEN|SECRET_KEY_BASE)=/);
        const own = service.replace(/-db$/, '');
        if (own === 'fulcrum' || own === 'rocketchat') {
          const tierName = tier().config.tier;
          expect(script).toContain(`PIPELINES_SETTINGS=/pipelines/${tierName}/${own}'`);
        } else {
          expect(script).not.toContain('PIPELINES_SETTINGS');
        }
      }
    },
  );

  it("lets each server read its own service's settings and no other's", () => {
    const network = split.stacks.network;
    const policies = Object.values(split.templates.network.findResources('AWS::IAM::Policy')) as {
      Properties: {
        Roles: unknown;
        PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] };
      };
    }[];
    for (const [name, server] of network.servers) {
      const roleId = network.getLogicalId(server.role.node.defaultChild as never);
      const reads = policies
        .filter((p) => flatten(p.Properties.Roles) === `<${roleId}>`)
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s) =>
          [s.Action].flat().some((a) => /^(ssm:GetParameter|secretsmanager:)/.test(String(a))),
        )
        .flatMap((s) => [s.Resource].flat().map(flatten));
      const own = name.replace(/-db$/, '');
      const parameters = reads.filter((r) => r.includes(':parameter/'));
      const secrets = reads.filter((r) => !r.includes(':parameter/'));
      if (own === 'fulcrum' || own === 'rocketchat') {
        expect({ name, parameters }).toEqual({
          name,
          parameters: [
            `arn:<AWS::Partition>:ssm:us-east-1:<AWS::AccountId>:parameter/pipelines/upper/${own}/*`,
          ],
        });
      } else {
        expect({ name, parameters }).toEqual({ name, parameters: [] });
      }
      const ownSecrets = (network.settings.get(own)?.secrets ?? []).map(
        (s) => `<${network.getLogicalId(s.node.defaultChild as never)}>`,
      );
      expect({ name, secrets: secrets.sort() }).toEqual({ name, secrets: ownSecrets.sort() });
    }
  });
});
