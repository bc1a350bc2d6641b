import path from 'node:path';
import { loadEnvironments, resolveRef } from '@pipelines/environments';
import { provisioningPlan } from './plan';

const model = loadEnvironments(path.resolve(__dirname, '../../../environments.yml'));

describe('provisioningPlan (from environments.yml)', () => {
  const plan = provisioningPlan(model, resolveRef(model, 'refs/heads/integration'));

  it('creates one versioned artifact bucket per tier, named by the tier', () => {
    expect(plan.buckets).toEqual([
      { tier: 'lower', name: 'pipelines-artifacts-lower' },
      { tier: 'upper', name: 'pipelines-artifacts-upper' },
    ]);
  });

  it('creates <env>-KatanaLambda for every environment with a fixed name, prod included', () => {
    expect(plan.functions.map((f) => f.name)).toEqual([
      'mint-KatanaLambda',
      'amy-KatanaLambda',
      'pat-KatanaLambda',
      'qa-KatanaLambda',
      'staging-KatanaLambda',
      'prod-KatanaLambda',
    ]);
    expect(plan.functions.find((f) => f.environment === 'prod')).toMatchObject({
      tier: 'upper',
      approval: true,
    });
  });

  it('adds the one family environment a ref names (int-<name>)', () => {
    const intPlan = provisioningPlan(model, resolveRef(model, 'refs/tags/int-alice'));
    expect(intPlan.functions.at(-1)).toMatchObject({
      name: 'int-alice-KatanaLambda',
      tier: 'lower',
    });
  });

  it("creates the image repositories and the functions' execution role per tier (the deploy roles come from the CDK app)", () => {
    expect(plan.repositories).toEqual(['pipelines/blog']);
    expect(plan.roles).toEqual(['pipelines-katana-lambda-lower', 'pipelines-katana-lambda-upper']);
  });
});
