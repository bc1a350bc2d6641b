/** The S3 calls of an upload, each wrapped with context and the fix. */
import {
  AbortMultipartUploadCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ActionError, awsErrorName, errorMessage } from '@pipelines/action-kit/errors';
import type { Layout } from './layout';
import type { StoredVersion } from './decide';
import { sendMultipart, sendSingle, type ObjectParams, type Sent } from './send';
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
 * The size of the key's current object, or undefined when there is none (no version, or a delete
 * marker on top): a listing by prefix, which a role whose s3:ListBucket is conditioned on
 * s3:prefix may make (a HeadObject on a missing key answers such a role 403, not 404). The key
 * sorts before every longer key sharing its prefix, so one entry is enough. Only a current object
 * of the file's size can be the file; only then is it read (`currentVersion`).
 */
export async function currentSize(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<number | undefined> {
  try {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }),
    );
    const current = page.Contents?.find((o) => o.Key === key);
    return current ? (current.Size ?? -1) : undefined;
  } catch (error) {
    throw new ActionError(`list s3://${bucket}/${key}`, error, PERMISSIONS);
  }
}

/**
 * The key's current version with the checksum S3 computed when it was stored, or undefined when
 * there is none. Asked only once `currentSize` has listed the key: HeadObject on the bare key
 * answers a missing key with 403, not 404, where the role's s3:ListBucket is conditioned on
 * s3:prefix (ours are), so it must not be how a first upload learns the key is absent. One request
 * instead of ListObjectVersions and a HeadObject of the version it names: moto deep-copies every
 * version in the bucket to answer a version listing, seconds for a bucket of large packages.
 * A 404 here is a key deleted since it was listed (a delete marker now on top): nothing to skip.
 */
export async function currentVersion(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<StoredVersion | undefined> {
  try {
    return await headObject(s3, bucket, key);
  } catch (error) {
    if (awsErrorName(error) === 'NotFound') return undefined;
    throw new ActionError(
      `read s3://${bucket}/${key}`,
      error,
      `It was listed a moment before (was it deleted since?). ${PERMISSIONS}`,
    );
  }
}

/**
 * One exact version of the key, with the checksum S3 computed when it was stored. HeadObject with
 * ChecksumMode, not GetObjectAttributes: it returns ChecksumSHA256 and works against moto too.
 * moto stores and returns the checksum a request claimed without checking the bytes against it
 * (real S3 refuses a mismatch with BadDigest), and returns a composite one without its "-<parts>";
 * the local tests cannot show S3's verification, only that the value returned is the one checked.
 */
export async function headVersion(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId: string,
): Promise<StoredVersion> {
  try {
    return await headObject(s3, bucket, key, versionId);
  } catch (error) {
    throw new ActionError(`read s3://${bucket}/${key}?versionId=${versionId}`, error, PERMISSIONS);
  }
}

async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<StoredVersion> {
  const head = await s3.send(
    new HeadObjectCommand({
      Bucket: bucket,
      Key: key,
      ...(versionId ? { VersionId: versionId } : {}),
      ChecksumMode: 'ENABLED',
    }),
  );
  return {
    versionId: head.VersionId,
    size: head.ContentLength,
    checksumSha256: head.ChecksumSHA256,
  };
}

export interface PutOptions {
  file: string;
  size: number;
  layout: Layout;
  params: ObjectParams;
  /** The key's multipart uploads open before this run (`openUploadIds`); empty for one PUT. */
  openBefore: ReadonlySet<string>;
}

/**
 * Sends the file (see send.ts): one PUT when the layout says so, otherwise a multipart upload.
 * After a multipart upload, failed or not, every upload of the key this run started and did not
 * complete is aborted (see sweep.ts); a failure's error says truthfully what is left, and a
 * success warns if anything is.
 */
export async function putPackage(
  s3: S3Client,
  options: PutOptions,
  warn: (message: string) => void,
): Promise<Sent> {
  const { Bucket: bucket, Key: key } = options.params;
  const where = { bucket, key };
  const { openBefore, layout } = options;
  const multipart = layout.multipart;
  const ours: { uploadId?: string } = {};
  let sent: Sent;
  try {
    sent = multipart
      ? await sendMultipart(s3, options.file, options.size, layout, options.params, (id) => {
          ours.uploadId = id;
        })
      : await sendSingle(s3, options.file, options.size, options.params);
  } catch (error) {
    // Our own upload first, by its id (this needs no listing), then whatever lost answers left.
    if (ours.uploadId) await abortUpload(s3, where, ours.uploadId).catch(() => undefined);
    const left = multipart
      ? sweepReport(await sweepOpenUploads(s3, where, openBefore), where)
      : 'Nothing partial was left behind: a single PUT stores the whole object or nothing.';
    throw new ActionError(
      `upload ${options.file} to s3://${bucket}/${key}`,
      error,
      `${left} ${PERMISSIONS}`,
    );
  }
  if (multipart) {
    // A success can leave uploads behind too: a CreateMultipartUpload whose answer was lost and
    // was retried started an upload that nobody completes. The object itself is complete and is
    // verified next, so what is left is only a cost: warn, do not fail the deploy.
    const swept = await sweepOpenUploads(s3, where, openBefore);
    if (!swept.listed || swept.stillOpen > 0) {
      warn(`The upload succeeded, but: ${sweepReport(swept, where)}`);
    }
  }
  return sent;
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

/** The ids of the key's open multipart uploads, read before an upload (see sweep.ts). */
export async function openUploadIds(s3: S3Client, where: Where): Promise<Set<string>> {
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

async function abortUpload(s3: S3Client, where: Where, uploadId: string): Promise<void> {
  try {
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: where.bucket, Key: where.key, UploadId: uploadId }),
    );
  } catch (abortError) {
    // Gone already (aborted just before, or a retried abort whose first answer was lost): the
    // listing after the sweep is what decides.
    if (awsErrorName(abortError) !== 'NoSuchUpload') throw abortError;
  }
}

/**
 * Aborts the key's uploads this run started, then lists again to see what is still open; when
 * there was nothing to abort, the first listing already says what is open.
 */
async function sweepOpenUploads(
  s3: S3Client,
  where: Where,
  openBefore: ReadonlySet<string>,
): Promise<SweepResult> {
  try {
    let after = await listOpenUploads(s3, where);
    const toAbort = uploadsToAbort(after, where.key, openBefore);
    for (const open of toAbort) await abortUpload(s3, where, open.uploadId);
    if (toAbort.length > 0) after = await listOpenUploads(s3, where);
    const ours = uploadsToAbort(after, where.key, openBefore).length;
    const ofKey = after.filter((u) => u.key === where.key && u.uploadId !== '').length;
    return { listed: true, stillOpen: ours, leftAlone: ofKey - ours };
  } catch (sweepError) {
    return { listed: false, error: errorMessage(sweepError) };
  }
}
