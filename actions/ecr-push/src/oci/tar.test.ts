import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractTar, safePath } from './tar';

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'tar-test-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Files written into `src/`, archived by the system tar with the given options. */
function archive(options: string[], files: Record<string, string | Buffer>): string {
  const src = path.join(work, 'src');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    writeFileSync(path.join(src, name), content);
  }
  const file = path.join(work, 'a.tar');
  execFileSync('tar', ['--create', `--file=${file}`, ...options, '-C', src, '.']);
  return file;
}

/** One ustar header block for `name` with a correct checksum. */
function header(name: string, size: number, type = '0'): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0);
  block.write('0000644\0', 100);
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  block.write(type, 156);
  block.write('ustar\0', 257);
  block.write('00', 263);
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

describe('extractTar', () => {
  const long = `blobs/sha256/${'d'.repeat(64)}/and/a/name/longer/than/one/hundred/characters/in/total.json`;

  it.each([['gnu'], ['posix'], ['ustar']])(
    'extracts a %s archive, long names included',
    async (format) => {
      const files: Record<string, string> = {
        'index.json': '{}',
        'blobs/sha256/abc': 'x'.repeat(1500),
      };
      if (format !== 'ustar') files[long] = 'long';
      const out = path.join(work, 'out');
      await extractTar(archive([`--format=${format}`], files), out);
      for (const [name, content] of Object.entries(files)) {
        expect(readFileSync(path.join(out, name), 'utf8')).toBe(content);
      }
    },
  );

  it('extracts a gzip-compressed archive', async () => {
    const file = archive(['--gzip'], { 'manifest.json': '[]' });
    await extractTar(file, path.join(work, 'out'));
    expect(readFileSync(path.join(work, 'out', 'manifest.json'), 'utf8')).toBe('[]');
  });

  it('turns symlinks inside the archive into copies (docker save links repeated layers)', async () => {
    const src = path.join(work, 'src');
    mkdirSync(path.join(src, 'a'), { recursive: true });
    mkdirSync(path.join(src, 'b'));
    writeFileSync(path.join(src, 'a', 'layer.tar'), 'layer');
    symlinkSync('../a/layer.tar', path.join(src, 'b', 'layer.tar'));
    const file = path.join(work, 'a.tar');
    execFileSync('tar', ['--create', `--file=${file}`, '-C', src, '.']);
    await extractTar(file, path.join(work, 'out'));
    expect(readFileSync(path.join(work, 'out', 'b', 'layer.tar'), 'utf8')).toBe('layer');
  });

  it('refuses an entry that points outside the target directory', async () => {
    const file = path.join(work, 'evil.tar');
    writeFileSync(
      file,
      Buffer.concat([
        header('../evil', 4),
        Buffer.from('evil'),
        Buffer.alloc(508),
        Buffer.alloc(1024),
      ]),
    );
    await expect(extractTar(file, path.join(work, 'out'))).rejects.toThrow(
      'points outside the archive',
    );
    expect(existsSync(path.join(work, 'evil'))).toBe(false);
  });

  it('refuses bytes that are not a tar archive', async () => {
    const file = path.join(work, 'junk');
    writeFileSync(file, Buffer.alloc(2048, 0x41));
    await expect(extractTar(file, path.join(work, 'out'))).rejects.toThrow('not a tar archive');
  });

  it('refuses a truncated archive', async () => {
    const file = path.join(work, 'short.tar');
    writeFileSync(file, Buffer.concat([header('big', 4096), Buffer.alloc(100)]));
    await expect(extractTar(file, path.join(work, 'out'))).rejects.toThrow('truncated');
  });
});

describe('safePath', () => {
  it.each(['/etc/passwd', '../x', 'a/../../x'])('refuses %s', (name) => {
    expect(() => safePath('/tmp/out', name)).toThrow('outside');
  });

  it('keeps ./-prefixed names inside', () => {
    expect(safePath('/tmp/out', './blobs/sha256/x')).toBe('/tmp/out/blobs/sha256/x');
  });
});
