// Real tar, zstd and gzip on real temp dirs: the behaviour is the tools' as much as ours.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compressionOf, createArchive, UnusableArchiveError } from './archive';
import { restoreArchive } from './place';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'place-test-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function storeWithFiles(): string {
  const store = path.join(root, 'store');
  mkdirSync(path.join(store, 'files', 'ab'), { recursive: true });
  writeFileSync(path.join(store, 'files', 'ab', 'cdef'), 'content');
  writeFileSync(path.join(store, 'index.json'), '{}');
  return store;
}

describe.each(['zstd', 'gzip'] as const)('a %s archive', (compression) => {
  it('restores the same files into a path that does not exist yet', async () => {
    const archive = path.join(root, 'a');
    await createArchive(storeWithFiles(), archive, compression);
    expect(compressionOf(readFileSync(archive))).toBe(compression);
    const target = path.join(root, 'restored', 'store');
    await restoreArchive(archive, target);
    expect(readFileSync(path.join(target, 'files', 'ab', 'cdef'), 'utf8')).toBe('content');
    expect(await readdir(path.join(root, 'restored'))).toEqual(['store']);
  });
});

it('replaces an existing target directory with the restored one', async () => {
  const archive = path.join(root, 'a');
  await createArchive(storeWithFiles(), archive, 'zstd');
  const target = path.join(root, 'target');
  mkdirSync(target);
  writeFileSync(path.join(target, 'stale'), 'x');
  await restoreArchive(archive, target);
  expect((await readdir(target)).sort()).toEqual(['files', 'index.json']);
  expect(await readdir(root)).toEqual(
    expect.not.arrayContaining([expect.stringMatching(/restore-/)]),
  );
});

it.each([
  ['cut in half', (file: string) => truncateSync(file, Math.floor(statSync(file).size / 2))],
  ['not an archive', (file: string) => writeFileSync(file, 'not a cache archive at all')],
])(
  'rejects an archive that is %s and leaves the target and its parent as they were',
  async (_what, damage) => {
    const store = storeWithFiles();
    // Enough incompressible data that half the archive still holds complete tar members.
    writeFileSync(
      path.join(store, 'big'),
      Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)),
    );
    const archive = path.join(root, 'a');
    await createArchive(store, archive, 'zstd');
    damage(archive);
    const target = path.join(root, 'target');
    mkdirSync(target);
    writeFileSync(path.join(target, 'kept'), 'x');
    await expect(restoreArchive(archive, target)).rejects.toBeInstanceOf(UnusableArchiveError);
    expect(await readdir(target)).toEqual(['kept']);
    expect((await readdir(root)).sort()).toEqual(['a', 'store', 'target']);
  },
);
