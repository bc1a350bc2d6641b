/**
 * The decisions of a push, as pure functions of what the registry already holds: which blobs to
 * skip, mount or upload, how to cut a blob into chunks, what to do with each tag, and which
 * registry failures are worth another attempt.
 */

export type BlobAction = 'skip' | 'mount' | 'upload';

/** A blob the target has is skipped; one in the same registry is mounted; others are uploaded. */
export function blobAction(state: { present: boolean; mountFrom?: string }): BlobAction {
  if (state.present) return 'skip';
  return state.mountFrom ? 'mount' : 'upload';
}

/**
 * A manifest the registry already serves under its digest, as the same media type, is not put
 * again (a re-push); anything else (absent, or served as another type) is put.
 */
export function manifestAction(
  manifest: { digest: string; mediaType: string },
  served: { digest: string; mediaType: string | undefined } | undefined,
): 'put' | 'skip' {
  return served?.digest === manifest.digest && served.mediaType === manifest.mediaType
    ? 'skip'
    : 'put';
}

/** ECR refuses a layer part under 5 MiB unless it is the last one. */
export const MIN_PART_MIB = 5;

/** chunk-size-mb in bytes, raised to ECR's minimum part size; `raised` says it was. */
export function partSize(chunkSizeMb: number): { bytes: number; raised: boolean } {
  const mib = Math.max(MIN_PART_MIB, chunkSizeMb);
  return { bytes: mib * 1024 * 1024, raised: mib !== chunkSizeMb };
}

/**
 * Byte ranges [start, end) to send. A blob no larger than one chunk goes in one request
 * (monolithic PUT); larger ones are sent as PATCHes of `chunkSize`, the last one shorter.
 */
export function chunkRanges(size: number, chunkSize: number): Array<[number, number]> {
  if (chunkSize <= 0) throw new Error('chunk size must be positive');
  if (size <= chunkSize) return [[0, size]];
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < size; start += chunkSize) {
    ranges.push([start, Math.min(size, start + chunkSize)]);
  }
  return ranges;
}

export type TagDecision =
  { action: 'put' } | { action: 'keep' } | { action: 'conflict'; message: string };

/**
 * A tag that does not exist is put; one that already names this digest is kept (a re-run is a
 * no-op); one that names another digest is a conflict, because tags are immutable here as in ECR.
 */
export function tagDecision(
  tag: string,
  repository: string,
  current: string | undefined,
  digest: string,
): TagDecision {
  if (current === undefined) return { action: 'put' };
  if (current === digest) return { action: 'keep' };
  return {
    action: 'conflict',
    message: `tag ${tag} in ${repository} already points at ${current}, not at ${digest} (tags are immutable). Give a tag that is not in use in the tags input, or promote the existing image by digest`,
  };
}

/**
 * What to make of a tag PUT that ECR refused as TAG_INVALID (an immutable tag that exists), given
 * what the tag holds when read again: another push of the same image got there first (nothing to
 * do), another image holds it (a conflict), or it cannot be read (say what ECR said).
 */
export function refusedTagDecision(
  tag: string,
  repository: string,
  current: string | undefined,
  digest: string,
): { action: 'keep' } | { action: 'fail'; message: string } {
  const decision = tagDecision(tag, repository, current, digest);
  if (decision.action === 'keep') return decision;
  if (decision.action === 'conflict') return { action: 'fail', message: decision.message };
  return {
    action: 'fail',
    message: `ECR refused tag ${tag} in ${repository}: the repository's tags are immutable and the tag already exists. Give a tag that is not in use in the tags input, or promote the existing image by digest`,
  };
}

/** Network failures, throttling and server errors are retried; other 4xx are answers. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}
