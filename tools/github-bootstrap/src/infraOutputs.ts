/**
 * Reads the CDK app's outputs (`cdk deploy --outputs-file`), one file per tier account, and turns
 * them into the variables each GitHub environment gets. The output keys are the contract in
 * infra/lib/outputs.ts: DeployRoleArn<Environment>, Region, Registry, ArtifactBucket.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BootstrapError } from './bootstrap';
import type { Variables } from './plan';

const outputsFile = z.record(z.string(), z.record(z.string(), z.string()));

/** `int-alice` -> `IntAlice`, as infra/lib/outputs.ts names output keys. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** All stacks' outputs of all files, as one list of key/value maps (one per stack). */
export function readOutputFiles(files: readonly string[]): Record<string, string>[] {
  return files.flatMap((file) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new BootstrapError(
        `Cannot read the infra outputs ${file}: ${(error as Error).message}. Write it with: cdk deploy --all --outputs-file ${file}`,
      );
    }
    const result = outputsFile.safeParse(parsed);
    if (!result.success)
      throw new BootstrapError(
        `${file} is not a cdk --outputs-file (an object of stacks, each of output names to values).`,
      );
    return Object.values(result.data);
  });
}

/** The variables of one environment, from the stack that holds its role. */
export function variablesFromOutputs(
  stacks: readonly Record<string, string>[],
  environment: string,
): Variables {
  const key = `DeployRoleArn${pascalCase(environment)}`;
  const stack = stacks.find((outputs) => key in outputs);
  if (!stack) {
    throw new BootstrapError(
      `No deploy role for environment ${environment} in the infra outputs (output ${key}). Deploy the infra of its tier first, and pass its --outputs file${environment.includes('-') ? ' (family members such as int-alice need -c familyEnvironments=... at cdk deploy)' : ''}.`,
    );
  }
  const variables: Variables = { AWS_ROLE_ARN: stack[key]! };
  if (stack.Region) variables.AWS_REGION = stack.Region;
  if (stack.Registry) variables.ECR_REGISTRY = stack.Registry;
  if (stack.ArtifactBucket) variables.ARTIFACT_BUCKET = stack.ArtifactBucket;
  return variables;
}
