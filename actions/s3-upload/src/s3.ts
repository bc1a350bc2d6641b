/** The S3 calls of an upload, each wrapped with context and the fix. */
import {
  AbortMultipartUploadCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'node:fs';
import {
  ActionError,
  awsErrorName,
  errorMessage,
  httpStatusOf,
} from '@pipelines/shared/src/errors';
import { SHA256_METADATA, type StoredVersion } from './plan';
import { uploadsToAbort, type OpenUpload } from './sweep';

const PERMISSIONS =
  'Check the bucket name and that the role may s3:GetBucketVersioning, s3:ListBucket, ' +
  's3:GetObject, s3:GetObjectVersion, s3:PutObject, s3:PutObjectTagging, ' +
  's3:ListBucketMultipartUploads and s3:AbortMultipartUpload on it.';

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
    const left = await sweepOpenUploads(s3, options.bucket, options.key);
    throw new ActionError(
      `upload ${options.file} to s3://${options.bucket}/${options.key}`,
      error,
      `${left} ${PERMISSIONS}`,
    );
  }
}

/**
 * After a failed upload: aborts every open multipart upload of the key (see sweep.ts for why all
 * of them), checks that none is left, and says truthfully what may remain.
 */
async function sweepOpenUploads(s3: S3Client, bucket: string, key: string): Promise<string> {
  const listOpen = async (): Promise<OpenUpload[]> =>
    (
      (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }))).Uploads ??
      []
    ).map((u) => ({ key: u.Key ?? '', uploadId: u.UploadId ?? '' }));
  const manual =
    `List them with: aws s3api list-multipart-uploads --bucket ${bucket} --prefix ${key}; abort each with ` +
    `aws s3api abort-multipart-upload --bucket ${bucket} --key ${key} --upload-id <id> (the bucket's ` +
    'AbortIncompleteMultipartUpload lifecycle rule also removes them after 7 days).';
  try {
    for (const open of uploadsToAbort(await listOpen(), key)) {
      try {
        await s3.send(
          new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: open.uploadId }),
        );
      } catch (abortError) {
        // Gone already (lib-storage's own abort, or a retried abort whose first answer was lost):
        // the listing below is what decides.
        if (awsErrorName(abortError) !== 'NoSuchUpload') throw abortError;
      }
    }
    const remaining = uploadsToAbort(await listOpen(), key);
    return remaining.length === 0
      ? 'Nothing was left behind: every open multipart upload of the key was aborted.'
      : `${remaining.length} multipart upload(s) of the key are still open. ${manual}`;
  } catch (sweepError) {
    return `Multipart uploads of the key may be left open (could not list or abort them: ${errorMessage(sweepError)}). ${manual}`;
  }
}
