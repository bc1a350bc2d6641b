/**
 * Walks an image from its root descriptor: loads each manifest (from disk or a registry),
 * checks its bytes against its digest, and collects the blobs. Children come before parents,
 * which is the order a registry needs them put in.
 */
import { sha256Digest } from './digest';
import type { BlobRef, Image, ManifestDoc } from './image';
import { ImageError, parseManifest, type Descriptor } from './manifest';

export type LoadManifest = (descriptor: Descriptor) => Promise<Buffer>;

export async function collectImage(root: Descriptor, load: LoadManifest): Promise<Image> {
  const manifests: ManifestDoc[] = [];
  const blobs = new Map<string, BlobRef>();
  const seen = new Set<string>();

  const visit = async (descriptor: Descriptor, depth: number): Promise<void> => {
    if (seen.has(descriptor.digest)) return;
    if (depth > 4) throw new ImageError(`indexes nest deeper than 4 at ${descriptor.digest}`);
    seen.add(descriptor.digest);
    const bytes = await load(descriptor);
    const actual = sha256Digest(bytes);
    if (actual !== descriptor.digest) {
      throw new ImageError(`manifest ${descriptor.digest} is corrupt: its bytes hash to ${actual}`);
    }
    if (bytes.length !== descriptor.size) {
      throw new ImageError(
        `manifest ${descriptor.digest} is ${bytes.length} bytes but its descriptor says ${descriptor.size}`,
      );
    }
    const parsed = parseManifest(bytes, descriptor.mediaType, descriptor.digest);
    if (parsed.kind === 'index') {
      for (const child of parsed.manifests) await visit(child, depth + 1);
    } else {
      for (const blob of [parsed.config, ...parsed.layers]) {
        const known = blobs.get(blob.digest);
        if (known && known.size !== blob.size) {
          throw new ImageError(
            `blob ${blob.digest} is listed with two sizes (${known.size} and ${blob.size})`,
          );
        }
        if (!known) blobs.set(blob.digest, { ...blob });
      }
    }
    manifests.push({ digest: descriptor.digest, mediaType: parsed.mediaType, bytes });
  };

  await visit(root, 0);
  return { manifests, blobs };
}
