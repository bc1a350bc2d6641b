import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface ArtifactsStackProps extends StackProps {
  /** tiers.<tier>.bucket in environments.yml. */
  readonly bucketName: string;
  /** How long a replaced package version is kept (a rollback can only go this far back). */
  readonly noncurrentVersionDays?: number;
}

/**
 * The tier's package bucket: every upload makes a new version, and deploys name the VersionId,
 * so versioning is what makes "exactly what the reviewers saw" possible.
 */
export class ArtifactsStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArtifactsStackProps) {
    super(scope, id, props);
    const noncurrentDays = props.noncurrentVersionDays ?? 90;

    // Server access logs of the package bucket. It cannot log to itself; its own access is
    // not logged (a log bucket logging elsewhere would need a third bucket, and so on).
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Packages', {
      bucketName: props.bucketName,
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'packages/',
      lifecycleRules: [
        {
          id: 'expire-old-package-versions',
          noncurrentVersionExpiration: Duration.days(noncurrentDays),
          // Keep a few versions for rollback however old they are.
          noncurrentVersionsToRetain: 5,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      // The bucket holds what prod runs: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
