/**
 * One tier of the CDK app, strict: its roles synthesized from infra/, its bucket, functions and
 * repositories created in moto as `cdk deploy` would leave them, moto behind the twin, and the
 * environment variables that make an action bundle run as one GitHub environment's role.
 */
import { startMoto, type Moto } from '../moto';
import { provisionTier, tierResources, type TierResources } from './provision';
import { startStrictAws, type StrictAws, type StrictAwsOptions } from './strictAws';
import { synthesizeTier } from './synth';
import { rolesFromTemplate, type CloudFormationTemplate, type TemplateRole } from './template';

export interface TierRoles {
  readonly roles: readonly TemplateRole[];
  /** Role name by GitHub environment (`prod`, `prod-candidate`), from the stack's outputs. */
  readonly byEnvironment: ReadonlyMap<string, string>;
  /** The artifact bucket (the stack's ARTIFACT_BUCKET output). */
  readonly bucket: string;
}

const ROLE_OUTPUT = 'AWS_ROLE_ARN of GitHub environment ';

/** The roles of the tier's GitHub OIDC stack (`<Project>-<Tier>-Github`). */
export function tierRoles(
  templates: Readonly<Record<string, CloudFormationTemplate>>,
  target: { account: string; region: string },
): TierRoles {
  const entry = Object.entries(templates).find(([name]) => name.endsWith('-Github'));
  if (!entry) {
    throw new Error(
      `Could not find the GitHub OIDC stack among ${Object.keys(templates).join(', ')}. Check infra/lib/app.ts.`,
    );
  }
  const template = entry[1] as CloudFormationTemplate & {
    Outputs?: Record<string, { Description?: string; Value?: unknown }>;
  };
  const roles = rolesFromTemplate(template, target);
  const byEnvironment = new Map<string, string>();
  let bucket = '';
  for (const output of Object.values(template.Outputs ?? {})) {
    const description = output.Description ?? '';
    const value = output.Value as { 'Fn::GetAtt'?: [string, string] } | string | undefined;
    if (description.startsWith(ROLE_OUTPUT) && typeof value === 'object') {
      const role = roles.find((r) => r.logicalId === value['Fn::GetAtt']?.[0]);
      if (role) byEnvironment.set(description.slice(ROLE_OUTPUT.length), role.name);
    }
    if (description === 'ARTIFACT_BUCKET' && typeof value === 'string') bucket = value;
  }
  return { roles, byEnvironment, bucket };
}

/** Environment for a bundle run as `roleName` through the twin (fresh credentials each call). */
export function roleEnv(twin: StrictAws, roleName: string, region: string): Record<string, string> {
  const credentials = twin.credentialsFor(roleName);
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENDPOINT_URL: twin.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export interface StrictTier extends TierRoles {
  readonly templates: Readonly<Record<string, CloudFormationTemplate>>;
  /** What was provisioned in moto. */
  readonly resources: TierResources;
  readonly moto: Moto;
  readonly twin: StrictAws;
  readonly account: string;
  readonly region: string;
  /** Role name of a GitHub environment; throws naming the environments there are. */
  roleOf(environment: string): string;
  /** Environment for a bundle run as the environment's role, through the twin. */
  envAs(environment: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function startStrictTier(options: {
  tier: string;
  account?: string;
  region?: string;
  /** A local OCI registry to front as ECR's registry (twin.registryHost), see StrictAwsOptions. */
  registry?: string | { readonly endpoint: string };
  /** The SSM Run Command stand-in to route SSM to (see StrictAwsOptions). */
  ssm?: StrictAwsOptions['ssm'];
}): Promise<StrictTier> {
  const account = options.account ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  const [templates, moto] = await Promise.all([
    synthesizeTier({ tier: options.tier, account, region }),
    startMoto(),
  ]);
  const roles = tierRoles(templates, { account, region });
  const resources = tierResources(templates);
  await provisionTier(moto.endpoint, resources, account, region);
  const twin = await startStrictAws({
    moto,
    roles: roles.roles,
    account,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.ssm ? { ssm: options.ssm } : {}),
  });
  const roleOf = (environment: string) => {
    const name = roles.byEnvironment.get(environment);
    if (!name) {
      throw new Error(
        `The ${options.tier} tier has no role for GitHub environment "${environment}"; it has ${[...roles.byEnvironment.keys()].join(', ')}.`,
      );
    }
    return name;
  };
  return {
    ...roles,
    templates,
    resources,
    moto,
    twin,
    account,
    region,
    roleOf,
    envAs: (environment) => roleEnv(twin, roleOf(environment), region),
    async stop() {
      await twin.stop();
      await moto.stop();
    },
  };
}
