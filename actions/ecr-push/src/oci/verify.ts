/** Checks every local blob's bytes against its name and size, before anything is pushed. */
import { sha256File } from './digest';
import type { Image } from './image';
import { ImageError } from './manifest';

export async function verifyBlobs(image: Image): Promise<void> {
  for (const blob of image.blobs.values()) {
    if (!blob.path) continue;
    const { digest, size } = await sha256File(blob.path);
    if (digest !== blob.digest) {
      throw new ImageError(`blob ${blob.digest} is corrupt: its bytes hash to ${digest}`);
    }
    if (size !== blob.size) {
      throw new ImageError(
        `blob ${blob.digest} is ${size} bytes but its descriptor says ${blob.size}`,
      );
    }
  }
}
