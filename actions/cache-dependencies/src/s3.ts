/**
 * The `s3` backend: a bucket of the user's, for self-hosted runners and stores larger than
 * GitHub's cache allows. Entries are scoped by repository and ref (see s3Layout.ts and scope.ts).
 *
 * Atomic writes: a reader never sees half an archive, because S3 makes an object visible only
 * when its PutObject or CompleteMultipartUpload succeeds. So the archive is written straight to
 * its final key; a temporary key plus CopyObject would cost a second full write (and a multipart
 * copy above 5 GB) for no extra safety.
 *
 * Never overwrite: every write is conditional (`If-None-Match: *`), on PutObject and on
 * CompleteMultipartUpload, so when two jobs save one key at once S3 lets exactly one win and the
 * other gets 412 Precondition Failed (or 409 while the first is still completing), which we
 * report as "already saved". A HEAD before archiving only saves work; it is not the guard.
 *
 * Credentials come from the SDK's default chain; nothing here keeps or logs them.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { ActionError, awsClientConfig, awsErrorName, httpStatusOf } from '@pipelines/action-kit';
import { ARCHIVE_FILE, UnusableArchiveError } from './archive';
import type { CacheBackend, Downloaded, Found, SaveResult } from './backend';
import type { CacheKeys } from './key';
import { newest, objectKey, refPrefix } from './s3Layout';
import type { Scope } from './scope';

export interface S3BackendOptions {
  bucket: string;
  /** The bucket folder that holds the cache. */
  root: string;
  scope: Scope;
  region: string;
}

/** Same as the AWS CLI: multipart above 8 MiB, in parts of at least 8 MiB, 4 at a time. */
const PART_SIZE = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
const CONCURRENCY = 4;

const PERMISSIONS =
  'The role needs s3:GetObject, s3:PutObject and s3:ListBucket on the bucket ' +
  '(and s3:AbortMultipartUpload), and the bucket must exist in the region given.';

interface Located extends Found {
  objectKey: string;
}

export function s3Backend(options: S3BackendOptions): CacheBackend {
  const client = new S3Client(
    awsClientConfig('s3', { region: options.region, action: 'cache-dependencies' }),
  );
  const { bucket, root, scope } = options;
  const where = (key: string) => `s3://${bucket}/${key}`;

  async function exists(key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      // A HEAD has no body: a missing key and a missing bucket both say 404 "NotFound". The
      // listing that follows every exact miss tells a missing bucket apart (NoSuchBucket).
      if (httpStatusOf(error) === 404) return false;
      throw new ActionError(`look up ${where(key)}`, describe(error), PERMISSIONS);
    }
  }

  async function newestUnder(prefix: string): Promise<string | undefined> {
    const listed: { Key?: string; LastModified?: Date }[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        listed.push(...(page.Contents ?? []));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw new ActionError(`list ${where(prefix)}*`, describe(error), PERMISSIONS);
    }
    return newest(listed)?.Key;
  }

  async function locate(keys: CacheKeys): Promise<Located | undefined> {
    // GitHub's order: the exact key in every readable ref, then the restore prefix in each.
    for (const ref of scope.readRefs) {
      const key = objectKey(root, scope.repository, ref, keys.key);
      if (await exists(key)) return { matchedKey: keys.key, objectKey: key };
    }
    for (const ref of scope.readRefs) {
      const prefix = refPrefix(root, scope.repository, ref);
      const found = await newestUnder(prefix + keys.restorePrefix);
      if (found) return { matchedKey: found.slice(prefix.length), objectKey: found };
    }
    return undefined;
  }

  async function download(located: Located, file: string): Promise<void> {
    let response;
    try {
      response = await client.send(
        new GetObjectCommand({ Bucket: bucket, Key: located.objectKey }),
      );
    } catch (error) {
      throw new ActionError(`download ${where(located.objectKey)}`, describe(error), PERMISSIONS);
    }
    try {
      await pipeline(response.Body as Readable, createWriteStream(file));
    } catch (error) {
      throw new UnusableArchiveError(
        `the download broke off (${describe(error)})`,
        located.matchedKey,
      );
    }
    const size = (await stat(file)).size;
    if (response.ContentLength !== undefined && size !== response.ContentLength) {
      throw new UnusableArchiveError(
        `the download is ${size} bytes, the object ${response.ContentLength}`,
        located.matchedKey,
      );
    }
  }

  async function put(key: string, archive: string, size: number): Promise<void> {
    if (size <= PART_SIZE) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(archive),
          ContentLength: size,
          IfNoneMatch: '*',
        }),
      );
      return;
    }
    const partSize = Math.max(PART_SIZE, Math.ceil(size / MAX_PARTS));
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    try {
      const count = Math.ceil(size / partSize);
      const parts: CompletedPart[] = new Array(count);
      let next = 0;
      const worker = async () => {
        for (let index = next++; index < count; index = next++) {
          const start = index * partSize;
          const length = Math.min(partSize, size - start);
          const { ETag } = await client.send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId,
              PartNumber: index + 1,
              Body: createReadStream(archive, { start, end: start + length - 1 }),
              ContentLength: length,
            }),
          );
          parts[index] = { ETag, PartNumber: index + 1 };
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
        .catch(() => undefined); // a lifecycle rule should clean up what this cannot
      throw error;
    }
  }

  return {
    name: 's3',
    async lookup(keys) {
      const located = await locate(keys);
      return located && { matchedKey: located.matchedKey };
    },
    async download(keys, dir): Promise<Downloaded | undefined> {
      const located = await locate(keys);
      if (!located) return undefined;
      const archive = path.join(dir, ARCHIVE_FILE);
      await download(located, archive);
      return { matchedKey: located.matchedKey, archive };
    },
    async save(key, archive): Promise<SaveResult> {
      const target = objectKey(root, scope.repository, scope.writeRef, key);
      if (await exists(target)) return 'exists';
      try {
        await put(target, archive, (await stat(archive)).size);
        return 'saved';
      } catch (error) {
        const status = httpStatusOf(error);
        if (status === 412 || status === 409) return 'exists';
        throw new ActionError(`save ${where(target)}`, describe(error), PERMISSIONS);
      }
    },
  };
}

function describe(error: unknown): string {
  const name = awsErrorName(error);
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return [name, status && `HTTP ${status}`, message !== name && message].filter(Boolean).join(': ');
}
