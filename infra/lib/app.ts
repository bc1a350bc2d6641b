/**
 * Composes the stacks of one tier from its TierConfig. bin/app.ts calls it for `cdk synth|deploy`,
 * the tests call it with the same config, so what is tested is what is deployed.
 */
import { App, Aspects, Tags, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { TierConfig } from './config';
import { suppressJustifiedFindings } from './nag-suppressions';
import { outputIds } from './outputs';
import { ArtifactsStack } from './stacks/artifacts-stack';
import { DnsStack } from './stacks/dns-stack';
import { FunctionsStack } from './stacks/functions-stack';
import { GithubOidcStack } from './stacks/github-oidc-stack';
import { APP_SERVICES, NetworkStack } from './stacks/network-stack';
import { RegistryStack } from './stacks/registry-stack';

/**
 * Feature flags, set in code rather than in cdk.json so that tests (`new App()`) and the CLI
 * build the same templates. Context given on the command line still wins.
 */
export const FEATURE_FLAGS = {
  '@aws-cdk/aws-iam:minimizePolicies': true,
  // Access logs delivered under a bucket policy, not ACLs (the log bucket enforces bucket owner).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // The one cross-stack reference (DNS records -> the proxy's address) protects its producer.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
} as const;

export function newApp(props: { outdir?: string } = {}): App {
  return new App({ context: { ...FEATURE_FLAGS }, ...props });
}

export interface TierStacks {
  readonly network: NetworkStack;
  readonly artifacts: ArtifactsStack;
  readonly registry: RegistryStack;
  readonly functions: FunctionsStack;
  readonly github: GithubOidcStack;
  readonly dns: DnsStack;
}

/** `Pipelines-Lower-Artifacts`. */
export function stackName(config: Pick<TierConfig, 'project' | 'tier'>, part: string): string {
  const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${title(config.project)}-${title(config.tier)}-${part}`;
}

export function addTierStacks(
  app: App,
  config: TierConfig,
  paths: { servicesDir: string },
): TierStacks {
  const env: Environment = { account: config.account, region: config.region };
  if (config.account !== undefined) {
    // With a concrete account CDK would look the zones up in AWS; give them instead, as a
    // cdk.context.json entry would, so that synth never needs credentials.
    app.node.setContext(`availability-zones:account=${config.account}:region=${config.region}`, [
      ...config.availabilityZones,
    ]);
  }
  const props = (part: string) => ({
    env,
    stackName: stackName(config, part),
    description: `${config.project} ${config.tier} tier: ${part.toLowerCase()}`,
  });
  const id = (part: string) => stackName(config, part);

  const network = new NetworkStack(app, id('Network'), {
    ...props('Network'),
    availabilityZones: config.availabilityZones,
    instanceType: config.servers.instanceType,
    servicesDir: paths.servicesDir,
    domain: config.dns.zoneName,
    separateDatabases: config.servers.separateDatabases,
    logRetentionDays: config.logRetentionDays,
    rollout: config.servers.rollout && {
      ...config.servers.rollout,
      bucketName: config.bucketName,
      repositoryNames: config.imageRepositories,
    },
    deployDocument: config.servers.deployDocument,
    settingsRoot: `/${config.project}/${config.tier}`,
  });
  const artifacts = new ArtifactsStack(app, id('Artifacts'), {
    ...props('Artifacts'),
    bucketName: config.bucketName,
  });
  const registry = new RegistryStack(app, id('Registry'), {
    ...props('Registry'),
    repositoryNames: config.imageRepositories,
  });
  const functions = new FunctionsStack(app, id('Functions'), {
    ...props('Functions'),
    environments: config.environments,
    logRetentionDays: config.logRetentionDays,
  });
  const github = new GithubOidcStack(app, id('Github'), {
    ...props('Github'),
    github: config.github,
    environments: config.environments,
    bucketName: config.bucketName,
    repositoryNames: config.imageRepositories,
    existingProviderArn: config.githubOidcProviderArn,
    deployDocument: config.servers.deployDocument,
  });
  const dns = new DnsStack(app, id('Dns'), {
    ...props('Dns'),
    zoneName: config.dns.zoneName,
    hostedZoneId: config.dns.hostedZoneId,
    proxyAddress: network.proxyAddress,
    hosts: APP_SERVICES.map((s) => s.host),
  });
  // The roles name these resources rather than reference them: deploy them first all the same.
  github.addStackDependency(artifacts);
  github.addStackDependency(functions);
  github.addStackDependency(registry);

  const stacks: TierStacks = { network, artifacts, registry, functions, github, dns };
  for (const stack of Object.values(stacks)) {
    Tags.of(stack).add('project', config.project);
    Tags.of(stack).add('tier', config.tier);
  }
  suppressJustifiedFindings(stacks, config.environments);
  // cdk-nag runs on every synth: its errors fail `cdk synth`, and the tests assert none remain.
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return stacks;
}

export { outputIds };
