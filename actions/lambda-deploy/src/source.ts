/**
 * The package's bytes, checked in S3 before anything changes: the exact object version must hold
 * bytes whose sha256 is expected-sha256. Trusted are only S3's checksum of the stored bytes (a
 * single PUT's full-object SHA-256) or the bytes themselves, never metadata, which whoever may
 * write the key sets freely. A multipart object's composite checksum cannot be compared with a
 * whole-file sha256 without its part layout, so such an object is read and hashed.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sha256Base64ToHex } from '@pipelines/action-kit/checksum';
import { ActionError } from '@pipelines/action-kit/errors';
import type { S3Source } from './decide';

const PERMISSIONS = 'Check that the role may s3:GetObjectVersion on the package';

export const objectUrl = (source: S3Source) =>
  `s3://${source.bucket}/${source.key}?versionId=${source.version}`;

/** How the version's bytes were proven to be the package. */
export type SourceProof = "S3's full-object SHA-256" | 'hashed from its bytes';

export async function verifyObjectVersion(
  s3: S3Client,
  source: S3Source,
  expectedHex: string,
): Promise<SourceProof> {
  const stored = await headChecksum(s3, source);
  const storedHex = stored ? sha256Base64ToHex(stored) : undefined;
  const [actualHex, proof]: [string, SourceProof] = storedHex
    ? [storedHex, "S3's full-object SHA-256"]
    : [await hashObjectVersion(s3, source), 'hashed from its bytes'];
  if (actualHex !== expectedHex) {
    throw new ActionError(
      `deploy ${objectUrl(source)}`,
      `its bytes have sha256 ${actualHex} (${proof}), not expected-sha256 ${expectedHex}`,
      'Nothing was changed. Deploy the version-id and sha256 of the same s3-upload step; a version whose bytes differ may have been planted under the key by someone who may write it',
    );
  }
  return proof;
}

async function headChecksum(s3: S3Client, source: S3Source): Promise<string | undefined> {
  try {
    const head = await s3.send(
      new HeadObjectCommand({
        Bucket: source.bucket,
        Key: source.key,
        VersionId: source.version,
        ChecksumMode: 'ENABLED',
      }),
    );
    return head.ChecksumSHA256;
  } catch (error) {
    throw new ActionError(
      `read ${objectUrl(source)}`,
      error,
      `Nothing was changed. ${PERMISSIONS}`,
    );
  }
}

/** Reads one exact object version, chunk by chunk, into `sink`. */
async function eachChunk(
  s3: S3Client,
  source: S3Source,
  sink: (chunk: Buffer) => void,
): Promise<void> {
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.version }),
    );
    for await (const chunk of object.Body as Readable) sink(chunk as Buffer);
  } catch (error) {
    throw new ActionError(`read ${objectUrl(source)}`, error, PERMISSIONS);
  }
}

/** The hex sha256 of one exact object version, streamed (never held in memory whole). */
async function hashObjectVersion(s3: S3Client, source: S3Source): Promise<string> {
  const hash = createHash('sha256');
  await eachChunk(s3, source, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/** The bytes of one exact object version (to send Lambda as a zip). */
export async function readObjectVersion(s3: S3Client, source: S3Source): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await eachChunk(s3, source, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
