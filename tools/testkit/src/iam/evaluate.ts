/**
 * IAM decisions by @cloud-copilot/iam-simulate (AGPL: test and rehearsal code only, never in an
 * action bundle): a role's identity policies for an API request, and a role's trust policy for
 * sts:AssumeRoleWithWebIdentity.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Authorization } from './requestActions';
import { notAuthorizedMessage, quotesResource } from './responses';
import type { PolicyDocument, TemplateRole } from './template';

export type Verdict = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface IdentityVerdict {
  readonly verdict: Verdict;
  /** Set when the simulator refused the request (an action or ARN it does not know). */
  readonly error?: string;
}

/** One request's authorization against the role's identity policies (no resource policy). */
export async function evaluateIdentity(
  role: Pick<TemplateRole, 'policies'>,
  principalArn: string,
  account: string,
  authorization: Authorization,
): Promise<IdentityVerdict> {
  const result = await runSimulation(
    {
      request: {
        principal: principalArn,
        action: authorization.action,
        resource: { resource: authorization.resource, accountId: account },
        contextVariables: authorization.context,
      },
      identityPolicies: role.policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') {
    return { verdict: 'ImplicitlyDenied', error: JSON.stringify(result.errors) };
  }
  return { verdict: result.overallResult as Verdict };
}

/** One IAM decision of the twin, as tests read it. */
export interface Decision {
  readonly role: string;
  readonly service: string;
  readonly operation: string;
  /** The HTTP method (a HEAD answer carries no message body). */
  readonly method?: string;
  /** Every IAM action the request needed. */
  readonly actions: readonly string[];
  /** The resource of the denied action, or of the first one when allowed. */
  readonly resource: string;
  readonly allowed: boolean;
  /** The action IAM denied, when denied. */
  readonly deniedAction?: string;
  /** The message sent back on denial. */
  readonly message?: string;
}

/** A principal of the twin: the role it acts as, and its session ARN. */
export interface Session {
  readonly role: TemplateRole;
  readonly principalArn: string;
}

export interface Denial {
  readonly authorization: Authorization;
  /** The message the service sends (naming principal, action and resource). */
  readonly message: string;
}

/** The first of a request's authorizations the session's role is not allowed, if any. */
export async function firstDenial(
  session: Session,
  account: string,
  service: string,
  authorizations: readonly Authorization[],
): Promise<Denial | undefined> {
  for (const authorization of authorizations) {
    const verdict = await evaluateIdentity(
      session.role,
      session.principalArn,
      account,
      authorization,
    );
    if (verdict.verdict === 'Allowed') continue;
    const message =
      authorization.deniedMessage ??
      notAuthorizedMessage(session.principalArn, authorization.action, authorization.resource, {
        quoteResource: quotesResource(service),
        explicit: verdict.verdict === 'ExplicitlyDenied',
      }) + (verdict.error ? ` (the IAM simulator refused the request: ${verdict.error})` : '');
    return { authorization, message };
  }
  return undefined;
}

/*
 * The trust policy goes through the simulator's core engine directly. Its validated entry point
 * (runSimulation) drops condition keys its data does not list for the action, and its data lacks
 * GitHub's `token.actions.githubusercontent.com:sub` and `:aud`, the very keys a GitHub trust
 * policy conditions on; its unvalidated entry point (runUnsafeSimulation) cannot take a resource
 * policy in 0.1.173 (it loads it without a name). The version is pinned in package.json.
 */
interface CoreEngine {
  loadPolicy(policy: unknown, metadata: { name: string }): unknown;
  authorize(input: Record<string, unknown>): { result: Verdict };
  AwsRequestImpl: new (
    principal: string,
    resource: { resource: string; accountId: string },
    action: string,
    context: unknown,
  ) => unknown;
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
  DiscoveryContextKeyConstraints: new (constraints: unknown[]) => unknown;
}

let engine: CoreEngine | undefined;
function coreEngine(): CoreEngine {
  if (engine) return engine;
  const entry = require.resolve('@cloud-copilot/iam-simulate');
  const load = createRequire(entry);
  const dist = path.dirname(entry);
  const from = (file: string) => load(path.join(dist, file)) as Record<string, unknown>;
  engine = {
    loadPolicy: (load('@cloud-copilot/iam-policy') as { loadPolicy: CoreEngine['loadPolicy'] })
      .loadPolicy,
    authorize: from('core_engine/CoreSimulatorEngine.js').authorize as CoreEngine['authorize'],
    AwsRequestImpl: from('request/request.js').AwsRequestImpl as CoreEngine['AwsRequestImpl'],
    RequestContextImpl: from('requestContext.js')
      .RequestContextImpl as CoreEngine['RequestContextImpl'],
    DiscoveryContextKeyConstraints: from('context_keys/discoveryContextKeyConstraints.js')
      .DiscoveryContextKeyConstraints as CoreEngine['DiscoveryContextKeyConstraints'],
  };
  return engine;
}

/** Whether the trust policy lets `principal` (a federated provider ARN) take the action. */
export function evaluateTrust(
  trustPolicy: PolicyDocument,
  roleArn: string,
  account: string,
  principal: string,
  action: string,
  context: Record<string, string | string[]>,
): Verdict {
  const core = coreEngine();
  const request = new core.AwsRequestImpl(
    principal,
    { resource: roleArn, accountId: account },
    action,
    new core.RequestContextImpl(context),
  );
  return core.authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: core.loadPolicy(trustPolicy, { name: 'trust' }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: 'Strict',
      discoveryContextKeyConstraints: new core.DiscoveryContextKeyConstraints([]),
    },
    serviceSettings: { s3: {} },
  }).result;
}
