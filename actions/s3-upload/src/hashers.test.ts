import { compositeSha256, sha256FileParts } from '@pipelines/shared';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sha256Workers, sharedBuffer } from './hashers';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

describe('Sha256Workers', () => {
  let hashers: Sha256Workers;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 's3-upload-hashers-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    hashers = new Sha256Workers();
  });
  afterEach(() => hashers.close());

  it('hashes parts and the whole file, in shared buffers, as node:crypto does', async () => {
    const bytes = randomBytes(100_000);
    const shared = sharedBuffer(bytes.length);
    bytes.copy(shared);
    const whole = hashers.wholeHash();
    const parts = [shared.subarray(0, 40_000), shared.subarray(40_000)];
    const digests = await Promise.all(parts.map((part) => hashers.digestPart(part)));
    for (const part of parts) await whole.update(part);

    expect(digests).toEqual(parts.map(sha256));
    expect(await whole.digest()).toEqual(sha256(bytes));
  });

  it('keeps two whole-file hashes apart when their updates interleave', async () => {
    const [a, b] = [Buffer.from('first file'), Buffer.from('second file')];
    const first = hashers.wholeHash();
    const second = hashers.wholeHash();
    await Promise.all([first.update(a.subarray(0, 5)), second.update(b.subarray(0, 3))]);
    await Promise.all([first.update(a.subarray(5)), second.update(b.subarray(3))]);

    expect(await first.digest()).toEqual(sha256(a));
    expect(await second.digest()).toEqual(sha256(b));
  });

  it.each([
    ['several parts, the last shorter', 1_000_003, 65_536],
    ['one part', 1000, 65_536],
    ['parts of exactly the part size', 4 * 65_536, 65_536],
  ])('digests a file (%s) as the streamed reference does', async (_label, size, partSize) => {
    const file = path.join(dir, `package-${size}`);
    writeFileSync(file, randomBytes(size));

    const digests = await hashers.digestFile(file, size, partSize);

    const reference = await sha256FileParts(file, partSize);
    expect(digests.sha256).toBe(reference.sha256);
    expect(compositeSha256(digests.partDigests)).toBe(compositeSha256(reference.partDigests));
  });

  it('fails a digest asked after close, and does not hang', async () => {
    await hashers.digestPart(Buffer.from('boot'));
    await hashers.close();
    await expect(hashers.digestPart(Buffer.from('late'))).rejects.toThrow(/closed/);
  });
});
