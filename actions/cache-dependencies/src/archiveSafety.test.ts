// Hostile cache entries against the real extraction (GNU tar, zstd, gzip) in temp dirs: whoever
// could save under a key must not be able to write outside the restored directory.
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeCraftedArchive, type CraftedEntry } from '../test/craftTar';
import { createArchive, UnusableArchiveError } from './archive';
import { restoreArchive } from './place';

let root: string;
let outside: string;
let target: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'archive-safety-'));
  outside = path.join(root, 'outside');
  mkdirSync(outside);
  // Stands in for /etc/passwd: a file outside the target that an archive must not reach.
  writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0\n');
  target = path.join(root, 'work', 'store');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const file = (p: string, content = 'x'): CraftedEntry => ({ path: p, type: '0', content });

// Each row: what, the hostile entries, the entry the refusal must name (functions: paths depend
// on the temp dir made per test).
const hostile: [string, () => CraftedEntry[], () => string][] = [
  [
    'a symlink to an absolute path outside, then a file written through it',
    () => [
      { path: './link', type: '2', linkTarget: outside },
      file('./link/pwned', 'written through the link'),
    ],
    () => './link',
  ],
  [
    'a relative symlink that climbs out, then a file written through it',
    () => [{ path: 'files/up', type: '2', linkTarget: '../../../outside' }, file('files/up/pwned')],
    () => 'files/up',
  ],
  [
    'a symlink whose target goes through another symlink and then climbs',
    () => [
      { path: 'deep/l', type: '2', linkTarget: '..' },
      { path: 'x', type: '2', linkTarget: 'deep/l/../../outside' },
    ],
    () => 'x',
  ],
  ['a ../ path', () => [file('../outside/pwned')], () => '../outside/pwned'],
  ['an absolute path', () => [file(`${outside}/pwned`)], () => `${outside}/pwned`],
  [
    'a ../ path hidden in a pax header',
    () => [{ ...file('../outside/pwned'), paxPath: true }],
    () => '../outside/pwned',
  ],
  [
    'a hardlink to an absolute passwd-like file',
    () => [{ path: 'passwd', type: '1', linkTarget: path.join(outside, 'passwd') }],
    () => 'passwd',
  ],
  [
    'a hardlink that climbs to a passwd-like file',
    () => [{ path: 'passwd', type: '1', linkTarget: '../../outside/passwd' }],
    () => 'passwd',
  ],
  ['a character device', () => [{ path: 'null', type: '3' }], () => 'null'],
];

describe.each(['zstd', 'gzip'] as const)('restoring a hostile %s archive', (compression) => {
  it.each(hostile)('refuses %s, names the entry and writes nothing', async (_, entries, named) => {
    const archive = path.join(root, 'archive');
    writeCraftedArchive(archive, [file('files/ok', 'fine'), ...entries()], compression);

    const restoring = restoreArchive(archive, target);
    await expect(restoring).rejects.toThrow(UnusableArchiveError);
    await expect(restoring).rejects.toThrow(JSON.stringify(named()));

    expect(await readdir(outside)).toEqual(['passwd']);
    expect(statSync(path.join(outside, 'passwd')).nlink).toBe(1);
    expect(readFileSync(path.join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0\n');
    // Refused whole: not even the harmless entry reached the target, and no staging dir is left.
    expect(existsSync(target)).toBe(false);
    expect(await readdir(path.join(root, 'work'))).toEqual([]);
  });
});

describe('restoring a store with links inside it', () => {
  it('keeps symlinks and hardlinks that stay inside the directory', async () => {
    const store = path.join(root, 'store');
    mkdirSync(path.join(store, 'files', 'ab'), { recursive: true });
    writeFileSync(path.join(store, 'files', 'ab', 'cdef'), 'content');
    symlinkSync('files/ab/cdef', path.join(store, 'latest'));
    symlinkSync('ab', path.join(store, 'files', 'alias'));
    linkSync(path.join(store, 'files', 'ab', 'cdef'), path.join(store, 'hard'));
    const archive = path.join(root, 'archive');
    await createArchive(store, archive, 'zstd');

    await restoreArchive(archive, target);
    expect(readFileSync(path.join(target, 'latest'), 'utf8')).toBe('content');
    expect(readFileSync(path.join(target, 'files', 'alias', 'cdef'), 'utf8')).toBe('content');
    expect(statSync(path.join(target, 'hard')).nlink).toBe(2);
  });

  it('saves a store that links outside itself without those links (pnpm’s projects/ registry)', async () => {
    const store = path.join(root, 'store');
    mkdirSync(path.join(store, 'projects'), { recursive: true });
    mkdirSync(path.join(store, 'files'));
    writeFileSync(path.join(store, 'files', 'f'), 'content');
    symlinkSync('../../../project', path.join(store, 'projects', 'abc123'));
    symlinkSync(outside, path.join(store, 'projects', 'absolute'));
    symlinkSync('../files/f', path.join(store, 'projects', 'inside'));
    const archive = path.join(root, 'archive');

    const leftOut = await createArchive(store, archive, 'gzip');
    expect(leftOut.sort()).toEqual(['projects/abc123', 'projects/absolute']);
    await restoreArchive(archive, target);
    expect(await readdir(path.join(target, 'projects'))).toEqual(['inside']);
    expect(readFileSync(path.join(target, 'projects', 'inside'), 'utf8')).toBe('content');
  });
});
