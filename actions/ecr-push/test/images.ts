/**
 * Test images, written by the tests themselves: OCI layouts (single image or a two-platform
 * index) whose layers are real tars of deterministic pseudo-random files, the same image as an
 * OCI archive and as a docker-archive, and one built by umoci.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const sha256 = (bytes: Uint8Array) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Deterministic bytes: AES-256-CTR keystream keyed by the seed (fast, and the same every run). */
export function pseudoRandom(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

/** A layer tar holding one file, byte-for-byte reproducible (fixed owner, mode and mtime). */
export function layerTar(seed: string, size: number): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'layer-'));
  try {
    writeFileSync(path.join(dir, `${seed}.bin`), pseudoRandom(seed, size));
    execFileSync(
      'tar',
      [
        '--create',
        '--file=layer.tar',
        '--format=ustar',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--mtime=2024-01-01 00:00:00Z',
        '--mode=0644',
        `${seed}.bin`,
      ],
      { cwd: dir },
    );
    return readFileSync(path.join(dir, 'layer.tar'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

export interface BuiltImage {
  config: Blob;
  layers: Blob[];
  manifest: Blob;
}

/** An image manifest over layers of the given sizes; `seed` makes different images differ. */
export function buildImage(seed: string, sizes: number[], architecture = 'amd64'): BuiltImage {
  const layers = sizes.map((size, i) =>
    blob('application/vnd.oci.image.layer.v1.tar', layerTar(`${seed}-${i}`, size)),
  );
  const config = blob(
    'application/vnd.oci.image.config.v1+json',
    Buffer.from(
      JSON.stringify({
        architecture,
        os: 'linux',
        config: { Cmd: ['/bin/true'] },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      }),
    ),
  );
  const manifest = blob(
    'application/vnd.oci.image.manifest.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
      }),
    ),
  );
  return { config, layers, manifest };
}

/** An index over several images (a multi-platform image). */
export function buildIndex(images: BuiltImage[], platforms: string[]): Blob {
  return blob(
    'application/vnd.oci.image.index.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: images.map((image, i) => ({
          mediaType: image.manifest.mediaType,
          digest: image.manifest.digest,
          size: image.manifest.size,
          platform: { os: 'linux', architecture: platforms[i] },
        })),
      }),
    ),
  );
}

export function blobFile(layout: string, digest: string): string {
  return path.join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/** Writes an OCI layout whose index.json points at `root`, holding every blob given. */
export function writeLayout(dir: string, root: Blob, blobs: Blob[]): string {
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const b of [root, ...blobs]) writeFileSync(blobFile(dir, b.digest), b.bytes);
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: root.mediaType, digest: root.digest, size: root.size }],
    }),
  );
  return dir;
}

export function imageBlobs(image: BuiltImage): Blob[] {
  return [image.config, ...image.layers];
}

/** Tars a directory's contents (what `buildx --output type=oci,dest=image.tar` gives). */
export function tarDirectory(dir: string, file: string): string {
  execFileSync('tar', ['--create', `--file=${file}`, '-C', dir, '.']);
  return file;
}

/** A docker-archive as `docker save` wrote it before Docker 25: config, <id>/layer.tar. */
export function writeDockerArchive(dir: string, image: BuiltImage, file: string): string {
  const hex = image.config.digest.slice('sha256:'.length);
  writeFileSync(path.join(dir, `${hex}.json`), image.config.bytes);
  const layerNames = image.layers.map((layer, i) => {
    const id = createHash('sha256').update(`${layer.digest}-${i}`).digest('hex');
    mkdirSync(path.join(dir, id), { recursive: true });
    writeFileSync(path.join(dir, id, 'layer.tar'), layer.bytes);
    return `${id}/layer.tar`;
  });
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify([{ Config: `${hex}.json`, RepoTags: ['katana:test'], Layers: layerNames }]),
  );
  return tarDirectory(dir, file);
}

/** An image built by umoci (a peer OCI tool): a base layer plus an inserted directory. */
export function umociImage(dir: string): string {
  const layout = path.join(dir, 'umoci-layout');
  const content = path.join(dir, 'content');
  mkdirSync(path.join(content, 'app'), { recursive: true });
  writeFileSync(path.join(content, 'app', 'server.js'), 'console.log("hi")\n');
  writeFileSync(path.join(content, 'app', 'data.bin'), pseudoRandom('umoci', 256 * 1024));
  execFileSync('umoci', ['init', '--layout', layout]);
  execFileSync('umoci', ['new', '--image', `${layout}:latest`]);
  execFileSync('umoci', [
    'insert',
    '--image',
    `${layout}:latest`,
    path.join(content, 'app'),
    '/app',
  ]);
  return layout;
}
