/**
 * Each server's instance role reads its own service's bundle and nothing else of the asset
 * bucket: the bucket holds every service's bundle (and every Lambda package CDK ships), so a
 * server taken over must not be able to read the others' code or anything else stored there.
 * For the rollout (deploy.sh), it reads the rollout environment's release versions and pulls the
 * tier's images, nothing more.
 */
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { asArray, flatten, synthTier, type SynthesizedTier } from './helpers';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
type Resource = { Properties: Record<string, unknown> };

let lower: SynthesizedTier;
beforeAll(() => {
  lower = synthTier({ tier: 'lower' });
});

/** Every statement of every inline policy attached to the role, resources flattened. */
function statementsOf(roleId: string): { actions: string[]; resources: string[] }[] {
  const policies = lower.templates.network.findResources('AWS::IAM::Policy') as Record<
    string,
    Resource
  >;
  return Object.values(policies)
    .filter((policy) =>
      asArray(policy.Properties.Roles).some((role) => flatten(role) === `<${roleId}>`),
    )
    .flatMap((policy) => {
      const document = policy.Properties.PolicyDocument as { Statement: Statement[] };
      return document.Statement.map((statement) => ({
        actions: asArray(statement.Action),
        resources: asArray(statement.Resource).map(flatten),
      }));
    });
}

describe('instance roles', () => {
  it('each server’s role may read only its own bundle object, never the whole asset bucket', () => {
    const network = lower.stacks.network;
    expect([...network.servers.keys()].sort()).toEqual(
      expect.arrayContaining(['blog', 'fulcrum', 'proxy', 'rocketchat']),
    );
    for (const [name, server] of network.servers) {
      const roleId = network.getLogicalId(server.role.node.defaultChild as never);
      const bundle = server.node.findChild('Bundle') as Asset;
      const ownObject = flatten(network.resolve(bundle.bucket.arnForObjects(bundle.s3ObjectKey)));
      const s3 = statementsOf(roleId).filter((s) => s.actions.some((a) => a.startsWith('s3:')));
      expect({ name, s3 }).toEqual({
        name,
        s3: [
          { actions: ['s3:GetObject'], resources: [ownObject] },
          // The rollout environment's releases, by version, and nothing else of the tier bucket.
          {
            actions: ['s3:GetObjectVersion'],
            resources: ['arn:<AWS::Partition>:s3:::pipelines-artifacts-lower/mint/releases/*'],
          },
        ],
      });
      const ecr = statementsOf(roleId).filter((s) => s.actions.some((a) => a.startsWith('ecr:')));
      expect({ name, ecr }).toEqual({
        name,
        ecr: [
          { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
          {
            actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            resources: [
              'arn:<AWS::Partition>:ecr:us-east-1:<AWS::AccountId>:repository/pipelines/blog',
            ],
          },
        ],
      });
      expect(ownObject).toMatch(/^arn:<AWS::Partition>:s3:::.+\/[0-9a-f]{64}\.zip$/);
      // The only managed policy is Session Manager's, which grants nothing on S3.
      const roles = lower.templates.network.findResources('AWS::IAM::Role');
      const managed = asArray((roles[roleId] as Resource).Properties.ManagedPolicyArns).map(
        flatten,
      );
      expect(managed).toEqual([
        'arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore',
      ]);
    }
  });
});
