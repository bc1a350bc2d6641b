/**
 * The bytes on the wire, hashed as they are sent: the file is read once, in part-sized buffers,
 * and each buffer is hashed (its own SHA-256 and the whole file's) and then sent with its SHA-256,
 * which S3 verifies before storing the part. What is hashed is exactly what was sent, even if the
 * file changed on disk meanwhile.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { FileDigests } from '@pipelines/action-kit/checksum';
import type { Layout } from './layout';

/** What every write of the object carries besides its bytes. */
export interface ObjectParams {
  Bucket: string;
  Key: string;
  /** As a header on PutObject/CreateMultipartUpload, so the tags land on this very version. */
  Tagging: string;
  ContentType: string;
}

export interface Sent {
  versionId: string | undefined;
  digests: FileDigests;
}

/**
 * Reads exactly `length` bytes at `position` into `buffer` (a fresh one when none is given), or
 * fails: the file must not shrink while sent.
 */
async function readPart(
  file: FileHandle,
  position: number,
  length: number,
  into?: Buffer,
): Promise<Buffer> {
  const buffer = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new Error(`the file ended after ${position + filled} bytes`);
    filled += bytesRead;
  }
  return buffer;
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/**
 * Gives SigV4 the body's SHA-256 we already have (x-amz-content-sha256), so the signer does not
 * hash every byte a second time; S3 checks it against the body too.
 */
function withPayloadSha256<C extends PutObjectCommand | UploadPartCommand>(
  command: C,
  digest: Buffer,
): C {
  // The two commands' stacks differ only in their input and output types, which this
  // build-step middleware does not touch: one structural view serves both.
  const stack = command.middlewareStack as unknown as BuildStack;
  stack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-content-sha256'] = digest.toString('hex');
      return next(args);
    },
    { step: 'build', name: 'payloadSha256FromPartDigest' },
  );
  return command;
}

interface BuildStack {
  add(
    middleware: (
      next: (args: { request: unknown }) => Promise<unknown>,
    ) => (args: { request: unknown }) => Promise<unknown>,
    options: { step: 'build'; name: string },
  ): void;
}

/** One PUT, with the SHA-256 of its body in the request (S3 refuses it on a mismatch). */
export async function sendSingle(
  s3: S3Client,
  path: string,
  size: number,
  params: ObjectParams,
): Promise<Sent> {
  const file = await open(path, 'r');
  let body: Buffer;
  try {
    body = await readPart(file, 0, size);
  } finally {
    await file.close();
  }
  const digest = sha256Of(body);
  const put = await s3.send(
    withPayloadSha256(
      new PutObjectCommand({
        ...params,
        Body: body,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: digest.toString('base64'),
      }),
      digest,
    ),
  );
  return {
    versionId: put.VersionId,
    digests: { sha256: digest.toString('hex'), partDigests: [digest] },
  };
}

/**
 * A multipart upload: parts read in order (the whole-file hash needs them in order), up to
 * `layout.concurrency` of them in flight. The first part is read and hashed while S3 creates the
 * upload. `started` learns the UploadId as soon as S3 gives it. On a failure no further part
 * starts; the caller aborts.
 */
export async function sendMultipart(
  s3: S3Client,
  path: string,
  size: number,
  layout: Layout,
  params: ObjectParams,
  started: (uploadId: string) => void,
): Promise<Sent> {
  const creating = s3
    .send(new CreateMultipartUploadCommand({ ...params, ChecksumAlgorithm: 'SHA256' }))
    .then(({ UploadId }) => {
      if (!UploadId) throw new Error('S3 returned no UploadId');
      started(UploadId);
      return UploadId;
    });
  // Awaited before the first part is sent, or in `finally` when reading the file fails first.
  creating.catch(() => undefined);
  const whole = createHash('sha256');
  const partDigests: Buffer[] = [];
  const completed: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  // Part buffers whose part S3 has stored, for the next parts to be read into: at most
  // `concurrency` + 1 buffers ever exist, and fresh memory is not faulted in for every part.
  const spare: Buffer[] = [];
  // A holder, not a `let`: the part callbacks set it, and the loop reads it between parts.
  const state: { failure?: { error: unknown } } = {};
  const file = await open(path, 'r');
  try {
    for (let n = 1; n <= layout.parts && !state.failure; n++) {
      const position = (n - 1) * layout.partSize;
      const buffer = spare.pop() ?? Buffer.allocUnsafe(layout.partSize);
      const body = await readPart(
        file,
        position,
        Math.min(layout.partSize, size - position),
        buffer,
      );
      // The part's own digest goes in its request; the whole file's is needed only at the end.
      const digest = sha256Of(body);
      partDigests.push(digest);
      const uploadId = await creating;
      const sending = s3
        .send(
          withPayloadSha256(
            new UploadPartCommand({
              Bucket: params.Bucket,
              Key: params.Key,
              UploadId: uploadId,
              PartNumber: n,
              Body: body,
              ChecksumAlgorithm: 'SHA256',
              ChecksumSHA256: digest.toString('base64'),
            }),
            digest,
          ),
        )
        .then((part) => {
          completed.push({
            PartNumber: n,
            ETag: part.ETag,
            ChecksumSHA256: digest.toString('base64'),
          });
          // Only after S3 answered: until then a retry may send the bytes again.
          spare.push(buffer);
        })
        .catch((error: unknown) => {
          state.failure ??= { error };
        })
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      // Let the request go out first (its headers, then a wait for S3's 100 Continue): the
      // whole-file hash of the part runs meanwhile instead of before it.
      await new Promise((resolve) => setImmediate(resolve));
      whole.update(body);
      if (inFlight.size >= layout.concurrency) await Promise.race(inFlight);
    }
  } finally {
    // Every part started has settled before anything else happens (a failed read included), so
    // the caller's abort finds no part still arriving, and knows the UploadId if S3 gave one.
    await Promise.allSettled([creating, ...inFlight]);
    await file.close();
  }
  if (state.failure) throw state.failure.error;
  const uploadId = await creating;
  completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  const done = await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: params.Bucket,
      Key: params.Key,
      UploadId: uploadId,
      MultipartUpload: { Parts: completed },
    }),
  );
  return { versionId: done.VersionId, digests: { sha256: whole.digest('hex'), partDigests } };
}
