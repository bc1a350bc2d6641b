/**
 * The AWS side of a rehearsal as GitHub's jobs meet it: the CDK app's OIDC roles of the tier
 * (synthesized from environments.yml), created in moto and enforced by the strict AWS twin in
 * front of it, and a GitHub-like token service whose tokens that twin's STS accepts. A job gets
 * credentials only as it would on GitHub: with a token for its environment, for a role whose
 * trust names exactly that token's subject.
 */
import path from 'node:path';
import { environmentByName, type EnvironmentsConfig } from '@pipelines/environments';
import {
  repoRoot,
  rolesFromTemplate,
  startStrictAws,
  type Moto,
  type StrictAws,
  type StrictAwsOptions,
  type TemplateRole,
} from '@pipelines/testkit';
import {
  deploymentPolicies,
  GITHUB_ISSUER,
  tokenRepository,
  type TokenRepository,
} from './oidcClaims';
import { startTokenService, tokenIssuer, type TokenService } from './oidcIssuer';
import { LOCAL_ACCOUNT, roleArn } from './plan';
import { provisionTemplateRoles, type LocalAwsClients } from './provision';
import { synthesizedRoles } from './synth';

export interface OidcAws {
  readonly strictAws: StrictAws;
  readonly tokens: TokenService;
  readonly roles: readonly TemplateRole[];
  /** Each GitHub environment's AWS_ROLE_ARN, as the bootstrap sets it from the stack outputs. */
  readonly environmentRoles: Readonly<Record<string, string>>;
}

export interface OidcAwsOptions {
  readonly model: EnvironmentsConfig;
  /** The repository rehearsed (its environments.yml). */
  readonly source: string;
  readonly tier: string;
  /** The environment the ref deploys to (a family member's role exists only when named). */
  readonly environment?: string | undefined;
  readonly region: string;
  readonly moto: Moto;
  /** Operator clients on moto: the roles are created with them. */
  readonly clients: LocalAwsClients;
  /** The repository as the tokens name it (default: environments.yml's, its subject form). */
  readonly repository?: TokenRepository;
  /** The SSM Run Command stand-in SSM requests go to (the servers phase's). */
  readonly ssm?: StrictAwsOptions['ssm'];
}

/** Starts the twin and the token service; the caller stops both (`stopOidcAws`). */
export async function startOidcAws(options: OidcAwsOptions): Promise<OidcAws> {
  const issuer = tokenIssuer({
    repository: options.repository ?? tokenRepository(options.model),
    policies: deploymentPolicies(options.model),
  });
  const member = options.environment
    ? environmentByName(options.model, options.environment)
    : undefined;
  const synthesized = synthesizedRoles({
    source: options.source,
    // The roles do not depend on the services, so the servers' bundles are staged from this
    // repository's: a rehearsed repository may have only some services (the fixture has the
    // build script of its one image), or none.
    servicesDir: path.join(repoRoot, 'services'),
    tier: options.tier,
    familyEnvironments: member?.family ? member.name : undefined,
    account: LOCAL_ACCOUNT,
    cacheDir: path.join(repoRoot, '.rehearsal', 'synth-cache'),
  });
  const roles = rolesFromTemplate(synthesized.template, {
    account: LOCAL_ACCOUNT,
    region: options.region,
  });
  await provisionTemplateRoles(options.clients.iam, roles);
  const tokens = await startTokenService(issuer);
  const strictAws = await startStrictAws({
    moto: options.moto,
    roles,
    account: LOCAL_ACCOUNT,
    oidc: {
      issuer: GITHUB_ISSUER,
      publicKey: issuer.key.publicKey,
      clientIds: ['sts.amazonaws.com'],
    },
    ...(options.ssm ? { ssm: options.ssm } : {}),
  }).catch(async (error: unknown) => {
    await tokens.stop();
    throw error;
  });
  const environmentRoles = Object.fromEntries(
    Object.entries(synthesized.environmentRoles).map(([env, role]) => [env, roleArn(role)]),
  );
  return { strictAws, tokens, roles, environmentRoles };
}

/**
 * What the configure-aws-credentials stand-in needs from the rehearsal (see its assume-role.js),
 * as the environment of act's steps.
 */
export function standInEnvironment(aws: OidcAws, workflowPath: string): Record<string, string> {
  return {
    REHEARSAL_AWS_ENDPOINT_URL: aws.strictAws.url,
    REHEARSAL_ENVIRONMENT_ROLES: JSON.stringify(aws.environmentRoles),
    REHEARSAL_OIDC_REQUEST_URL: aws.tokens.url,
    REHEARSAL_OIDC_REQUEST_TOKEN: aws.tokens.requestToken,
    REHEARSAL_WORKFLOW_PATH: workflowPath,
  };
}

/**
 * The repository value of AWS_ROLE_ARN the rehearsal gives act: on GitHub the variable belongs
 * to each environment, act has repository variables only, so the stand-in reads this marker as
 * "the job's environment's AWS_ROLE_ARN" (REHEARSAL_ENVIRONMENT_ROLES).
 */
export const ENVIRONMENT_ROLE_MARKER = 'environment:AWS_ROLE_ARN';
