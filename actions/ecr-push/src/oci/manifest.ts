/**
 * Parsing of manifests and indexes into the descriptors they reference. Pure: bytes in,
 * descriptors or a reason out, so every malformed case is a table row in the tests.
 */
import { isDigest } from './digest';
import { INDEX_TYPES, IMAGE_MANIFEST_TYPES, unknownMediaType, type Role } from './mediaTypes';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] };

/** A problem found in an image; the caller turns it into an InputError or ActionError. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Validates one descriptor found at `where` (e.g. "layers[2] of sha256:..."). */
export function parseDescriptor(value: unknown, role: Role, where: string): Descriptor {
  const d = record(value);
  if (!d) throw new ImageError(`${where} is not a descriptor object`);
  if (!isDigest(d.digest)) {
    throw new ImageError(
      `${where} has digest ${JSON.stringify(d.digest ?? null)}, expected sha256:<64 hex>`,
    );
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new ImageError(`${where} has an invalid size ${JSON.stringify(d.size ?? null)}`);
  }
  const mediaType = typeof d.mediaType === 'string' ? d.mediaType : undefined;
  const unknown = unknownMediaType(mediaType, role);
  if (unknown) throw new ImageError(`${where}: ${unknown}`);
  return { mediaType: mediaType as string, digest: d.digest, size: d.size };
}

/**
 * Parses manifest bytes. `expectedMediaType` is the media type of the descriptor that pointed
 * here; the document's own mediaType (when present) must agree with it.
 */
export function parseManifest(
  bytes: Uint8Array,
  expectedMediaType: string | undefined,
  name: string,
): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ImageError(`manifest ${name} is not JSON`);
  }
  const doc = record(json);
  if (!doc) throw new ImageError(`manifest ${name} is not a JSON object`);
  if (doc.schemaVersion !== 2) {
    throw new ImageError(
      `manifest ${name} has schemaVersion ${JSON.stringify(doc.schemaVersion ?? null)}, expected 2`,
    );
  }
  const own = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  expectedMediaType ||= undefined;
  if (own && expectedMediaType && own !== expectedMediaType) {
    throw new ImageError(
      `manifest ${name} says mediaType ${own} but its descriptor says ${expectedMediaType}`,
    );
  }
  const mediaType =
    own ?? expectedMediaType ?? (Array.isArray(doc.manifests) ? INDEX_TYPES[0] : undefined);
  const unknown = unknownMediaType(mediaType, 'manifest');
  if (unknown) throw new ImageError(`manifest ${name}: ${unknown}`);

  if (INDEX_TYPES.includes(mediaType as string)) {
    if (!Array.isArray(doc.manifests)) {
      throw new ImageError(`index ${name} has no manifests array`);
    }
    return {
      kind: 'index',
      mediaType: mediaType as string,
      manifests: doc.manifests.map((m, i) =>
        parseDescriptor(m, 'manifest', `manifests[${i}] of ${name}`),
      ),
    };
  }
  if (!IMAGE_MANIFEST_TYPES.includes(mediaType as string) || !Array.isArray(doc.layers)) {
    throw new ImageError(`manifest ${name} has no layers array`);
  }
  return {
    kind: 'image',
    mediaType: mediaType as string,
    config: parseDescriptor(doc.config, 'config', `config of ${name}`),
    layers: doc.layers.map((l, i) => parseDescriptor(l, 'layer', `layers[${i}] of ${name}`)),
  };
}
