import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';

export interface FunctionsStackProps extends StackProps {
  readonly environments: readonly EnvironmentConfig[];
  readonly logRetentionDays: number;
}

// Until the pipeline's first deploy replaces it, each function answers that it has no code yet.
// The real code (services/katana-lambda) is shipped by the pipeline, never by cdk deploy.
const PLACEHOLDER = `exports.handler = async () => ({
  statusCode: 503,
  body: JSON.stringify({ message: 'No package deployed yet: push to this environment to deploy one.' }),
});`;

/**
 * `<env>-KatanaLambda` for each environment of the tier, served through its alias (`live`) on
 * version 1, the placeholder. The pipeline's deploys move the alias to each verified version.
 */
export class FunctionsStack extends Stack {
  /** By environment name. */
  readonly functions: ReadonlyMap<string, lambda.Function>;
  /** The alias that serves each function, by environment name. */
  readonly aliases: ReadonlyMap<string, lambda.Alias>;

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    const functions = new Map<string, lambda.Function>();
    const aliases = new Map<string, lambda.Alias>();
    for (const env of props.environments) {
      const logGroup = new logs.LogGroup(this, `Logs-${env.name}`, {
        logGroupName: `/aws/lambda/${env.functionName}`,
        retention: props.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // An execution role of its own that may write only to its own log group (the managed
      // AWSLambdaBasicExecutionRole would allow every log group of the account).
      const role = new iam.Role(this, `Role-${env.name}`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${env.functionName}`,
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      );
      const fn = new lambda.Function(this, `Function-${env.name}`, {
        functionName: env.functionName,
        description: `Katana Lambda of environment ${env.name}; code deployed by the pipeline.`,
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline(PLACEHOLDER),
        role,
        logGroup,
        environment: { PIPELINES_ENVIRONMENT: env.name },
      });
      fn.node.addDependency(role);
      functions.set(env.name, fn);
      // Version 1 is the placeholder, published once under a fixed id (not fn.currentVersion,
      // whose id follows the function's configuration: a later change would make CloudFormation
      // publish whatever $LATEST then runs and move the alias to it, unverified). CloudFormation
      // does not correct drift, so a later `cdk deploy` leaves the alias where deploys put it.
      const placeholder = new lambda.Version(this, `Version1-${env.name}`, { lambda: fn });
      aliases.set(
        env.name,
        new lambda.Alias(this, `Alias-${env.name}`, {
          aliasName: env.functionAlias,
          version: placeholder,
          description: 'Serves traffic; the pipeline moves it to each verified version.',
        }),
      );
    }
    this.functions = functions;
    this.aliases = aliases;
  }
}
