import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

export interface ServiceSettingsProps {
  /** `/<project>/<tier>`: the settings of the tier's services live under it. */
  readonly root: string;
  readonly service: string;
  /** Plain settings (String parameters), by name. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Secrets Secrets Manager generates (letters and digits), by name, with their length. */
  readonly secrets: Readonly<Record<string, number>>;
}

const SETTING_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * A service's settings, kept out of user data: plain values as Parameter Store String parameters
 * `/<project>/<tier>/<service>/<name>`, secrets as Secrets Manager secrets
 * `<project>/<tier>/<service>/<name>` whose values AWS generates and no template holds. The
 * service's install.sh reads them on the server with the AWS CLI (PIPELINES_SETTINGS and
 * PIPELINES_SECRETS in its settings file name where).
 */
export class ServiceSettings extends Construct {
  /** Where install.sh finds them: the settings file's PIPELINES_SETTINGS and PIPELINES_SECRETS. */
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: readonly secretsmanager.Secret[];
  private readonly parameterPath: string;

  constructor(scope: Construct, id: string, props: ServiceSettingsProps) {
    super(scope, id);
    const names = [...Object.keys(props.parameters), ...Object.keys(props.secrets)];
    const bad = names.find((name) => !SETTING_NAME.test(name));
    if (bad !== undefined) throw new Error(`Bad setting name "${bad}" of ${props.service}`);
    this.parameterPath = `${props.root}/${props.service}`;
    const secretPath = this.parameterPath.slice(1);
    for (const [name, value] of Object.entries(props.parameters)) {
      new ssm.StringParameter(this, `Parameter-${name}`, {
        parameterName: `${this.parameterPath}/${name}`,
        stringValue: value,
      });
    }
    this.secrets = Object.entries(props.secrets).map(
      ([name, length]) =>
        new secretsmanager.Secret(this, `Secret-${name}`, {
          secretName: `${secretPath}/${name}`,
          description: `${props.service}: ${name} (generated; read by its servers at install)`,
          // Letters and digits only: the values go into env files and a database URL.
          generateSecretString: { passwordLength: length, excludePunctuation: true },
        }),
    );
    this.environment = { PIPELINES_SETTINGS: this.parameterPath, PIPELINES_SECRETS: secretPath };
  }

  /** Lets a server of the service read these settings, and no other service's. */
  grantRead(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: `${this.parameterPath.slice(1)}/*`,
          }),
        ],
      }),
    );
    for (const secret of this.secrets) secret.grantRead(role);
  }
}
