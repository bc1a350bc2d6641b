/** The S3 calls of an upload, each wrapped with context and the fix. */
import { GetBucketVersioningCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import { ActionError, awsErrorName, httpStatusOf } from '@pipelines/shared/src/errors';
import { SHA256_METADATA, type StoredVersion } from './plan';

const PERMISSIONS =
  'Check the bucket name and that the role may s3:GetBucketVersioning, s3:ListBucket, ' +
  's3:GetObject, s3:GetObjectVersion, s3:PutObject and s3:PutObjectTagging on it.';

export async function bucketVersioning(s3: S3Client, bucket: string): Promise<string | undefined> {
  try {
    return (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
  } catch (error) {
    throw new ActionError(`read the versioning of bucket "${bucket}"`, error, PERMISSIONS);
  }
}

/**
 * One version of the key (the newest when versionId is undefined), or undefined when there is
 * none (or the newest is a delete marker). HeadObject with ChecksumMode, not GetObjectAttributes:
 * it returns the stored ChecksumSHA256 and works against moto too.
 */
export async function headVersion(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<StoredVersion | undefined> {
  try {
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: bucket,
        Key: key,
        VersionId: versionId,
        ChecksumMode: 'ENABLED',
      }),
    );
    return {
      versionId: head.VersionId,
      metadata: head.Metadata,
      checksumSha256: head.ChecksumSHA256,
    };
  } catch (error) {
    if (!versionId && (httpStatusOf(error) === 404 || awsErrorName(error) === 'NotFound')) {
      return undefined;
    }
    throw new ActionError(
      `read s3://${bucket}/${key}${versionId ? `?versionId=${versionId}` : ''}`,
      error,
      PERMISSIONS,
    );
  }
}

export interface PutOptions {
  file: string;
  bucket: string;
  key: string;
  sha256: string;
  tagging: string;
  partSizeBytes: number;
  concurrency: number;
}

/**
 * Streams the file to S3: one PUT when it fits in one part, otherwise a multipart upload with
 * `concurrency` parts in flight. Every request carries a SHA-256 checksum (S3 verifies it and
 * stores it). lib-storage aborts a multipart upload that fails, so no orphan parts are left.
 */
export async function putPackage(s3: S3Client, options: PutOptions): Promise<string | undefined> {
  const upload = new Upload({
    client: s3,
    partSize: options.partSizeBytes,
    queueSize: options.concurrency,
    leavePartsOnError: false,
    params: {
      Bucket: options.bucket,
      Key: options.key,
      Body: createReadStream(options.file),
      ChecksumAlgorithm: 'SHA256',
      Metadata: { [SHA256_METADATA]: options.sha256 },
      // As a header on PutObject/CreateMultipartUpload, so the tags land on this very version
      // (a later PutObjectTagging without a VersionId would tag whatever is newest by then).
      Tagging: options.tagging,
      ContentType: 'application/octet-stream',
    },
  });
  try {
    return (await upload.done()).VersionId;
  } catch (error) {
    throw new ActionError(
      `upload ${options.file} to s3://${options.bucket}/${options.key}`,
      error,
      `Nothing was left behind (a failed multipart upload is aborted). ${PERMISSIONS}`,
    );
  }
}
