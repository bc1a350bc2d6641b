/**
 * The media types this action understands. Anything else fails the step before a request is
 * made: pushing a document we cannot parse would mean pushing blobs we never checked.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

export const IMAGE_MANIFEST_TYPES: readonly string[] = [OCI_MANIFEST, DOCKER_MANIFEST];
export const INDEX_TYPES: readonly string[] = [OCI_INDEX, DOCKER_MANIFEST_LIST];
export const MANIFEST_TYPES: readonly string[] = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES];

export const CONFIG_TYPES: readonly string[] = [
  OCI_CONFIG,
  'application/vnd.docker.container.image.v1+json',
  'application/vnd.oci.empty.v1+json',
];

export const LAYER_TYPES: readonly string[] = [
  OCI_LAYER_TAR,
  OCI_LAYER_GZIP,
  OCI_LAYER_ZSTD,
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  // buildx attaches provenance/SBOM attestations as in-toto layers in an attestation manifest.
  'application/vnd.in-toto+json',
  'application/vnd.oci.empty.v1+json',
];

/** The Accept header for manifest requests: every manifest type we can handle. */
export const MANIFEST_ACCEPT = MANIFEST_TYPES.join(', ');

export type Role = 'manifest' | 'config' | 'layer';

/** Why a media type is refused in this role, or undefined when it is known. */
export function unknownMediaType(mediaType: string | undefined, role: Role): string | undefined {
  const known =
    role === 'manifest' ? MANIFEST_TYPES : role === 'config' ? CONFIG_TYPES : LAYER_TYPES;
  if (mediaType !== undefined && known.includes(mediaType)) return undefined;
  return `unknown ${role} media type ${JSON.stringify(mediaType ?? null)} (known: ${known.join(', ')})`;
}
