/** Content digests: parsing, and sha256 of bytes and of files (streamed, never whole in memory). */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface FileDigest {
  digest: string;
  size: number;
}

export async function sha256File(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** The hex part of a sha256 digest (its file name under blobs/sha256/). */
export function digestHex(digest: string): string {
  return digest.slice('sha256:'.length);
}
