/**
 * The CloudFormation output keys of the GitHub stack: the contract with the GitHub bootstrap,
 * which reads them (`cdk deploy --outputs-file`) and sets them as environment variables.
 */

/** `int-alice` -> `IntAlice` (output keys are alphanumeric). */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

export const outputIds = {
  /** AWS_ROLE_ARN of one environment. */
  role: (environment: string) => `DeployRoleArn${pascalCase(environment)}`,
  bucket: 'ArtifactBucket',
  region: 'Region',
  registry: 'Registry',
} as const;
