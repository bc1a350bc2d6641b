import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checksumProves,
  compositeSha256,
  PartedSha256,
  sha256Base64ToHex,
  sha256File,
  sha256FileParts,
  sha256HexToBase64,
} from './checksum';

// sha256("") in both spellings, as `sha256sum` and `openssl dgst -binary | base64` print them.
const EMPTY_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY_B64 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

describe('sha256 spellings', () => {
  it('converts hex to base64 and back', () => {
    expect(sha256HexToBase64(EMPTY_HEX)).toBe(EMPTY_B64);
    expect(sha256HexToBase64(EMPTY_HEX.toUpperCase())).toBe(EMPTY_B64);
    expect(sha256Base64ToHex(EMPTY_B64)).toBe(EMPTY_HEX);
  });

  it.each([
    ['a composite multipart checksum', `${EMPTY_B64}-3`],
    ['a hex digest', EMPTY_HEX],
    ['a short base64 value', 'AAAA'],
    ['an empty string', ''],
  ])('refuses %s as a base64 SHA-256', (_label, value) => {
    expect(sha256Base64ToHex(value)).toBeUndefined();
  });

  it('refuses to convert something that is not a hex SHA-256', () => {
    expect(() => sha256HexToBase64('xyz')).toThrow('not a hex SHA-256');
  });
});

describe('sha256File', () => {
  it('hashes a file larger than one read chunk the same way as hashing its bytes at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'checksum-'));
    try {
      const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      const file = path.join(dir, 'big.bin');
      writeFileSync(file, bytes);
      expect(await sha256File(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
      writeFileSync(file, '');
      expect(await sha256File(file)).toBe(EMPTY_HEX);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects for a missing file', async () => {
    await expect(sha256File('/nonexistent/package.zip')).rejects.toThrow('ENOENT');
  });
});

describe('per-part digests and what S3 computed', () => {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest();
  const bytes = Buffer.from('abcdefghij'); // 10 bytes: parts of 4 are abcd efgh ij

  it('cuts the file into parts of the part size however the chunks arrive', () => {
    const hash = new PartedSha256(4);
    for (const chunk of [bytes.subarray(0, 3), bytes.subarray(3, 9), bytes.subarray(9)]) {
      hash.update(chunk);
    }
    const digests = hash.digest();
    expect(digests.sha256).toBe(sha(bytes).toString('hex'));
    expect(digests.partDigests).toEqual([
      sha(Buffer.from('abcd')),
      sha(Buffer.from('efgh')),
      sha(Buffer.from('ij')),
    ]);
  });

  it('computes the composite checksum as S3 does: the digest of the part digests, "-" and the count', () => {
    const parts = [sha(Buffer.from('abcd')), sha(Buffer.from('efgh'))];
    expect(compositeSha256(parts)).toBe(`${sha(Buffer.concat(parts)).toString('base64')}-2`);
  });

  it('reads a file once into the same digests', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'checksum-'));
    try {
      const file = path.join(dir, 'p.bin');
      writeFileSync(file, bytes);
      const hash = new PartedSha256(4);
      hash.update(bytes);
      expect(await sha256FileParts(file, 4)).toEqual(hash.digest());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('checksumProves', () => {
    const hash = new PartedSha256(4);
    hash.update(bytes);
    const file = hash.digest();
    const composite = compositeSha256(file.partDigests);

    it.each([
      ["a single PUT's full-object SHA-256", sha(bytes).toString('base64'), 'full-object'],
      ['the composite of the same parts', composite, 'composite'],
      [
        'the composite without its part count (as moto returns it)',
        composite.split('-')[0],
        'composite',
      ],
    ])('accepts %s', (_label, stored, how) => {
      expect(checksumProves(stored, file)).toBe(how);
    });

    it.each([
      ['no checksum', undefined],
      ["another file's SHA-256", sha(Buffer.from('planted')).toString('base64')],
      ['the composite with another part count', `${composite.split('-')[0]}-4`],
      ['the hex SHA-256 (as user metadata would carry it)', file.sha256],
    ])('refuses %s', (_label, stored) => {
      expect(checksumProves(stored, file)).toBeUndefined();
    });
  });
});
