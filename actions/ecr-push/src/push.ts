/**
 * Puts an image into a repository: check what the target has (nothing changes), then blobs in
 * parallel, manifests by digest (children first, skipping those already served), then tags, then
 * read the digest back.
 */
import { ActionError } from '@pipelines/action-kit/errors';
import { sha256Digest } from './oci/digest';
import { rootOf, type BlobRef, type Image, type ManifestDoc } from './oci/image';
import { ImageError } from './oci/manifest';
import {
  blobAction,
  manifestAction,
  refusedTagDecision,
  tagDecision,
  type BlobAction,
} from './decide';
import { fetchBlob } from './promote';
import { RegistryError, type RegistryClient } from './registry/client';
import { mapLimit } from './registry/pool';
import { uploadBlob } from './registry/upload';

export type Log = (message: string) => void;

export interface MountSource {
  client: RegistryClient;
  repository: string;
}

export interface PushPlan {
  blobs: Array<{ blob: BlobRef; action: BlobAction }>;
  manifests: Array<{ manifest: ManifestDoc; action: 'put' | 'skip' }>;
  tags: Array<{ tag: string; action: 'put' | 'keep' }>;
}

/**
 * Read-only: what the target already holds. Fails on a tag conflict. When the registry already
 * serves the root manifest by digest (as the same media type), everything it references is there
 * too (a registry accepts a manifest only once its blobs and children are), so a re-push asks
 * about the root and the tags only, all at once; otherwise every blob and manifest is HEADed.
 */
export async function planPush(
  target: RegistryClient,
  repository: string,
  image: Image,
  tags: readonly string[],
  concurrency: number,
  mountFrom: string | undefined,
): Promise<PushPlan> {
  const blobs = [...image.blobs.values()];
  const root = rootOf(image);
  // The tags' HEADs do not depend on the root's: ask them together.
  const [rootStat, tagDigests] = await Promise.all([
    target.statManifest(repository, root.digest),
    mapLimit(tags, concurrency, (tag) => target.headManifest(repository, tag)),
  ]);
  const rootServed = manifestAction(root, rootStat) === 'skip';
  const present = rootServed
    ? blobs.map(() => true)
    : (await mapLimit(blobs, concurrency, (blob) => target.headBlob(repository, blob.digest))).map(
        (size) => size !== undefined,
      );
  const manifests: PushPlan['manifests'] = rootServed
    ? image.manifests.map((manifest) => ({ manifest, action: 'skip' }))
    : await mapLimit(image.manifests, concurrency, async (manifest) => ({
        manifest,
        action:
          manifest === root
            ? 'put'
            : manifestAction(manifest, await target.statManifest(repository, manifest.digest)),
      }));
  const planned: PushPlan['tags'] = tags.map((tag, i) => {
    const decision = tagDecision(tag, repository, tagDigests[i], root.digest);
    if (decision.action === 'conflict') throw new ActionError('tag the image', decision.message);
    return { tag, action: decision.action };
  });
  return {
    blobs: blobs.map((blob, i) => ({
      blob,
      action: blobAction({ present: present[i] === true, mountFrom }),
    })),
    manifests,
    tags: planned,
  };
}

export interface PushOptions {
  repository: string;
  concurrency: number;
  chunkSize: number;
  /** For a promote within one registry: where blobs are mounted (or, if refused, read) from. */
  mount?: MountSource;
  /** Temp dir for blobs read from the mount source when the registry refuses to mount. */
  tempDir: string;
  log: Log;
}

export interface PushResult {
  digest: string;
  skipped: number;
  uploaded: number;
  mounted: number;
  manifests: number;
  /** Manifests the registry already served by digest, so not put again. */
  manifestsKept: number;
  tagsPut: string[];
  tagsKept: string[];
  /** The manifest was read back by digest (and the tags put by tag); false when nothing was put. */
  readBack: boolean;
}

async function pushBlob(
  target: RegistryClient,
  item: PushPlan['blobs'][number],
  options: PushOptions,
): Promise<'skip' | 'mount' | 'upload'> {
  const { blob, action } = item;
  const { repository, chunkSize, log } = options;
  if (action === 'skip') {
    log(`blob ${blob.digest} (${blob.size} bytes) already present, skipped`);
    return 'skip';
  }
  let location: string | undefined;
  if (action === 'mount' && options.mount) {
    const answer = await target.mountBlob(repository, blob.digest, options.mount.repository);
    if (answer.mounted) {
      log(`blob ${blob.digest} mounted from ${options.mount.repository}`);
      return 'mount';
    }
    location = answer.location;
    if (!blob.path) {
      await fetchBlob(options.mount.client, options.mount.repository, blob, options.tempDir);
    }
  }
  if (!blob.path) throw new Error(`blob ${blob.digest} has no local bytes to upload`);
  const requests = await uploadBlob(
    target,
    repository,
    { digest: blob.digest, size: blob.size, path: blob.path },
    chunkSize,
    location,
  );
  log(
    `blob ${blob.digest} uploaded (${blob.size} bytes${requests > 1 ? ` in ${requests} chunks` : ''})`,
  );
  return 'upload';
}

