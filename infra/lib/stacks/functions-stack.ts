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

/** `<env>-KatanaLambda` for each environment of the tier. */
export class FunctionsStack extends Stack {
  /** By environment name. */
  readonly functions: ReadonlyMap<string, lambda.Function>;

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    const functions = new Map<string, lambda.Function>();
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
    }
    this.functions = functions;
  }
}
