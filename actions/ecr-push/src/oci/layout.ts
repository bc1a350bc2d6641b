/** Reads an OCI image layout directory (what `buildx --output type=oci` and umoci write). */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { digestHex } from './digest';
import type { Image } from './image';
import { ImageError, parseDescriptor } from './manifest';
import { collectImage } from './walk';

export function blobPath(dir: string, digest: string): string {
  return path.join(dir, 'blobs', 'sha256', digestHex(digest));
}

export async function loadLayout(dir: string): Promise<Image> {
  if (!existsSync(path.join(dir, 'oci-layout'))) {
    throw new ImageError('it has index.json but no oci-layout file, so it is not an OCI layout');
  }
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
  } catch (error) {
    throw new ImageError(`its index.json is not readable JSON (${String(error)})`);
  }
  const entries = (index as { manifests?: unknown }).manifests;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ImageError('its index.json lists no manifests');
  }
  if (entries.length > 1) {
    const names = entries.map(
      (e: { annotations?: Record<string, string> }) =>
        e.annotations?.['org.opencontainers.image.ref.name'] ?? '(unnamed)',
    );
    throw new ImageError(
      `its index.json lists ${entries.length} manifests (${names.join(', ')}); this action pushes one image (or one multi-platform index) per step`,
    );
  }
  const root = parseDescriptor(entries[0], 'manifest', 'manifests[0] of index.json');
  const image = await collectImage(root, async (descriptor) => {
    try {
      return await readFile(blobPath(dir, descriptor.digest));
    } catch {
      throw new ImageError(`manifest ${descriptor.digest} is missing from blobs/sha256/`);
    }
  });
  for (const blob of image.blobs.values()) {
    const file = blobPath(dir, blob.digest);
    if (!existsSync(file)) {
      throw new ImageError(`blob ${blob.digest} (${blob.mediaType}) is missing from blobs/sha256/`);
    }
    blob.path = file;
  }
  return image;
}
