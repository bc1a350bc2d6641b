/**
 * Uploads one verified blob from a local file: one PUT when it fits in a chunk, else PATCHes of
 * chunk size then a closing PUT with the digest (the registry checks the digest again).
 */
import { open } from 'node:fs/promises';
import { chunkRanges } from '../decide';
import type { RegistryClient } from './client';

export interface UploadableBlob {
  digest: string;
  size: number;
  path: string;
}

/** Returns the number of requests that carried bytes. `location` reuses an open session. */
export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  blob: UploadableBlob,
  chunkSize: number,
  location?: string,
): Promise<number> {
  let at = location ?? (await client.startUpload(repository));
  const ranges = chunkRanges(blob.size, chunkSize);
  const file = await open(blob.path, 'r');
  try {
    const read = async ([start, end]: [number, number]) => {
      const buffer = Buffer.alloc(end - start);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
      if (bytesRead !== buffer.length) throw new Error(`${blob.path} changed while uploading`);
      return buffer;
    };
    if (ranges.length === 1) {
      await client.finishUpload(at, blob.digest, await read(ranges[0] as [number, number]));
      return 1;
    }
    for (const range of ranges) at = await client.patchChunk(at, await read(range), range[0]);
    await client.finishUpload(at, blob.digest);
    return ranges.length;
  } catch (error) {
    await client.cancelUpload(at);
    throw error;
  } finally {
    await file.close();
  }
}
