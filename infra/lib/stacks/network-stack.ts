import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_TAG, ServiceServer, type ServiceServerProps } from '../constructs/service-server';
import { ServiceSettings, type ServiceSettingsProps } from '../constructs/service-settings';

/** Where the server rollout may read releases and images from, and which document it runs. */
export interface RolloutProps {
  /** The environment whose deploys roll out to these servers (tiers.<tier>.servers). */
  readonly environment: string;
  readonly bucketName: string;
  /** That environment's release folder in the bucket, `<env>/releases/`. */
  readonly releasePrefix: string;
  /** The tier's ECR repositories the servers pull images from. */
  readonly repositoryNames: readonly string[];
}

export interface NetworkStackProps extends StackProps {
  readonly availabilityZones: readonly string[];
  readonly instanceType: string;
  /** The repository's services/ folder. */
  readonly servicesDir: string;
  /** The domain the proxy serves pm., chat. and blog. of. */
  readonly domain: string;
  readonly separateDatabases: boolean;
  readonly logRetentionDays: number;
  /** Undefined when no environment rolls out to the tier's servers. */
  readonly rollout: RolloutProps | undefined;
  /** The SSM Command document's name (names.deploy-document). */
  readonly deployDocument: string;
  /** `/<project>/<tier>`: the services' settings live under it (Parameter Store, Secrets Manager). */
  readonly settingsRoot: string;
}

/** The EC2 tags the server rollout targets (SSM SendCommand by tag) and IAM conditions on. */
export const SERVER_TAGS = {
  /** The environment whose deploys roll out to the server. */
  environment: 'pipelines:environment',
  /** blog, proxy, fulcrum, rocketchat, or fulcrum-db (with separateDatabases). */
  service: 'pipelines:service',
} as const;

/** Each database's own volume (gp3). */
const DATA_VOLUME_GIB = 40;
/** How long AWS Backup keeps each daily snapshot of the database volumes. */
export const BACKUP_RETENTION_DAYS = 14;

/**
 * The settings a service's install.sh reads at install (services/<name>/install.sh), by name
 * under `/<project>/<tier>/<service>/`: plain values, and the secrets AWS generates (by length).
 */
export function serviceSettings(
  service: string,
  domain: string,
): Pick<ServiceSettingsProps, 'parameters' | 'secrets'> | undefined {
  switch (service) {
    case 'fulcrum':
      return {
        parameters: {
          'app-host': `pm.${domain}`,
          'mailer-sender': `noreply@${domain}`,
          'disable-registration': 'true',
        },
        // Rails' cookie signing wants 30 characters or more; the database password is shared by
        // the app and the database (one server or two).
        secrets: { 'secret-token': 64, 'secret-key-base': 64, 'postgres-password': 32 },
      };
    case 'rocketchat':
      return { parameters: { 'root-url': `https://chat.${domain}` }, secrets: {} };
    default:
      return undefined;
  }
}

/** The port every app server listens on, as in the notes. */
export const APP_PORT = 3000;

/** The three app servers behind the proxy, the host name each is reached by, and what it runs on. */
export const APP_SERVICES = [
  { service: 'blog', host: 'blog', packages: ['nginx'], database: undefined },
  {
    service: 'fulcrum',
    host: 'pm',
    packages: ['docker.io'],
    // Where the database keeps its data (services/fulcrum: the postgres container's volume).
    // `separable`: with separateDatabases it gets a server of its own, which the app reaches by
    // its private address (fulcrum-postgres publishes on every address there).
    database: {
      port: 5432,
      packages: ['docker.io'],
      dataPath: '/var/lib/fulcrum',
      separable: true,
    },
  },
  {
    service: 'rocketchat',
    host: 'chat',
    packages: ['docker.io'],
    // services/rocketchat: MongoDB's data is the Compose volume mongodb_data, which Docker keeps
    // under /var/lib/docker/volumes. The whole of Docker's folder goes on the volume: mounted at
    // volumes/ itself, the file system's lost+found would show as a Docker volume.
    // (Docker's images ride along, so a restored server starts without pulling.)
    // Not separable: the one-member replica set Rocket.Chat needs names its member by the name
    // the app reaches it by (`mongodb` inside the Compose project), so MongoDB stays with
    // Rocket.Chat, on its server's data volume, also with separateDatabases.
    database: {
      port: 27017,
      packages: ['docker.io'],
      dataPath: '/var/lib/docker',
      separable: false,
    },
  },
] as const;

