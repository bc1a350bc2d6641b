/**
 * How Amazon ECR's registry API answers where it departs from the distribution spec, as pure
 * functions of a request and what the twin knows; the proxy in ecrRegistry.ts does the I/O.
 *
 * Sources (public, read 2026-11-30):
 * - Chunk PATCH answered 201, not 202; its `Range` stuck at the first chunk:
 *   aws/containers-roadmap#2831, jdx/mise#11376, dotnet/sdk-container-builds#279, openai/tart#273.
 * - Parts under 5 MiB except the last refused (LayerPartTooSmallException, "All layer parts except
 *   the last part should be at least 5MB"): ECR API reference, dotnet/sdk-container-builds#424.
 * - A part not following the previous one (InvalidLayerPartException): ECR API reference.
 * - Existing tag in an immutable repository: TAG_INVALID "The image tag '<t>' already exists in the
 *   '<r>' repository and cannot be overwritten because the tag is immutable.", also when the tag
 *   already names the same image: moby/buildkit#3776, aws/containers-roadmap#2380, kaniko#204.
 * - Missing repository: NAME_UNKNOWN "The repository with name '<r>' does not exist in the
 *   registry with id '<account>'"; ECR never creates one on push: regclient#869.
 * - Repository names: CreateRepository's pattern, 2 to 256 characters.
 * The HTTP statuses of these error answers are not published; the twin uses the distribution
 * spec's status for each code.
 */

export type TagMutability = 'MUTABLE' | 'IMMUTABLE';

export const MIN_PART_BYTES = 5 * 1024 * 1024;

// Written here again on purpose: the twin must not share the rule with the ecr-push code it tests.
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function isEcrRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && REPOSITORY_NAME.test(name);
}

/** What a request under /v2/ addresses. */
export type Route =
  | { kind: 'base' }
  | { kind: 'upload-start'; repository: string }
  | { kind: 'upload'; repository: string; session: string }
  | { kind: 'manifest'; repository: string; reference: string }
  | { kind: 'blob'; repository: string; digest: string }
  | { kind: 'other' };

export function routeOf(pathname: string): Route {
  if (pathname === '/v2/' || pathname === '/v2' || pathname === '/v2/_catalog') {
    return { kind: 'base' };
  }
  const match = /^\/v2\/(.+?)\/(blobs\/uploads|manifests|blobs)\/?([^/]*)$/.exec(pathname);
  if (!match) return { kind: 'other' };
  const [, repository = '', what, rest = ''] = match;
  if (what === 'blobs/uploads') {
    return rest
      ? { kind: 'upload', repository, session: rest }
      : { kind: 'upload-start', repository };
  }
  if (!rest) return { kind: 'other' };
  return what === 'manifests'
    ? { kind: 'manifest', repository, reference: rest }
    : { kind: 'blob', repository, digest: rest };
}

export interface EcrError {
  status: number;
  code: string;
  message: string;
}

/** The body ECR (like every v2 registry) sends with an error. */
export function errorBody(error: EcrError): string {
  return JSON.stringify({ errors: [{ code: error.code, message: error.message }] });
}

/** A request to a repository ECR would not serve: a name it cannot have, or one that is absent. */
export function repositoryRefusal(
  repository: string,
  mutability: TagMutability | undefined,
  registryId: string,
): EcrError | undefined {
  if (!isEcrRepositoryName(repository)) {
    return {
      status: 400,
      code: 'NAME_INVALID',
      message: `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
    };
  }
  if (mutability === undefined) {
    return {
      status: 404,
      code: 'NAME_UNKNOWN',
      message: `The repository with name '${repository}' does not exist in the registry with id '${registryId}'`,
    };
  }
  return undefined;
}

/** A manifest PUT by tag to an immutable repository where the tag exists, whatever it names. */
export function tagRefusal(
  repository: string,
  reference: string,
  mutability: TagMutability,
  tagExists: boolean,
): EcrError | undefined {
  if (reference.startsWith('sha256:') || mutability !== 'IMMUTABLE' || !tagExists) return undefined;
  return {
    status: 400,
    code: 'TAG_INVALID',
    message: `The image tag '${reference}' already exists in the '${repository}' repository and cannot be overwritten because the tag is immutable.`,
  };
}

/** What the twin remembers of one upload session. */
export interface UploadSession {
  /** Bytes stored so far. */
  received: number;
  /** Size of the last part sent by PATCH, if any. */
  lastPart?: number;
  /** The `Range` ECR keeps answering: the end of the first part. */
  firstPartEnd?: number;
}

const tooSmall: EcrError = {
  status: 400,
  code: 'BLOB_UPLOAD_INVALID',
  message: 'All layer parts except the last part should be at least 5MB',
};

/**
 * A part: the previous part was not the last, so it must have been 5 MiB or more; this one must
 * start where the stored bytes end. Accepted: the session after it and the stuck `Range`.
 */
export function acceptPart(
  session: UploadSession,
  start: number | undefined,
  length: number,
): { session: UploadSession; range: string } | { error: EcrError } {
  if (session.lastPart !== undefined && session.lastPart < MIN_PART_BYTES)
    return { error: tooSmall };
  if (start !== undefined && start !== session.received) {
    return {
      error: {
        status: 416,
        code: 'BLOB_UPLOAD_INVALID',
        message: `The first byte ${start} of the layer part is not consecutive to the last byte ${session.received - 1} of a previous layer part upload`,
      },
    };
  }
  const received = session.received + length;
  const firstPartEnd = session.firstPartEnd ?? received - 1;
  return {
    session: { received, lastPart: length, firstPartEnd },
    range: `0-${firstPartEnd}`,
  };
}

/** The closing PUT: bytes in it make the last PATCH a non-final part, held to the minimum. */
export function acceptFinish(session: UploadSession, length: number): EcrError | undefined {
  if (length > 0 && session.lastPart !== undefined && session.lastPart < MIN_PART_BYTES) {
    return tooSmall;
  }
  return undefined;
}

/** `Content-Range: <start>-<end>` of a PATCH, as its start; undefined when absent or unreadable. */
export function rangeStart(header: string | undefined): number | undefined {
  const match = /^(?:bytes[= ])?(\d+)-\d+/.exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}
