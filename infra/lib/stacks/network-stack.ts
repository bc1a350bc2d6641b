import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import { ServiceServer } from '../constructs/service-server';

export interface NetworkStackProps extends StackProps {
  readonly availabilityZones: readonly string[];
  readonly instanceType: string;
  /** The repository's services/ folder. */
  readonly servicesDir: string;
  /** The domain the proxy serves pm., chat. and blog. of. */
  readonly domain: string;
  readonly separateDatabases: boolean;
  readonly logRetentionDays: number;
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
    database: { port: 5432, packages: ['docker.io'] },
  },
  {
    service: 'rocketchat',
    host: 'chat',
    packages: ['docker.io'],
    database: { port: 27017, packages: ['docker.io'] },
  },
] as const;

/**
 * The notes' four servers: the nginx proxy in a public subnet, open on 80 and 443 only, and the
 * app servers in private subnets, reachable on 3000 only from the proxy. Optionally Fulcrum's
 * and Rocket.Chat's databases on servers of their own, reachable only from their app.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly proxySecurityGroup: ec2.SecurityGroup;
  /** By service name (and `<service>-db`). */
  readonly securityGroups: ReadonlyMap<string, ec2.SecurityGroup>;
  readonly servers: ReadonlyMap<string, ServiceServer>;
  /** The proxy's Elastic IP, which the DNS records point to. */
  readonly proxyAddress: string;

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

      const environment: Record<string, string> = { PORT: String(APP_PORT), DOMAIN: props.domain };
      if (props.separateDatabases && app.database) {
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
        const db = new ServiceServer(this, `${app.service}DbServer`, {
          vpc: this.vpc,
          subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
          instanceType,
          serviceDir: join(props.servicesDir, app.service),
          service: app.service,
          role: 'db',
          packages: app.database.packages,
          environment: { DATABASE_PORT: String(app.database.port) },
          securityGroup: dbGroup,
        });
        servers.set(dbName, db);
        environment.DATABASE_HOST = db.instance.instancePrivateIp;
        environment.DATABASE_PORT = String(app.database.port);
      }
      const server = new ServiceServer(this, `${app.service}Server`, {
        vpc: this.vpc,
        subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
        instanceType,
        serviceDir: join(props.servicesDir, app.service),
        service: app.service,
        role: 'app',
        packages: app.packages,
        environment,
        securityGroup: appGroup,
      });
      servers.set(app.service, server);
      upstreams[`${app.host.toUpperCase()}_UPSTREAM`] =
        `${server.instance.instancePrivateIp}:${APP_PORT}`;
    }

    const proxy = new ServiceServer(this, 'proxyServer', {
      vpc: this.vpc,
      subnetType: ec2.SubnetType.PUBLIC,
      instanceType,
      serviceDir: join(props.servicesDir, 'proxy'),
      service: 'proxy',
      role: 'app',
      packages: ['nginx'],
      environment: { DOMAIN: props.domain, ...upstreams },
      securityGroup: this.proxySecurityGroup,
    });
    servers.set('proxy', proxy);
    const address = new ec2.CfnEIP(this, 'ProxyAddress', { instanceId: proxy.instance.instanceId });
    this.proxyAddress = address.attrPublicIp;

    this.securityGroups = groups;
    this.servers = servers;
    new CfnOutput(this, 'ProxyPublicIp', {
      value: this.proxyAddress,
      description: "The proxy's Elastic IP",
    });
  }
}