/**
 * The notes' four servers: the nginx proxy in a public subnet, open on 80 and 443 only, and the
 * app servers in private subnets, reachable on 3000 only from the proxy. Optionally Fulcrum's
 * database on a server of its own, reachable only from the app.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly proxySecurityGroup: ec2.SecurityGroup;
  /** By service name (and `<service>-db`). */
  readonly securityGroups: ReadonlyMap<string, ec2.SecurityGroup>;
  readonly servers: ReadonlyMap<string, ServiceServer>;
  /** The proxy's Elastic IP, which the DNS records point to. */
  readonly proxyAddress: string;
  /** What the server rollout runs on the servers: services/lib/deploy-document.json. */
  readonly deployDocument: ssm.CfnDocument;
  /** Daily snapshots of the database volumes. */
  readonly backupPlan: backup.BackupPlan;
  /** Each service's settings in Parameter Store and Secrets Manager, by service name. */
  readonly settings: ReadonlyMap<string, ServiceSettings>;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [...props.availabilityZones],
      // One NAT gateway: the app servers only need it to fetch packages and images.
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      // Nothing uses the default security group; restricting it needs a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
    });

    const instanceType = new ec2.InstanceType(props.instanceType);
    const groups = new Map<string, ec2.SecurityGroup>();
    const servers = new Map<string, ServiceServer>();
    const securityGroup = (name: string, description: string) => {
      const group = new ec2.SecurityGroup(this, `${name}SecurityGroup`, {
        vpc: this.vpc,
        description,
        // Outbound is listed rule by rule below: HTTPS and HTTP for packages, images and SSM.
        allowAllOutbound: false,
      });
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: packages, images, SSM');
      group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP: package mirrors');
      groups.set(name, group);
      return group;
    };

    this.proxySecurityGroup = securityGroup(
      'proxy',
      'nginx reverse proxy: HTTP and HTTPS from anywhere',
    );
    this.proxySecurityGroup.addIngressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(80),
      'HTTP (redirects to HTTPS)',
    );
    this.proxySecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');

    type ServerProps = Omit<ServiceServerProps, 'vpc' | 'instanceType' | 'serviceDir' | 'tags'>;
    /** A server of the tier: tagged for the rollout, allowed to fetch what the rollout ships. */
    const newServer = (id: string, server: ServerProps) => {
      const name = server.role === 'db' ? `${server.service}-db` : server.service;
      const created = new ServiceServer(this, id, {
        ...server,
        vpc: this.vpc,
        instanceType,
        serviceDir: join(props.servicesDir, server.service),
        tags: {
          [SERVER_TAGS.service]: name,
          ...(props.rollout ? { [SERVER_TAGS.environment]: props.rollout.environment } : {}),
        },
      });
      if (props.rollout) {
        for (const statement of rolloutReadStatements(this, props.rollout)) {
          created.role.addToPrincipalPolicy(statement);
        }
      }
      return created;
    };

    const allSettings = new Map<string, ServiceSettings>();
    const upstreams: Record<string, string> = {};
    for (const app of APP_SERVICES) {
      const appGroup = securityGroup(
        app.service,
        `${app.service}: port ${APP_PORT} from the proxy only`,
      );
      appGroup.addIngressRule(
        this.proxySecurityGroup,
        ec2.Port.tcp(APP_PORT),
        `${app.service} from the proxy`,
      );
      this.proxySecurityGroup.addEgressRule(appGroup, ec2.Port.tcp(APP_PORT), `to ${app.service}`);

      const values = serviceSettings(app.service, props.domain);
      const settings =
        values &&
        new ServiceSettings(this, `${app.service}Settings`, {
          root: props.settingsRoot,
          service: app.service,
          ...values,
        });
      if (settings) allSettings.set(app.service, settings);
      // Where install.sh reads the settings: names and a region, never a value.
      const settingsEnvironment = settings
        ? { ...settings.environment, AWS_REGION: this.region }
        : {};
      const environment: Record<string, string> = {
        PORT: String(APP_PORT),
        DOMAIN: props.domain,
        ...settingsEnvironment,
      };
      const ownServer = props.separateDatabases && app.database?.separable === true;
      if (ownServer && app.database) {
        const dbName = `${app.service}-db`;
        const dbGroup = securityGroup(
          dbName,
          `${dbName}: port ${app.database.port} from ${app.service} only`,
        );
        dbGroup.addIngressRule(
          appGroup,
          ec2.Port.tcp(app.database.port),
          `${app.service} to its database`,
        );
        appGroup.addEgressRule(dbGroup, ec2.Port.tcp(app.database.port), `to ${dbName}`);
        const db = newServer(`${app.service}DbServer`, {
          subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
          service: app.service,
          role: 'db',
          packages: app.database.packages,
          environment: { DATABASE_PORT: String(app.database.port), ...settingsEnvironment },
          securityGroup: dbGroup,
          data: { path: app.database.dataPath, sizeGiB: DATA_VOLUME_GIB },
        });
        servers.set(dbName, db);
        settings?.grantRead(db.role);
        environment.DATABASE_HOST = db.instance.instancePrivateIp;
        environment.DATABASE_PORT = String(app.database.port);
      }
      // Without a database server of its own, the app's server holds the database.
      const holdsDatabase = app.database !== undefined && !ownServer;
      const server = newServer(`${app.service}Server`, {
        subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
        service: app.service,
        role: 'app',
        packages: app.packages,
        environment,
        securityGroup: appGroup,
        data:
          holdsDatabase && app.database
            ? { path: app.database.dataPath, sizeGiB: DATA_VOLUME_GIB }
            : undefined,
      });
      servers.set(app.service, server);
      settings?.grantRead(server.role);
      upstreams[`${app.host.toUpperCase()}_UPSTREAM`] =
        `${server.instance.instancePrivateIp}:${APP_PORT}`;
    }

    const proxy = newServer('proxyServer', {
      subnetType: ec2.SubnetType.PUBLIC,
      service: 'proxy',
      role: 'app',
      packages: ['nginx'],
      environment: { DOMAIN: props.domain, ...upstreams },
      securityGroup: this.proxySecurityGroup,
      data: undefined,
    });
    servers.set('proxy', proxy);
    const address = new ec2.CfnEIP(this, 'ProxyAddress', { instanceId: proxy.instance.instanceId });
    this.proxyAddress = address.attrPublicIp;

    this.securityGroups = groups;
    this.servers = servers;
    this.settings = allSettings;
    this.deployDocument = new ssm.CfnDocument(this, 'DeployDocument', {
      name: props.deployDocument,
      documentType: 'Command',
      documentFormat: 'JSON',
      content: JSON.parse(
        readFileSync(join(props.servicesDir, 'lib', 'deploy-document.json'), 'utf8'),
      ) as unknown,
      // A changed document becomes a new version under the same name (the roles name it).
      updateMethod: 'NewVersion',
    });
    this.backupPlan = dataBackupPlan(this);
    new CfnOutput(this, 'ProxyPublicIp', {
      value: this.proxyAddress,
      description: "The proxy's Elastic IP",
    });
  }
}

