/**
 * An upload, in order: check everything that can be checked locally and read-only (file, tags,
 * bucket versioning), then skip if S3's own checksum proves the newest version is already these
 * bytes, else upload (hashing while sending) and verify S3's checksum of what it stored. Nothing
 * is written before every check has passed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ActionError, InputError } from '@pipelines/action-kit/errors';
import { sha256FileParts, type FileDigests } from '@pipelines/action-kit/checksum';
import { type Env } from '@pipelines/action-kit/inputs';
import { inspectFile } from './file';
import type { Inputs } from './inputs';
import { chooseLayout, MiB, type Layout } from './layout';
import { planUpload, storedProblems, versioningProblem, type Proof } from './plan';
import { bucketVersioning, currentSize, headVersion, newestVersion, putPackage } from './s3';
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

  const refused = versioningProblem(inputs.bucket, await bucketVersioning(s3, inputs.bucket));
  if (refused) throw new InputError('bucket', refused.problem, refused.fix);

  const where = `s3://${inputs.bucket}/${inputs.key}`;
  // Only a newest version of the same size can hold these bytes: only then is the file hashed
  // before the upload (a re-run); otherwise it is read once, hashed as it is sent.
  const newest =
    (await currentSize(s3, inputs.bucket, inputs.key)) === file.size
      ? await newestVersion(s3, inputs.bucket, inputs.key)
      : undefined;
  if (newest && newest.size === file.size) {
    const digests = await sha256FileParts(file.path, layout.partSize);
    const stored = await headVersion(s3, inputs.bucket, inputs.key, newest.versionId);
    const plan = planUpload(stored, digests);
    if (!plan.upload) {
      log(
        `The newest version ${plan.versionId} already holds these bytes (S3's ${plan.proof} checksum): nothing to upload.`,
      );
      return {
        versionId: plan.versionId,
        sha256: digests.sha256,
        proof: plan.proof,
        size: file.size,
        uploaded: false,
        multipart: false,
        tags: [],
      };
    }
  }

  log(describe(layout));
  const sent = await putPackage(
    s3,
    {
      file: file.path,
      size: file.size,
      layout,
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
      `upload ${where}`,
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
