/**
 * What the rehearsal provisions in the local AWS: what infra/ would create for the environments
 * involved, named from environments.yml. Pure, so the naming rules are tested with tables.
 */
import {
  concreteEnvironments,
  environmentByName,
  type EnvironmentsConfig,
  type Resolution,
} from '@pipelines/environments';

/** moto's fixed account id. */
export const LOCAL_ACCOUNT = '123456789012';

export interface FunctionPlan {
  readonly environment: string;
  readonly tier: string;
  readonly approval: boolean;
  readonly name: string;
  readonly role: string;
  /** The alias that serves traffic (names.function-alias), created on version 1. */
  readonly alias: string;
}

export interface ProvisioningPlan {
  readonly region: string;
  /** One versioned artifact bucket per tier. */
  readonly buckets: readonly { readonly tier: string; readonly name: string }[];
  readonly functions: readonly FunctionPlan[];
  readonly repositories: readonly string[];
  /**
   * The functions' execution roles. The roles GitHub's jobs assume are the CDK app's (synth.ts),
   * created from its template (provision.ts provisionTemplateRoles).
   */
  readonly roles: readonly string[];
}

export const roleArn = (name: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;

export function provisioningPlan(model: EnvironmentsConfig, target: Resolution): ProvisioningPlan {
  const project = model.project.name;
  const environments = concreteEnvironments(model);
  // A family member (int-<name>) exists only once a ref names it: provision the one this ref uses.
  const member = target.environment ? environmentByName(model, target.environment) : undefined;
  if (member && !environments.some((env) => env.name === member.name)) environments.push(member);
  const functions = environments.map((env) => ({
    environment: env.name,
    tier: env.tier,
    approval: env.approval,
    name: env.functionName,
    role: `${project}-katana-lambda-${env.tier}`,
    alias: env.functionAlias,
  }));
  const tiers = Object.keys(model.tiers) as (keyof typeof model.tiers)[];
  return {
    region: model.project.region,
    buckets: tiers.map((tier) => ({ tier, name: model.tiers[tier].bucket })),
    functions,
    repositories: [...model.names.imageRepositories],
    roles: [...new Set(functions.map((f) => f.role))],
  };
}
