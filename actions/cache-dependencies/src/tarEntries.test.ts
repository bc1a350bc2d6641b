import { Readable } from 'node:stream';
import { craftTar } from '../test/craftTar';
import { MalformedTarError, tarEntries } from './tarEntries';

const entriesOf = (tar: Buffer) => tarEntries(Readable.from([tar]));

describe('tarEntries', () => {
  it('reads names, kinds and link targets, and skips file data', async () => {
    const tar = craftTar([
      { path: 'dir', type: '5' },
      { path: 'dir/file', type: '0', content: 'x'.repeat(1500) },
      { path: 'link', type: '2', linkTarget: 'dir/file' },
      { path: 'hard', type: '1', linkTarget: 'dir/file' },
    ]);
    expect(await entriesOf(tar)).toEqual([
      { path: 'dir', kind: 'directory', linkTarget: '' },
      { path: 'dir/file', kind: 'file', linkTarget: '' },
      { path: 'link', kind: 'symlink', linkTarget: 'dir/file' },
      { path: 'hard', kind: 'hardlink', linkTarget: 'dir/file' },
    ]);
  });

  it('takes the path from a pax header over the ustar name', async () => {
    const tar = craftTar([{ path: '../escape', type: '0', content: 'x', paxPath: true }]);
    expect(await entriesOf(tar)).toEqual([{ path: '../escape', kind: 'file', linkTarget: '' }]);
  });

  it('stops at the first zero block, as GNU tar does', async () => {
    const first = craftTar([{ path: 'a', type: '0', content: 'a' }]).subarray(0, 1024);
    const rest = craftTar([{ path: 'hidden', type: '0', content: 'b' }]);
    const tar = Buffer.concat([first, Buffer.alloc(512), rest]);
    expect((await entriesOf(tar)).map((e) => e.path)).toEqual(['a']);
  });

  it('refuses a header with a wrong checksum rather than resynchronising', async () => {
    const tar = craftTar([{ path: 'a', type: '0', content: 'a' }]);
    tar[0] = 'b'.charCodeAt(0);
    await expect(entriesOf(tar)).rejects.toThrow(MalformedTarError);
  });

  it('refuses a symlink that claims data (readers disagree on skipping it)', async () => {
    const tar = craftTar([{ path: 'link', type: '2', linkTarget: 'x', content: 'hidden' }]);
    await expect(entriesOf(tar)).rejects.toThrow(/symlink entry "link" claims data/);
  });
});
