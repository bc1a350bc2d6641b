import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@pipelines/action-kit';
import { readZip } from './zip';

describe('readZip', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lambda-zip-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the zip and its sha256, and accepts a matching expected-sha256', async () => {
    writeFileSync(path.join(dir, 'fn.zip'), 'PK-bytes');
    const sha = createHash('sha256').update('PK-bytes').digest('hex');
    const zip = await readZip('fn.zip', sha, dir);
    expect(zip.sha256).toBe(sha);
    expect(Buffer.from(zip.bytes).toString()).toBe('PK-bytes');
  });

  it.each([
    ['a missing file', () => 'none.zip', 'zip-file', 'cannot be read'],
    ['a directory', () => (mkdirSync(path.join(dir, 'd')), 'd'), 'zip-file', 'not a regular file'],
    [
      'an empty file',
      () => (writeFileSync(path.join(dir, 'e.zip'), ''), 'e.zip'),
      'zip-file',
      'is empty',
    ],
    [
      'a zip that is not the expected one',
      () => (writeFileSync(path.join(dir, 'o.zip'), 'other'), 'o.zip'),
      'expected-sha256',
      'has sha256',
    ],
  ])('refuses %s before any call', async (_label, make, input, said) => {
    const error = await readZip(make(), 'a'.repeat(64), dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as Error).message).toContain(said);
  });
});
