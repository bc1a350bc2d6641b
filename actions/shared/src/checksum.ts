/**
 * SHA-256 digests in the two spellings AWS uses: S3 and Lambda report base64 (ChecksumSHA256,
 * CodeSha256), people and `sha256sum` use lowercase hex. Comparisons go through these so that a
 * digest is never compared across spellings.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Lowercase hex of a base64 SHA-256; undefined when it is not a 32-byte base64 digest. */
export function sha256Base64ToHex(base64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(base64)) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

/** Base64 of a hex SHA-256 (case-insensitive); throws on anything but 64 hex characters. */
export function sha256HexToBase64(hex: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`not a hex SHA-256: ${JSON.stringify(hex)}`);
  return Buffer.from(hex, 'hex').toString('base64');
}

/** Hex SHA-256 of a file, streamed in chunks so a large package never sits in memory whole. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
