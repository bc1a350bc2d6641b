/**
 * An upload, in order: check everything that can be checked locally and read-only (file, tags,
 * bucket versioning), then skip if the newest version is already these bytes, else upload and
 * verify what the server stored. Nothing is written before every check has passed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ActionError, InputError } from '@pipelines/shared/src/errors';
import { sha256File } from '@pipelines/shared/src/checksum';
import { type Env } from '@pipelines/shared/src/inputs';
import { inspectFile } from './file';
import type { Inputs } from './inputs';
import { planUpload, storedProblems, versioningProblem } from './plan';
import { bucketVersioning, headVersion, putPackage } from './s3';
import { objectTags, taggingHeader, type Tag } from './tags';

export interface UploadResult {
  versionId: string;
  sha256: string;
  size: number;
  uploaded: boolean;
  multipart: boolean;
  tags: Tag[];
}

const MiB = 1024 * 1024;

export async function uploadPackage(
  s3: S3Client,
  inputs: Readonly<Inputs>,
  env: Env,
  log: (message: string) => void,
  warn: (message: string) => void,
): Promise<UploadResult> {
  const file = await inspectFile(inputs.file);
  const tags = objectTags(env, inputs.tags);
  const sha256 = await sha256File(file.path);
  log(`${file.path}: ${file.size} bytes, sha256 ${sha256}`);

  const refused = versioningProblem(inputs.bucket, await bucketVersioning(s3, inputs.bucket));
  if (refused) throw new InputError('bucket', refused.problem, refused.fix);

  const plan = planUpload(await headVersion(s3, inputs.bucket, inputs.key), sha256);
  if (!plan.upload) {
    log(`The newest version ${plan.versionId} already has sha256 ${sha256}: nothing to upload.`);
    return {
      versionId: plan.versionId,
      sha256,
      size: file.size,
      uploaded: false,
      multipart: false,
      tags: [],
    };
  }

  const partSizeBytes = inputs.partSizeMb * MiB;
  const multipart = file.size > partSizeBytes;
  log(
    multipart
      ? `Uploading in ${Math.ceil(file.size / partSizeBytes)} parts of ${inputs.partSizeMb} MiB, ${inputs.concurrency} at a time.`
      : 'Uploading in one PUT.',
  );
  const versionId = await putPackage(
    s3,
    {
      file: file.path,
      bucket: inputs.bucket,
      key: inputs.key,
      sha256,
      tagging: taggingHeader(tags),
      partSizeBytes,
      concurrency: inputs.concurrency,
      multipart,
    },
    warn,
  );
  const where = `s3://${inputs.bucket}/${inputs.key}`;
  if (!versionId) {
    throw new ActionError(
      `upload ${where}`,
      'S3 returned no VersionId',
      'Check that versioning is still Enabled.',
    );
  }
  const stored = (await headVersion(s3, inputs.bucket, inputs.key, versionId)) ?? {};
  const problems = storedProblems(stored, sha256, multipart);
  if (problems.length > 0) {
    throw new ActionError(
      `verify ${where}?versionId=${versionId}`,
      problems.join('; '),
      'Do not deploy this version; re-run the upload.',
    );
  }
  return { versionId, sha256, size: file.size, uploaded: true, multipart, tags };
}
