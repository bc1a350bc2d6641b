/**
 * Reads the image to promote from its source registry, by digest: every manifest is checked
 * against its digest as it arrives, and blobs the target lacks are downloaded to temp files and
 * checked before anything is pushed. Within one registry, blobs are mounted instead.
 */
import path from 'node:path';
import type { Image } from './oci/image';
import { ImageError } from './oci/manifest';
import { collectImage } from './oci/walk';
import type { RegistryClient } from './registry/client';
import type { ImageReference } from './registry/endpoint';
import { mapLimit } from './registry/pool';
import type { BlobRef } from './oci/image';
import { digestHex } from './oci/digest';

export async function loadRemoteImage(source: RegistryClient, ref: ImageReference): Promise<Image> {
  const root = await source.getManifest(ref.repository, ref.digest);
  // An empty media type (the source sent no Content-Type) lets the document's own field decide.
  return collectImage(
    { digest: ref.digest, size: root.bytes.length, mediaType: root.mediaType ?? '' },
    async (descriptor) =>
      descriptor.digest === ref.digest
        ? root.bytes
        : (await source.getManifest(ref.repository, descriptor.digest)).bytes,
  );
}

/** Downloads one blob to `dir` and checks it; sets blob.path. */
export async function fetchBlob(
  source: RegistryClient,
  repository: string,
  blob: BlobRef,
  dir: string,
): Promise<void> {
  const file = path.join(dir, digestHex(blob.digest));
  const got = await source.downloadBlob(repository, blob.digest, file);
  if (got.digest !== blob.digest || got.size !== blob.size) {
    throw new ImageError(
      `blob ${blob.digest} from ${source.endpoint.host}/${repository} is corrupt: got ${got.size} bytes hashing to ${got.digest}`,
    );
  }
  blob.path = file;
  blob.verified = true;
}

export async function fetchBlobs(
  source: RegistryClient,
  repository: string,
  blobs: readonly BlobRef[],
  dir: string,
  concurrency: number,
): Promise<void> {
  await mapLimit(blobs, concurrency, (blob) => fetchBlob(source, repository, blob, dir));
}
