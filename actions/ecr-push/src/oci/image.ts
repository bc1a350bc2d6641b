/**
 * The one model of an image this action pushes, whatever it was read from (an OCI layout, an
 * archive, a docker-archive, or a source registry): the manifests to put, children before
 * parents, and the blobs they reference.
 */
import type { Descriptor } from './manifest';

export interface ManifestDoc {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface BlobRef extends Descriptor {
  /** A local file holding the bytes (for remote sources once downloaded). */
  path?: string;
  /**
   * The file's bytes are known to hash to `digest` (hashed while reading a docker-archive, or
   * checked as downloaded). A layout's blobs are checked only when they are to be uploaded.
   */
  verified?: boolean;
}

export interface Image {
  /** Every manifest, children first, the root (the one tags point at) last. */
  manifests: ManifestDoc[];
  /** Every distinct blob the manifests reference, by digest. */
  blobs: Map<string, BlobRef>;
}

export function rootOf(image: Image): ManifestDoc {
  const root = image.manifests[image.manifests.length - 1];
  if (!root) throw new Error('image has no manifest');
  return root;
}
