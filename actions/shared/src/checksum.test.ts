import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256Base64ToHex, sha256File, sha256HexToBase64 } from './checksum';

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
