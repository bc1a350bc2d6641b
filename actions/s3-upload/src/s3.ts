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
import {
  sweepReport,
  uploadsToAbort,
  type OpenUpload,
  type SweepResult,
  type Where,
} from './sweep';

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
  /** The file is bigger than one part (lib-storage then uploads in parts, else in one PUT). */
  multipart: boolean;
}

/**
 * Streams the file to S3: one PUT when it fits in one part, otherwise a multipart upload with
 * `concurrency` parts in flight. Every request carries a SHA-256 checksum (S3 verifies it and
 * stores it). After a multipart upload, failed or not, every upload of the key this run started
 * and did not complete is aborted (see sweep.ts); a failure's error says truthfully what is left,
 * and a success warns if anything is.
 */
export async function putPackage(
  s3: S3Client,
  options: PutOptions,
  warn: (message: string) => void,
): Promise<string | undefined> {
  const where = { bucket: options.bucket, key: options.key };
  // Read-only, before anything is written: tells our uploads from older ones after a failure, and
  // checks up front that the role may list them (else the sweep could not).
  const openBefore = options.multipart ? await openUploadIds(s3, where) : new Set<string>();
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
  let versionId: string | undefined;
  try {
    versionId = (await upload.done()).VersionId;
  } catch (error) {
    const left = options.multipart
      ? sweepReport(await sweepOpenUploads(s3, where, openBefore), where)
      : 'Nothing partial was left behind: a single PUT stores the whole object or nothing.';
    throw new ActionError(
      `upload ${options.file} to s3://${options.bucket}/${options.key}`,
      error,
      `${left} ${PERMISSIONS}`,
    );
  }
  if (options.multipart) {
    // A success can leave uploads behind too: a CreateMultipartUpload whose answer was lost and
    // was retried started an upload that nobody completes. The object itself is complete and is
    // verified next, so what is left is only a cost: warn, do not fail the deploy.
    const swept = await sweepOpenUploads(s3, where, openBefore);
    if (!swept.listed || swept.stillOpen > 0) {
      warn(`The upload succeeded, but: ${sweepReport(swept, where)}`);
    }
  }
  return versionId;
}

/** Every open multipart upload whose key starts with `key` (all pages; the SDK has no paginator). */
async function listOpenUploads(s3: S3Client, { bucket, key }: Where): Promise<OpenUpload[]> {
  const open: OpenUpload[] = [];
  let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const page = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, ...markers }),
    );
    for (const u of page.Uploads ?? []) open.push({ key: u.Key ?? '', uploadId: u.UploadId ?? '' });
    if (!page.IsTruncated || (!page.NextKeyMarker && !page.NextUploadIdMarker)) return open;
    markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
  }
}

async function openUploadIds(s3: S3Client, where: Where): Promise<Set<string>> {
  try {
    const open = await listOpenUploads(s3, where);
    return new Set(open.filter((u) => u.key === where.key).map((u) => u.uploadId));
  } catch (error) {
    throw new ActionError(
      `list the open multipart uploads of s3://${where.bucket}/${where.key}`,
      error,
      `Nothing was uploaded. ${PERMISSIONS}`,
    );
  }
}

/** Aborts the key's uploads this run started, then lists again to see what is still open. */
async function sweepOpenUploads(
  s3: S3Client,
  where: Where,
  openBefore: ReadonlySet<string>,
): Promise<SweepResult> {
  try {
    for (const open of uploadsToAbort(await listOpenUploads(s3, where), where.key, openBefore)) {
      try {
        await s3.send(
          new AbortMultipartUploadCommand({
            Bucket: where.bucket,
            Key: where.key,
            UploadId: open.uploadId,
          }),
        );
      } catch (abortError) {
        // Gone already (lib-storage's own abort raced us, or a retried abort whose first answer
        // was lost): the listing below is what decides.
        if (awsErrorName(abortError) !== 'NoSuchUpload') throw abortError;
      }
    }
    const after = await listOpenUploads(s3, where);
    const ours = uploadsToAbort(after, where.key, openBefore).length;
    const ofKey = after.filter((u) => u.key === where.key && u.uploadId !== '').length;
    return { listed: true, stillOpen: ours, leftAlone: ofKey - ours };
  } catch (sweepError) {
    return { listed: false, error: errorMessage(sweepError) };
  }
}
