/**
 * An upload, in order: check everything that can be checked locally (file, tags), then read what
 * S3 has (bucket versioning, the key's current size and, for a multipart upload, its open uploads:
 * all read-only, asked at once), then skip if S3's own checksum proves the current version is
 * already these bytes, else upload (hashing while sending) and verify S3's checksum of what it
 * stored. Nothing is written before every check has passed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ActionError, InputError } from '@pipelines/action-kit/errors';
import { sha256FileParts, type FileDigests } from '@pipelines/action-kit/checksum';
import { type Env } from '@pipelines/action-kit/inputs';
import { inspectFile, type PackageFile } from './file';
import type { Inputs } from './inputs';
import { chooseLayout, MiB, type Layout } from './layout';
import { planUpload, storedProblems, versioningProblem, type Proof } from './decide';
import {
  bucketVersioning,
  currentSize,
  currentVersion,
  headVersion,
  openUploadIds,
  putPackage,
} from './s3';
import { objectTags, taggingHeader, type Tag } from './tags';

export interface UploadResult {
  versionId: string;
  /** The file's hex sha256, proven equal to the stored bytes by S3's own checksum. */
  sha256: string;
  /** Which of S3's checksums proved it. */
  proof: Proof;
  size: number;
  uploaded: boolean;
  multipart: boolean;
  tags: Tag[];
}

export async function uploadPackage(
  s3: S3Client,
  inputs: Readonly<Inputs>,
  env: Env,
  log: (message: string) => void,
  warn: (message: string) => void,
): Promise<UploadResult> {
  const file = await inspectFile(inputs.file);
  const tags = objectTags(env, inputs.tags);
  const layout = chooseLayout(file.size, inputs);
  const where = { bucket: inputs.bucket, key: inputs.key };

  // Independent reads, asked at once (each is a round trip); judged in order below, so a refused
  // bucket fails with that reason whatever else failed.
  const versioning = bucketVersioning(s3, inputs.bucket);
  const size = handledLater(currentSize(s3, inputs.bucket, inputs.key));
  // Before anything is written: tells our multipart uploads from older ones after a failure, and
  // checks up front that the role may list them (else the sweep could not).
  const openBefore = handledLater(
    layout.multipart ? openUploadIds(s3, where) : Promise.resolve(new Set<string>()),
  );
  const refused = versioningProblem(inputs.bucket, await versioning);
  if (refused) throw new InputError('bucket', refused.problem, refused.fix);

  // Only a current object of the same size can hold these bytes: only then is the file hashed
  // before the upload (a re-run); otherwise it is read once, hashed as it is sent.
  if ((await size) === file.size) {
    const skip = await alreadyStored(s3, inputs, file, layout);
    if (skip) {
      log(
        `The newest version ${skip.versionId} already holds these bytes (S3's ${skip.proof} checksum): nothing to upload.`,
      );
      return { ...skip, size: file.size, uploaded: false, multipart: false, tags: [] };
    }
  }

  log(describe(layout));
  const sent = await putPackage(
    s3,
    {
      file: file.path,
      size: file.size,
      layout,
      openBefore: await openBefore,
      params: {
        Bucket: inputs.bucket,
        Key: inputs.key,
        Tagging: taggingHeader(tags),
        ContentType: 'application/octet-stream',
      },
    },
    warn,
  );
  log(`${file.path}: ${file.size} bytes, sha256 ${sent.digests.sha256}`);
  if (!sent.versionId) {
    throw new ActionError(
      `upload s3://${inputs.bucket}/${inputs.key}`,
      'S3 returned no VersionId',
      'Check that versioning is still Enabled.',
    );
  }
  const proof = await verifyStored(s3, inputs, sent.versionId, {
    ...sent.digests,
    size: file.size,
  });
  return {
    versionId: sent.versionId,
    sha256: sent.digests.sha256,
    proof,
    size: file.size,
    uploaded: true,
    multipart: layout.multipart,
    tags,
  };
}

/**
 * The current version when S3's own checksum of it proves it holds the file's bytes. Its checksum
 * is read while the file is hashed: the hashing is the long part, the read one round trip.
 */
async function alreadyStored(
  s3: S3Client,
  inputs: Readonly<Inputs>,
  file: PackageFile,
  layout: Layout,
): Promise<{ versionId: string; sha256: string; proof: Proof } | undefined> {
  const hashing = handledLater(sha256FileParts(file.path, layout.partSize));
  const stored = await currentVersion(s3, inputs.bucket, inputs.key);
  if (stored?.size !== file.size) return undefined;
  const digests = await hashing;
  const plan = planUpload(stored, digests);
  return plan.upload
    ? undefined
    : { versionId: plan.versionId, sha256: digests.sha256, proof: plan.proof };
}

/**
 * A promise awaited later, maybe never (when an earlier step throws first): marked handled now,
 * so its rejection does not end the process as unhandled; awaiting it still throws.
 */
function handledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** S3's checksum of the exact version we wrote must be the one of the bytes we sent. */
async function verifyStored(
  s3: S3Client,
  inputs: Readonly<Inputs>,
  versionId: string,
  sent: FileDigests & { size: number },
): Promise<Proof> {
  const stored = await headVersion(s3, inputs.bucket, inputs.key, versionId);
  const problems = storedProblems(stored, sent);
  const plan = planUpload(stored, sent);
  if (problems.length > 0 || plan.upload) {
    throw new ActionError(
      `verify s3://${inputs.bucket}/${inputs.key}?versionId=${versionId}`,
      problems.join('; '),
      'Do not deploy this version; re-run the upload.',
    );
  }
  return plan.proof;
}

function describe(layout: Layout): string {
  if (!layout.multipart) return 'Uploading in one PUT.';
  const mib = Math.round((layout.partSize / MiB) * 10) / 10;
  return `Uploading in ${layout.parts} parts of ${mib} MiB, ${layout.concurrency} at a time.`;
}