/**
 * What deploy.sh fetches on a server: the rollout environment's release versions (by VersionId:
 * s3:GetObjectVersion, nothing else of the bucket) and the tier's images (the registry token
 * accepts only "*"; pulls read manifests and layers of the tier's repositories only).
 */
function rolloutReadStatements(stack: Stack, rollout: RolloutProps): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({
      actions: ['s3:GetObjectVersion'],
      resources: [`arn:${stack.partition}:s3:::${rollout.bucketName}/${rollout.releasePrefix}*`],
    }),
  ];
  if (rollout.repositoryNames.length > 0) {
    statements.push(
      new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: rollout.repositoryNames.map((name) =>
          stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: name }),
        ),
      }),
    );
  }
  return statements;
}

/** Daily snapshots of every volume tagged as data (the databases' volumes), kept two weeks. */
function dataBackupPlan(stack: Stack): backup.BackupPlan {
  const plan = new backup.BackupPlan(stack, 'DataBackup', {
    backupPlanRules: [
      new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
        deleteAfter: Duration.days(BACKUP_RETENTION_DAYS),
      }),
    ],
  });
  plan.addSelection('DataVolumes', {
    resources: [backup.BackupResource.fromTag(BACKUP_TAG.key, BACKUP_TAG.value)],
  });
  return plan;
}
