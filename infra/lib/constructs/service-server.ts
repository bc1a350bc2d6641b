import { RemovalPolicy, Size, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { dataVolumeCommands, serverImage, serverUserData, serviceUserData } from './user-data';

/** The tag AWS Backup selects data volumes by (network-stack.ts). */
export const BACKUP_TAG = { key: 'pipelines:backup', value: 'daily' } as const;

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
  /**
   * A server that holds a database: its data lives on an EBS volume of its own mounted at
   * `path` (kept, as a snapshot, when the stack deletes it; backed up daily), and the server is
   * never replaced by a change of its user data and protected from termination.
   */
  readonly data?: { readonly path: string; readonly sizeGiB: number } | undefined;
  /** EC2 tags of the instance and its volumes (`pipelines:service`, `pipelines:environment`). */
  readonly tags: Readonly<Record<string, string>>;
}

// Build output and dependencies are rebuilt on the server or shipped by the pipeline.
/** Where the data volume is attached (Nitro instances show it as NVMe, named by its volume id). */
const DATA_DEVICE = '/dev/sdf';

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
  /** The database's volume, for a server that holds one. */
  readonly dataVolume: ec2.Volume | undefined;

  constructor(scope: Construct, id: string, props: ServiceServerProps) {
    super(scope, id);
    const bundle = new assets.Asset(this, 'Bundle', {
      path: props.serviceDir,
      exclude: ASSET_EXCLUDES,
    });
    const holdsData = props.data !== undefined;
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
      // Servers without data are rebuilt from user data when their service's folder changes.
      // Servers with a database are protected from termination and never replaced (a change of
      // user data stops and starts them; it does not run again): releases reach them through
      // deploy.sh (the SSM rollout), and their data is on a volume of its own besides.
      disableApiTermination: holdsData,
      userDataCausesReplacement: !holdsData,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(20, {
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
    for (const [key, value] of Object.entries(props.tags)) Tags.of(this).add(key, value);
    const bundlePath = userData.addS3DownloadCommand({
      bucket: bundle.bucket,
      bucketKey: bundle.s3ObjectKey,
      localFile: `/tmp/pipelines-${props.service}.zip`,
    });
    // ec2.Instance places the instance in the first subnet of the selection.
    const [zone] = props.vpc.selectSubnets({ subnetType: props.subnetType }).availabilityZones;
    if (props.data && zone === undefined)
      throw new Error(`No subnet for ${props.service}'s server`);
    this.dataVolume = props.data && this.addDataVolume(props.data, userData, zone ?? '');
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

  /** The data volume, in the instance's zone, attached and mounted before the service installs. */
  private addDataVolume(
    data: NonNullable<ServiceServerProps['data']>,
    userData: ec2.UserData,
    zone: string,
  ): ec2.Volume {
    const volume = new ec2.Volume(this, 'Data', {
      // The instance's zone, from its subnet (the instance's own attribute would be a cycle: its
      // user data names the volume).
      availabilityZone: zone,
      size: Size.gibibytes(data.sizeGiB),
      volumeType: ec2.EbsDeviceVolumeType.GP3,
      encrypted: true,
      // Deleting the stack (or this server) leaves a final snapshot of the data.
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    Tags.of(volume).add(BACKUP_TAG.key, BACKUP_TAG.value);
    new ec2.CfnVolumeAttachment(this, 'DataAttachment', {
      instanceId: this.instance.instanceId,
      volumeId: volume.volumeId,
      device: DATA_DEVICE,
    });
    userData.addCommands(...dataVolumeCommands(volume.volumeId, DATA_DEVICE, data.path));
    return volume;
  }

  get role(): iam.IRole {
    return this.instance.role;
  }
}