/**
 * Re-reads a tag after a refused PUT. ECR refuses (TAG_INVALID) to put an immutable tag that
 * exists even when it already names this digest: then another push of the same image got there
 * first, and the tag is kept. Otherwise the failure says which digest holds the tag.
 */
async function explainTagFailure(
  target: RegistryClient,
  repository: string,
  tag: string,
  digest: string,
  error: unknown,
): Promise<'keep'> {
  const current = await target.headManifest(repository, tag).catch(() => undefined);
  if (error instanceof RegistryError && error.code === 'TAG_INVALID') {
    const decision = refusedTagDecision(tag, repository, current, digest);
    if (decision.action === 'keep') return 'keep';
    throw new ActionError('tag the image', decision.message);
  }
  const decision = tagDecision(tag, repository, current, digest);
  if (decision.action === 'conflict') throw new ActionError('tag the image', decision.message);
  throw new ActionError(`put tag ${tag}`, error);
}

export async function executePush(
  target: RegistryClient,
  image: Image,
  plan: PushPlan,
  options: PushOptions,
): Promise<PushResult> {
  const { repository, log } = options;
  const done = await mapLimit(plan.blobs, options.concurrency, (item) =>
    pushBlob(target, item, options),
  );
  for (const { manifest, action } of plan.manifests) {
    if (action === 'skip') {
      log(`manifest ${manifest.digest} (${manifest.mediaType}) already present, not put`);
      continue;
    }
    await target.putManifest(repository, manifest.digest, manifest.mediaType, manifest.bytes);
    log(`manifest ${manifest.digest} (${manifest.mediaType}) put`);
  }
  const root = rootOf(image);
  const tagsPut: string[] = [];
  const tagsKept: string[] = [];
  for (const { tag, action } of plan.tags) {
    if (action === 'keep') {
      log(`tag ${tag} already points at ${root.digest}, kept`);
      tagsKept.push(tag);
      continue;
    }
    try {
      await target.putManifest(repository, tag, root.mediaType, root.bytes);
    } catch (error) {
      if (error instanceof RegistryError && error.status !== undefined && error.status < 500) {
        await explainTagFailure(target, repository, tag, root.digest, error);
        log(`tag ${tag} was put to ${root.digest} by another push meanwhile, kept`);
        tagsKept.push(tag);
        continue;
      }
      throw error;
    }
    log(`tag ${tag} -> ${root.digest}`);
    tagsPut.push(tag);
  }
  // Kept tags were just read pointing at the digest; only the tags put need reading back. When
  // nothing was put, the plan's HEAD by digest already found the registry serving the root.
  const readBack = tagsPut.length > 0 || plan.manifests.some((m) => m.action === 'put');
  if (readBack) await verifyPushed(target, repository, root.digest, tagsPut);
  return {
    digest: root.digest,
    skipped: done.filter((d) => d === 'skip').length,
    uploaded: done.filter((d) => d === 'upload').length,
    mounted: done.filter((d) => d === 'mount').length,
    manifests: image.manifests.length,
    manifestsKept: plan.manifests.filter((m) => m.action === 'skip').length,
    tagsPut,
    tagsKept,
    readBack,
  };
}

/** The registry must serve exactly the pushed bytes by digest, and every tag must resolve to it. */
export async function verifyPushed(
  target: RegistryClient,
  repository: string,
  digest: string,
  tags: readonly string[],
): Promise<void> {
  const served = await target.getManifest(repository, digest);
  const actual = sha256Digest(served.bytes);
  if (actual !== digest) {
    throw new ImageError(
      `the registry serves ${repository}@${digest} with bytes hashing to ${actual}`,
    );
  }
  for (const tag of tags) {
    const current = await target.headManifest(repository, tag);
    if (current !== digest) {
      throw new ImageError(
        `after the push, tag ${tag} resolves to ${current ?? 'nothing'}, not ${digest}`,
      );
    }
  }
}
