/**
 * The CDK app: the only place that reads the command line (`-c key=value`), the environment and
 * environments.yml. Everything else receives a typed TierConfig.
 *
 *   cdk synth -c tier=lower            (or upper; see infra/README.md for every -c option)
 */
import { resolve } from 'node:path';
import { addTierStacks, newApp } from '../lib/app';
import { tierConfig, type TierOptions } from '../lib/config';
import { loadEnvironments } from '@pipelines/environments';

const repoRoot = resolve(__dirname, '..', '..');
const app = newApp();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null ? undefined : String(value);
};

const options: TierOptions = {
  tier: context('tier'),
  // The CLI sets CDK_DEFAULT_ACCOUNT when it finds credentials; offline it stays unset and the
  // stacks are account-agnostic.
  account: context('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
  region: context('region'),
  availabilityZones: context('availabilityZones'),
  hostedZoneId: context('hostedZoneId'),
  hostedZoneName: context('hostedZoneName'),
  separateDatabases: context('separateDatabases'),
  instanceType: context('instanceType'),
  familyEnvironments: context('familyEnvironments'),
  logRetentionDays: context('logRetentionDays'),
  githubOidcProviderArn: context('githubOidcProviderArn'),
};

try {
  const environmentsPath = resolve(repoRoot, context('environments') ?? 'environments.yml');
  const config = tierConfig(loadEnvironments(environmentsPath), options);
  addTierStacks(app, config, { servicesDir: resolve(repoRoot, 'services') });
  app.synth();
} catch (error) {
  console.error(`infra: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
