/**
 * The third phase: the local AWS provisioned for the ref's tier. The resources environments.yml
 * names, and the roles the jobs assume: the CDK app's, for this tier, enforced by the strict twin
 * in front of moto; each job assumes its environment's role with a GitHub-like token.
 */
import { startOidcAws } from './oidcAws';
import { provisioningPlan } from './plan';
import { localClients, provision } from './provision';
import type { LocalAwsSetup, LocalServices, RunStart } from './record';
import type { ServersSetup } from './servers';
import type { Started } from './teardown';

export async function provisionLocalAws(
  start: Pick<RunStart, 'options' | 'source' | 'model' | 'resolution'>,
  services: LocalServices,
  servers: ServersSetup,
  started: Started,
): Promise<LocalAwsSetup> {
  const { source, model, resolution } = start;
  const plan = provisioningPlan(model, resolution);
  const clients = localClients(services.moto.endpoint, plan.region);
  await provision(clients, plan);
  const oidcAws = await startOidcAws({
    model,
    source,
    tier: resolution.tier,
    environment: resolution.environment ?? undefined,
    region: plan.region,
    moto: services.moto,
    clients,
    // SSM goes to the Run Command stand-in whose instances are the servers' test hosts.
    ...(servers.rehearsed ? { ssm: servers.ssm } : {}),
  });
  started.strictAws = oidcAws.strictAws;
  started.tokens = oidcAws.tokens;
  start.options.log(
    `Local AWS at ${oidcAws.strictAws.url} (IAM enforced from the ${resolution.tier} tier's ${oidcAws.roles.length} OIDC roles; moto at ${services.moto.endpoint}, registry ${services.registry.host}): ` +
      `${plan.buckets.length} buckets, ${plan.functions.length} functions, ${plan.repositories.length} ECR repositories`,
  );
  return { plan, clients, oidcAws };
}
