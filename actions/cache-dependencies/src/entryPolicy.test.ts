import { firstRefusedEntry, symlinksToLeaveOut } from './entryPolicy';
import type { TarEntry } from './tarEntries';

const file = (path: string): TarEntry => ({ path, kind: 'file', linkTarget: '' });
const dir = (path: string): TarEntry => ({ path, kind: 'directory', linkTarget: '' });
const symlink = (path: string, linkTarget: string): TarEntry => ({
  path,
  kind: 'symlink',
  linkTarget,
});
const hardlink = (path: string, linkTarget: string): TarEntry => ({
  path,
  kind: 'hardlink',
  linkTarget,
});

describe('firstRefusedEntry', () => {
  it('accepts what GNU tar writes for a directory, links inside included', () => {
    expect(
      firstRefusedEntry([
        dir('./'),
        dir('./files/'),
        file('./files/a'),
        symlink('./latest', 'files/a'),
        symlink('./files/self', '.'),
        hardlink('./b', './files/a'),
      ]),
    ).toBeUndefined();
  });

  it.each([
    ['a later entry under a symlink, even one listed after it', [file('l/x'), symlink('l', 'd')]],
    ['a path that is both a directory and a symlink', [dir('d'), symlink('d', 'e')]],
    ['a hardlink to a symlink', [symlink('s', 'x'), hardlink('h', 's')]],
    ['a hardlink to a file that comes later', [hardlink('h', 'f'), file('f')]],
    ['a symlink with an empty target', [symlink('s', '')]],
    ['a file named like the directory itself', [file('./')]],
    ['a fifo', [{ path: 'p', kind: 'fifo', linkTarget: '' } as TarEntry]],
  ])('refuses %s', (_what, entries) => {
    expect(firstRefusedEntry(entries)).toBeDefined();
  });
});

describe('symlinksToLeaveOut', () => {
  it('names the links a restore would refuse, and only those', () => {
    expect(
      symlinksToLeaveOut([
        { path: 'projects/abc', linkTarget: '../../../project' },
        { path: 'projects/abs', linkTarget: '/home/runner/work' },
        { path: 'projects/in', linkTarget: '../files/f' },
      ]),
    ).toEqual(['projects/abc', 'projects/abs']);
  });
});
