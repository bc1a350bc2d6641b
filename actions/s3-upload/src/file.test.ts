import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@pipelines/action-kit';
import { inspectFile } from './file';

describe('inspectFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 's3-upload-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a non-empty file, relative to the workspace, and gives its size', async () => {
    writeFileSync(path.join(dir, 'package.zip'), 'PK');
    expect(await inspectFile('package.zip', dir)).toEqual({
      path: path.join(dir, 'package.zip'),
      size: 2,
    });
  });

  it.each([
    ['a missing file', () => 'missing.zip', 'does not exist'],
    [
      'an empty file',
      () => (writeFileSync(path.join(dir, 'empty.zip'), ''), 'empty.zip'),
      'is empty',
    ],
    ['a directory', () => (mkdirSync(path.join(dir, 'build')), 'build'), 'names a directory'],
  ])('refuses %s, naming the file input', async (_label, make, said) => {
    const error = await inspectFile(make(), dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('file');
    expect((error as Error).message).toContain(said);
  });
});
