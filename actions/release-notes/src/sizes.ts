/**
 * The sizes of what this run deploys: the package zip's bytes, and the image's as a registry
 * stores it (its config plus its layers, compressed, as the image manifest lists them).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string };
  annotations?: Record<string, string>;
}

interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

const INDEXES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

async function blob(layout: string, digest: string | undefined): Promise<Manifest> {
  const match = /^sha256:([0-9a-f]{64})$/.exec(digest ?? '');
  if (!match) throw new Error(`a manifest descriptor has no sha256 digest (${String(digest)})`);
  return JSON.parse(
    await readFile(path.join(layout, 'blobs', 'sha256', match[1]!), 'utf8'),
  ) as Manifest;
}

/**
 * The image of an OCI image layout (the build's index.json): the first image manifest, reached
 * through at most one image index (buildx writes one, with attestation manifests beside the image;
 * those carry `vnd.docker.reference.type` and are skipped).
 */
export async function imageSize(layout: string): Promise<number> {
  let node = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as Manifest;
  for (let depth = 0; depth < 3; depth++) {
    if (!node.manifests) break;
    const next = node.manifests.find((m) => !m.annotations?.['vnd.docker.reference.type']);
    if (!next) throw new Error('the layout lists no image manifest');
    node = await blob(layout, next.digest);
    if (!INDEXES.has(node.mediaType ?? '') && !node.manifests) break;
  }
  if (!node.config || !Array.isArray(node.layers))
    throw new Error('the image manifest has no config or layers');
  const sizes = [node.config, ...node.layers].map((d) => d.size);
  if (sizes.some((s) => typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0))
    throw new Error('the image manifest has a descriptor without a size');
  return (sizes as number[]).reduce((sum, s) => sum + s, 0);
}
