/**
 * The decisions of an upload, as pure functions of what S3 reported: may we write to this bucket,
 * is the key's current version already these bytes, and does what the server stored match what
 * we sent. "These bytes" is only ever decided from a checksum S3 computed over
 * the stored bytes, never from metadata: whoever may write the key sets metadata freely.
 */
import { checksumProves, type FileDigests } from '@pipelines/action-kit/checksum';

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

/** What HeadObject (with a VersionId and ChecksumMode) told us about one version of the key. */
export interface StoredVersion {
  versionId?: string;
  size?: number;
  /** S3's checksum: base64 of the object's SHA-256, or "<base64>-<parts>" (composite). */
  checksumSha256?: string;
}

/** How S3 proved the stored bytes are the file's: its full-object or its composite checksum. */
export type Proof = 'full-object' | 'composite';

export type Plan = { upload: true } | { upload: false; versionId: string; proof: Proof };

/** Skip the upload only when S3's own checksum of the current version proves it holds these bytes. */
export function planUpload(newest: StoredVersion | undefined, file: FileDigests): Plan {
  if (!newest?.versionId) return { upload: true };
  const proof = checksumProves(newest.checksumSha256, file);
  return proof ? { upload: false, versionId: newest.versionId, proof } : { upload: true };
}

/**
 * Problems with what the server stored after our upload: the version must exist and S3's checksum
 * of it (whole-object for one PUT; composite, one digest per part, for multipart) must be the one
 * of the bytes we sent.
 */
export function storedProblems(
  stored: StoredVersion,
  file: FileDigests & { size: number },
): string[] {
  const problems: string[] = [];
  if (!stored.versionId) problems.push('S3 returned no VersionId (is versioning still Enabled?)');
  if (stored.size !== undefined && stored.size !== file.size) {
    problems.push(`S3 stored ${stored.size} bytes, the file has ${file.size}`);
  }
  if (!stored.checksumSha256) {
    problems.push('S3 stored no SHA-256 checksum for the object');
  } else if (!checksumProves(stored.checksumSha256, file)) {
    problems.push(
      `S3's ChecksumSHA256 ${stored.checksumSha256} is not the checksum of the file (sha256 ${file.sha256}, ${file.partDigests.length} part(s))`,
    );
  }
  return problems;
}
