/** The functions stack alone (no whole-tier synth): each function is served through its alias. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { EnvironmentConfig } from '../lib/config';
import { FunctionsStack } from '../lib/stacks/functions-stack';

const env = (name: string, functionAlias = 'live'): EnvironmentConfig => ({
  name,
  approval: false,
  artifactKey: `${name}/katana-lambda.zip`,
  artifactPrefix: `${name}/`,
  functionName: `${name}-KatanaLambda`,
  functionAlias,
  releasePrefix: `${name}/releases/`,
  servers: false,
});

function synth(environments: EnvironmentConfig[]): Template {
  const app = new App();
  const stack = new FunctionsStack(app, 'Functions', { environments, logRetentionDays: 30 });
  return Template.fromStack(stack);
}

describe('FunctionsStack', () => {
  it('gives every function its alias, on version 1 (the placeholder), for deploys to move', () => {
    const template = synth([env('mint'), env('qa', 'current')]);
    const versions = template.findResources('AWS::Lambda::Version');
    expect(Object.keys(versions)).toHaveLength(2);
    const aliases = Object.values(template.findResources('AWS::Lambda::Alias')).map(
      (a) => a.Properties as { Name: string; FunctionName: unknown; FunctionVersion: unknown },
    );
    expect(aliases.map((a) => a.Name).sort()).toEqual(['current', 'live']);
    for (const alias of aliases) {
      // The version is one of the published versions above, never $LATEST.
      expect(JSON.stringify(alias.FunctionVersion)).toMatch(/Version1/);
    }
  });
});
