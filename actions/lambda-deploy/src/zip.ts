/** A local zip for a direct upload: read whole (Lambda takes it in the request), within limits. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { InputError, errorMessage } from '@pipelines/action-kit/errors';

/** Lambda's limit for a zip sent in the request; bigger packages go through S3. */
export const MAX_DIRECT_ZIP_BYTES = 50 * 1024 * 1024;

export async function readZip(
  file: string,
  expectedSha256: string | undefined,
  cwd: string = process.cwd(),
): Promise<{ bytes: Uint8Array; sha256: string }> {
  const absolute = path.resolve(cwd, file);
  const info = await stat(absolute).catch((error: unknown) => {
    throw new InputError(
      'zip-file',
      `cannot be read (${errorMessage(error)})`,
      'Check the path of the zip.',
    );
  });
  if (!info.isFile())
    throw new InputError(
      'zip-file',
      `is not a regular file (${absolute})`,
      'Give the path of a zip.',
    );
  if (info.size === 0)
    throw new InputError('zip-file', `is empty (${absolute})`, 'Check the package step.');
  if (info.size > MAX_DIRECT_ZIP_BYTES) {
    throw new InputError(
      'zip-file',
      `is ${info.size} bytes, over Lambda's 50 MB limit for a direct upload`,
      'Upload it with s3-upload and deploy with s3-bucket, s3-key and s3-object-version.',
    );
  }
  const bytes = await readFile(absolute);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
    throw new InputError(
      'expected-sha256',
      `is ${expectedSha256}, but ${absolute} has sha256 ${sha256}`,
      'Deploy the package that was approved, or pass its sha256.',
    );
  }
  return { bytes, sha256 };
}
