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

/**
 * The SHA-256 digests of a file cut into parts of `partSize` bytes (the last one shorter): the
 * whole file's, and each part's, as S3 computes them for a multipart upload. Fed in order, in
 * chunks of any size, so the file is read once.
 */
export class PartedSha256 {
  private readonly whole = createHash('sha256');
  private part = createHash('sha256');
  private partFill = 0;
  private readonly parts: Buffer[] = [];
  size = 0;

  constructor(readonly partSize: number) {
    if (!Number.isSafeInteger(partSize) || partSize <= 0) {
      throw new Error(`not a part size: ${partSize}`);
    }
  }

  update(chunk: Uint8Array): void {
    this.whole.update(chunk);
    this.size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.partSize - this.partFill, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.partFill += take;
      offset += take;
      if (this.partFill === this.partSize) this.closePart();
    }
  }

  /** The whole file's hex SHA-256 and each part's raw digest, in part order. */
  digest(): FileDigests {
    if (this.partFill > 0 || this.parts.length === 0) this.closePart();
    return { sha256: this.whole.digest('hex'), partDigests: this.parts };
  }

  private closePart(): void {
    this.parts.push(this.part.digest());
    this.part = createHash('sha256');
    this.partFill = 0;
  }
}

export interface FileDigests {
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
  /** Raw SHA-256 of each part, in part order. */
  partDigests: readonly Buffer[];
}

/** The whole-file and per-part digests of a file, in one streamed read. */
export function sha256FileParts(path: string, partSize: number): Promise<FileDigests> {
  return new Promise((resolve, reject) => {
    const hash = new PartedSha256(partSize);
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk as Buffer))
      .on('end', () => resolve(hash.digest()));
  });
}

/**
 * S3's COMPOSITE SHA-256 of a multipart object: the SHA-256 of the concatenated raw part digests,
 * base64, then "-" and the number of parts.
 */
export function compositeSha256(partDigests: readonly Buffer[]): string {
  const digest = createHash('sha256').update(Buffer.concat(partDigests)).digest('base64');
  return `${digest}-${partDigests.length}`;
}

/**
 * How a checksum S3 computed over the stored bytes proves they are the file's, or undefined if it
 * does not: the full-object SHA-256 of a single PUT, or the composite of a multipart upload with
 * the same parts. Only S3 computes these (it refuses a request whose bytes do not match the
 * checksum sent), unlike user metadata, which any writer sets freely.
 */
export function checksumProves(
  stored: string | undefined,
  file: FileDigests,
): 'full-object' | 'composite' | undefined {
  if (!stored) return undefined;
  if (sha256Base64ToHex(stored) === file.sha256) return 'full-object';
  const [digest, count] = compositeSha256(file.partDigests).split('-');
  // Real S3 appends "-<parts>"; moto returns the composite digest without it. A SHA-256 over the
  // concatenated part digests cannot equal any object's full digest but this one's, so both
  // spellings prove the same bytes.
  if (stored === `${digest}-${count}` || stored === digest) return 'composite';
  return undefined;
}
