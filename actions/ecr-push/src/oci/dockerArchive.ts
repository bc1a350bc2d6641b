/**
 * Reads a docker-archive (what `docker save` writes: manifest.json, a config and layer tars)
 * and describes it as an OCI image manifest. Digests are computed from the bytes, so the pushed
 * digest is a function of the archive alone; a file whose name claims another sha256, or a
 * layer that does not match the config's diff_ids, is refused.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { sha256Digest, sha256File } from './digest';
import type { BlobRef, Image } from './image';
import { ImageError } from './manifest';
import {
  OCI_CONFIG,
  OCI_LAYER_GZIP,
  OCI_LAYER_TAR,
  OCI_LAYER_ZSTD,
  OCI_MANIFEST,
} from './mediaTypes';

interface ArchiveEntry {
  Config?: unknown;
  Layers?: unknown;
}

/** The sha256 a file's name claims (`blobs/sha256/<hex>` or `<hex>.json`), if it claims one. */
export function claimedDigest(name: string): string | undefined {
  const match = /(?:^|\/)(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(name);
  return match ? `sha256:${match[1]}` : undefined;
}

/** The layer media type from the first bytes: gzip and zstd magic numbers, else plain tar. */
export function layerMediaType(head: Uint8Array): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return OCI_LAYER_GZIP;
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
    return OCI_LAYER_ZSTD;
  }
  return OCI_LAYER_TAR;
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4);
    await handle.read(buffer, 0, 4, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

async function gunzippedDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file).pipe(createGunzip()))
    hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

function inside(dir: string, name: unknown, what: string): string {
  if (typeof name !== 'string' || name === '') {
    throw new ImageError(`manifest.json names no ${what}`);
  }
  const file = path.resolve(dir, name);
  if (!file.startsWith(path.resolve(dir) + path.sep) || !existsSync(file)) {
    throw new ImageError(`manifest.json names ${what} ${JSON.stringify(name)}, which is missing`);
  }
  return file;
}

export async function loadDockerArchive(dir: string): Promise<Image> {
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    throw new ImageError(`its manifest.json is not readable JSON (${String(error)})`);
  }
  if (!Array.isArray(entries) || entries.length !== 1) {
    throw new ImageError(
      `its manifest.json lists ${Array.isArray(entries) ? entries.length : 'no'} images; save exactly one image per archive`,
    );
  }
  const entry = entries[0] as ArchiveEntry;
  const configName = entry.Config;
  const configFile = inside(dir, configName, 'config');
  const configBytes = readFileSync(configFile);
  const config: BlobRef = {
    mediaType: OCI_CONFIG,
    digest: sha256Digest(configBytes),
    size: configBytes.length,
    path: configFile,
    verified: true,
  };
  const claimed = claimedDigest(String(configName));
  if (claimed && claimed !== config.digest) {
    throw new ImageError(
      `config ${String(configName)} is corrupt: its bytes hash to ${config.digest}`,
    );
  }
  let diffIds: unknown;
  try {
    diffIds = (JSON.parse(configBytes.toString('utf8')) as { rootfs?: { diff_ids?: unknown } })
      .rootfs?.diff_ids;
  } catch {
    throw new ImageError(`config ${String(configName)} is not JSON`);
  }
  if (
    !Array.isArray(entry.Layers) ||
    !Array.isArray(diffIds) ||
    diffIds.length !== entry.Layers.length
  ) {
    throw new ImageError(
      'manifest.json Layers and the config rootfs.diff_ids disagree in number; the archive is incomplete',
    );
  }

  const layers: BlobRef[] = [];
  for (const [i, name] of (entry.Layers as unknown[]).entries()) {
    const file = inside(dir, name, `layer ${i}`);
    const { digest, size } = await sha256File(file);
    const nameClaims = claimedDigest(String(name));
    if (nameClaims && nameClaims !== digest) {
      throw new ImageError(`layer ${String(name)} is corrupt: its bytes hash to ${digest}`);
    }
    const mediaType = layerMediaType(await readHead(file));
    // The config names each layer by the sha256 of its uncompressed tar (diff_id).
    const diffId =
      mediaType === OCI_LAYER_TAR
        ? digest
        : mediaType === OCI_LAYER_GZIP
          ? await gunzippedDigest(file)
          : undefined;
    if (diffId !== undefined && diffId !== diffIds[i]) {
      throw new ImageError(
        `layer ${String(name)} is corrupt: its content hashes to ${diffId} but the config expects ${String(diffIds[i])}`,
      );
    }
    layers.push({ mediaType, digest, size, path: file, verified: true });
  }

  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
      layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
    }),
  );
  const blobs = new Map<string, BlobRef>();
  for (const blob of [config, ...layers]) blobs.set(blob.digest, blob);
  return {
    manifests: [
      { digest: sha256Digest(manifestBytes), mediaType: OCI_MANIFEST, bytes: manifestBytes },
    ],
    blobs,
  };
}
