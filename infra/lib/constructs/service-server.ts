import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { serverImage, serverUserData, serviceUserData } from './user-data';

export interface ServiceServerProps {
  readonly vpc: ec2.IVpc;
  readonly subnetType: ec2.SubnetType;
  readonly instanceType: ec2.InstanceType;
  /** The service's folder in services/, shipped to the server as an S3 asset. */
  readonly serviceDir: string;
  readonly service: string;
  /** `app`, or `db` for a database server of the service. */
  readonly role: 'app' | 'db';
  /** Base packages the service runs on (Debian 12 names). */
  readonly packages: readonly string[];
  /** Written to /etc/pipelines/<service>.env for the service's install hook and units. */
  readonly environment: Readonly<Record<string, string>>;
  readonly securityGroup: ec2.ISecurityGroup;
}

// Build output and dependencies are rebuilt on the server or shipped by the pipeline.
const ASSET_EXCLUDES = [
  'node_modules',
  '.cache',
  'public',
  'dist',
  'coverage',
  'test',
  '*.test.ts',
];

/**
 * One EC2 instance that runs one service: managed through SSM Session Manager (no key pair, no
 * port 22), IMDSv2 only, encrypted disk, and user data that installs the service from its
 * folder in services/.
 */
export class ServiceServer extends Construct {
  readonly instance: ec2.Instance;

  constructor(scope: Construct, id: string, props: ServiceServerProps) {
    super(scope, id);
    const bundle = new assets.Asset(this, 'Bundle', {
      path: props.serviceDir,
      exclude: ASSET_EXCLUDES,
    });
    const userData = serverUserData();
    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: props.subnetType },
      instanceType: props.instanceType,
      machineImage: serverImage(),
      securityGroup: props.securityGroup,
      ssmSessionPermissions: true,
      requireImdsv2: true,
      detailedMonitoring: true,
      userData,
      // App servers hold no state: a change of their service's folder rebuilds them from user
      // data. Database servers hold the data: protected from termination, never replaced.
      disableApiTermination: props.role === 'db',
      userDataCausesReplacement: props.role === 'app',
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(props.role === 'db' ? 40 : 20, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
          }),
        },
      ],
    });
    // Not bundle.grantRead: that grants reading (and listing) the whole asset bucket, which holds
    // every service's bundle and every Lambda package of the account. The bucket's objects are
    // encrypted with S3's own key (the CDK bootstrap default), so no KMS grant is needed.
    this.instance.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bundle.bucket.arnForObjects(bundle.s3ObjectKey)],
      }),
    );
    const bundlePath = userData.addS3DownloadCommand({
      bucket: bundle.bucket,
      bucketKey: bundle.s3ObjectKey,
      localFile: `/tmp/pipelines-${props.service}.zip`,
    });
    userData.addCommands(
      ...serviceUserData({
        service: props.service,
        role: props.role,
        bundlePath,
        packages: props.packages,
        environment: props.environment,
      }),
    );
  }

  get role(): iam.IRole {
    return this.instance.role;
  }
}
