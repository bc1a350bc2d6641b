/**
 * The decisions of an upload, as pure functions of what S3 reported: may we write to this bucket,
 * is the newest version already these bytes, and does what the server stored match what we sent.
 */
import { sha256Base64ToHex } from '@pipelines/shared/src/checksum';

/** Metadata key holding the hex sha256 of the whole object (x-amz-meta-sha256). */
export const SHA256_METADATA = 'sha256';

/** Why a bucket with this versioning status must not receive packages, or undefined if it may. */
export function versioningProblem(
  bucket: string,
  status: string | undefined,
): { problem: string; fix: string } | undefined {
  if (status === 'Enabled') return undefined;
  return {
    problem:
      `names bucket "${bucket}", whose versioning ${status ? `is ${status}` : 'has never been enabled'}: ` +
      'an upload could replace the package a deploy was approved for, and there would be no ' +
      'VersionId to deploy by',
    fix: `Enable it: aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
  };
}

/** What HeadObject told us about one version of the key. */
export interface StoredVersion {
  versionId?: string;
  /** User metadata (the SDK lowercases keys). */
  metadata?: Record<string, string>;
  /** The server's checksum: base64 of the object's SHA-256, or "<base64>-<parts>" (composite). */
  checksumSha256?: string;
}

/** The hex sha256 S3 holds for the whole object: our metadata, else a non-composite checksum. */
export function storedSha256(version: StoredVersion): string | undefined {
  const fromMetadata = version.metadata?.[SHA256_METADATA]?.toLowerCase();
  if (fromMetadata && /^[0-9a-f]{64}$/.test(fromMetadata)) return fromMetadata;
  return version.checksumSha256 ? sha256Base64ToHex(version.checksumSha256) : undefined;
}

export type Plan = { upload: true } | { upload: false; versionId: string };

/** Skip the upload when the newest version already holds exactly these bytes. */
export function planUpload(newest: StoredVersion | undefined, sha256: string): Plan {
  if (newest?.versionId && storedSha256(newest) === sha256) {
    return { upload: false, versionId: newest.versionId };
  }
  return { upload: true };
}

/**
 * Problems with what the server stored after our upload: the version must exist, carry our
 * sha256, and have a server-side SHA-256 checksum (whole-object for one PUT; composite, one per
 * part, for multipart, which S3 verified part by part).
 */
export function storedProblems(
  stored: StoredVersion,
  sha256: string,
  multipart: boolean,
): string[] {
  const problems: string[] = [];
  if (!stored.versionId) problems.push('S3 returned no VersionId (is versioning still Enabled?)');
  const metadata = stored.metadata?.[SHA256_METADATA];
  if (metadata !== sha256) {
    problems.push(`metadata sha256 is ${JSON.stringify(metadata ?? null)}, expected ${sha256}`);
  }
  const checksum = stored.checksumSha256;
  if (!checksum) {
    problems.push('S3 stored no SHA-256 checksum for the object');
  } else if (!multipart && sha256Base64ToHex(checksum) !== sha256) {
    problems.push(`S3's ChecksumSHA256 ${checksum} is not the sha256 of the file (${sha256})`);
  }
  return problems;
}
