/**
 * Checks local blobs' bytes against their digest and size, before anything is pushed. Only the
 * blobs that will be uploaded need it: a blob the registry already has is never read, and the
 * registry holds the bytes of that digest whatever the local file says.
 */
import { sha256File } from './digest';
import type { BlobRef } from './image';
import { ImageError } from './manifest';

export async function verifyBlobs(blobs: Iterable<BlobRef>): Promise<void> {
  for (const blob of blobs) {
    if (!blob.path || blob.verified) continue;
    const { digest, size } = await sha256File(blob.path);
    if (digest !== blob.digest) {
      throw new ImageError(`blob ${blob.digest} is corrupt: its bytes hash to ${digest}`);
    }
    if (size !== blob.size) {
      throw new ImageError(
        `blob ${blob.digest} is ${size} bytes but its descriptor says ${blob.size}`,
      );
    }
    blob.verified = true;
  }
}
