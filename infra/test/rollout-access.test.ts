/**
 * Who may roll a release out to the servers, decided by an IAM policy simulator
 * (@cloud-copilot/iam-simulate, through the testkit's evaluateIdentity) on the roles the Github
 * stack synthesizes. SendCommand is authorized against the document and against each instance it
 * reaches, with the instance's tags as `ssm:resourceTag/<key>` (the Systems Manager User Guide:
 * "Restricting Run Command access based on tags"); the simulator is given those tags as a real
 * request would carry them.
 */
import { evaluateIdentity } from '../../tools/testkit/src/iam/evaluate';
import { rolesFromTemplate, type TemplateRole } from '../../tools/testkit/src/iam';
import { synthTier } from './helpers';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DOCUMENT = `arn:aws:ssm:${REGION}:${ACCOUNT}:document/pipelines-deploy`;
const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;

let roles: (environment: string) => TemplateRole;
beforeAll(() => {
  const all = (['lower', 'upper'] as const).flatMap((tier) =>
    rolesFromTemplate(synthTier({ tier, account: ACCOUNT }).templates.github.toJSON() as never, {
      account: ACCOUNT,
      region: REGION,
    }),
  );
  roles = (environment) => {
    const role = all.find((r) => r.name === `pipelines-deploy-${environment}`);
    if (!role) throw new Error(`no role for ${environment}`);
    return role;
  };
});

/** The simulator's verdict for one action on one resource, with the instance's tag if any. */
async function verdict(environment: string, action: string, resource: string, tag?: string) {
  const role = roles(environment);
  const context: Record<string, string> =
    tag === undefined ? {} : { 'ssm:resourceTag/pipelines:environment': tag };
  const result = await evaluateIdentity(
    role,
    `arn:aws:sts::${ACCOUNT}:assumed-role/${role.name}/run`,
    ACCOUNT,
    {
      action,
      resource,
      context,
    },
  );
  expect(result.error).toBeUndefined();
  return result.verdict;
}

describe('the server rollout (SSM Run Command)', () => {
  it.each(['mint', 'prod'])(
    'lets %s, which owns its tier’s servers, run the deploy document on servers tagged with its name',
    async (environment) => {
      expect(await verdict(environment, 'ssm:SendCommand', DOCUMENT)).toBe('Allowed');
      expect(await verdict(environment, 'ssm:SendCommand', INSTANCE, environment)).toBe('Allowed');
      expect(await verdict(environment, 'ssm:ListCommands', '*')).toBe('Allowed');
      expect(await verdict(environment, 'ssm:ListCommandInvocations', '*')).toBe('Allowed');
      expect(await verdict(environment, 'ssm:GetCommandInvocation', '*')).toBe('Allowed');
    },
  );

  it.each([
    ['a server of another environment', 'mint', INSTANCE, 'amy'],
    ['an untagged instance', 'prod', INSTANCE, undefined],
    [
      'another document of the account',
      'prod',
      DOCUMENT.replace('pipelines-deploy', 'other'),
      undefined,
    ],
  ])('refuses %s', async (_case, environment, resource, tag) => {
    expect(await verdict(environment, 'ssm:SendCommand', resource, tag)).toBe('ImplicitlyDenied');
  });

  it.each(['amy', 'pat', 'qa', 'staging', 'prod-candidate'])(
    'gives %s, which does not own the servers, no SendCommand at all',
    async (environment) => {
      expect(await verdict(environment, 'ssm:SendCommand', DOCUMENT)).toBe('ImplicitlyDenied');
      expect(await verdict(environment, 'ssm:SendCommand', INSTANCE, environment)).toBe(
        'ImplicitlyDenied',
      );
    },
  );
});
