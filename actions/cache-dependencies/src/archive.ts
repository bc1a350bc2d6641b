/**
 * The archive both backends store: a tar of the cached directory's contents, compressed with
 * zstd when the zstd binary is on PATH, else gzip. tar and the compressor stream file to file,
 * so the archive is never held in memory. The compression is read back from the archive's magic
 * bytes, so a runner restores what another runner saved whatever it used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as io from '@actions/io';
import { firstRefusedEntry, symlinksToLeaveOut } from './entryPolicy';
import { tarEntries, type TarEntry } from './tarEntries';

export type Compression = 'zstd' | 'gzip';

/** The file name of an archive; constant, because the github backend's cache version hashes it. */
export const ARCHIVE_FILE = 'cache-dependencies.archive';

/** A downloaded archive that cannot be extracted: treated as a miss, never half-extracted. */
export class UnusableArchiveError extends Error {
  override readonly name = 'UnusableArchiveError';

  /** `entry`: the key of the cache entry, when the thrower knows it. */
  constructor(
    message: string,
    readonly entry?: string,
  ) {
    super(message);
  }
}

export async function availableCompression(): Promise<Compression> {
  return (await io.which('zstd', false)) ? 'zstd' : 'gzip';
}

/**
 * Archives the contents of `dir` (paths relative to it) into `file`, leaving out the symlinks a
 * restore would refuse (those pointing outside `dir`). Returns the paths left out.
 */
export async function createArchive(
  dir: string,
  file: string,
  compression: Compression,
): Promise<string[]> {
  const leftOut = symlinksToLeaveOut(await symlinksUnder(dir));
  // -T0: zstd on all cores; the pnpm store is many small, compressible files.
  const compress = compression === 'zstd' ? ['--use-compress-program', 'zstd -T0 -3'] : ['-z'];
  // One literal, anchored member name per argument (names may hold newlines or glob characters).
  const exclude = ['--no-wildcards', '--anchored', ...leftOut.map((link) => `--exclude=./${link}`)];
  await tar(['--posix', '-c', '-f', file, ...compress, ...exclude, '-C', dir, '.']);
  return leftOut;
}

async function symlinksUnder(dir: string): Promise<{ path: string; linkTarget: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const links = entries.filter((entry) => entry.isSymbolicLink());
  return Promise.all(
    links.map(async (link) => {
      const full = path.join(link.parentPath, link.name);
      return { path: path.relative(dir, full), linkTarget: await readlink(full) };
    }),
  );
}

const MAGIC: Record<Compression, number[]> = {
  zstd: [0x28, 0xb5, 0x2f, 0xfd],
  gzip: [0x1f, 0x8b],
};

/** The compression of an archive, from its first bytes; undefined when it is neither. */
export function compressionOf(head: Uint8Array): Compression | undefined {
  for (const [name, magic] of Object.entries(MAGIC) as [Compression, number[]][]) {
    if (magic.every((byte, i) => head[i] === byte)) return name;
  }
  return undefined;
}

/**
 * Extracts a whole archive into `dest` (an empty temp dir). Any failure (unknown format,
 * truncated or corrupt data, a missing decompressor) is an UnusableArchiveError; the caller
 * throws the temp dir away, so nothing half-extracted reaches the real path.
 *
 * Before tar writes anything, every entry is read and judged (entryPolicy.ts): an archive with one
 * entry that could create something outside `dest` (absolute or `..` names, links that escape,
 * devices) is refused whole. The archive is a local file that nothing else writes, so what tar
 * extracts is what was judged.
 */
export async function extractArchive(file: string, dest: string): Promise<void> {
  const compression = await readableCompression(file);
  const refused = firstRefusedEntry(await listEntries(file, compression));
  if (refused) {
    throw new UnusableArchiveError(
      `it holds the entry ${JSON.stringify(refused.entry)}, which is refused: ${refused.reason}`,
    );
  }
  await extract(file, compression, dest, []);
}

/**
 * Extracts `member` from an archive that must hold that one regular file and nothing else (the
 * cache service's wrapper around our archive). Anything else in it is refused whole, before
 * anything is written: the wrapper comes from the same entry as the archive inside it.
 */
export async function extractOnlyFile(file: string, member: string, dest: string): Promise<void> {
  const compression = await readableCompression(file);
  const entries = await listEntries(file, compression);
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only?.kind !== 'file' || only.path.replace(/^(\.\/)+/, '') !== member) {
    const held = entries.map((entry) => `${entry.kind} ${JSON.stringify(entry.path)}`);
    throw new UnusableArchiveError(
      `its wrapper should hold only the file ${member}, and holds ${held.join(', ') || 'nothing'}`,
    );
  }
  await extract(file, compression, dest, [only.path]);
}

/** The compression of an archive, when this runner can decompress it. */
async function readableCompression(file: string): Promise<Compression> {
  const handle = await open(file, 'r');
  const head = new Uint8Array(4);
  try {
    await handle.read(head, 0, 4, 0);
  } finally {
    await handle.close();
  }
  const compression = compressionOf(head);
  if (!compression) {
    throw new UnusableArchiveError('it is neither zstd nor gzip compressed (corrupt or foreign)');
  }
  if (compression === 'zstd' && !(await io.which('zstd', false))) {
    throw new UnusableArchiveError('it is zstd compressed and zstd is not installed here');
  }
  return compression;
}

/**
 * zstd with --long=30: the cache service's wrapper is written with a 1 GiB window (as
 * @actions/cache compresses); the flag only lets the decompressor use that much memory.
 */
const ZSTD_DECOMPRESS = ['zstd', '--long=30'];

async function extract(
  file: string,
  compression: Compression,
  dest: string,
  members: string[],
): Promise<void> {
  try {
    // --no-same-owner: files belong to the runner's user, whoever archived them.
    const decompress = compression === 'zstd' ? ['-I', ZSTD_DECOMPRESS.join(' ')] : ['-z'];
    await tar(['-x', '--no-same-owner', '-f', file, ...decompress, '-C', dest, '--', ...members]);
  } catch (error) {
    throw new UnusableArchiveError(`it does not extract (${(error as Error).message})`);
  }
}

/** The archive's entries, decompressed as a stream (zstd by its binary, gzip by zlib). */
async function listEntries(file: string, compression: Compression): Promise<TarEntry[]> {
  let decompressed: Readable;
  let finished: Promise<void> = Promise.resolve();
  if (compression === 'gzip') {
    decompressed = createReadStream(file).pipe(createGunzip());
  } else {
    const [zstd = 'zstd', ...flags] = ZSTD_DECOMPRESS;
    const child = spawn(zstd, [...flags, '-d', '-c', '-q', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    finished = exited(child, 'zstd');
    decompressed = child.stdout;
  }
  try {
    const entries = await tarEntries(decompressed);
    decompressed.destroy();
    await finished.catch(() => undefined);
    return entries;
  } catch (error) {
    decompressed.destroy();
    await finished.catch(() => undefined);
    throw new UnusableArchiveError(`its entries cannot be read (${(error as Error).message})`);
  }
}

function tar(args: string[]): Promise<void> {
  return exited(spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'] }), 'tar');
}

/** Resolves when the child exits 0; rejects with the end of its stderr otherwise. */
function exited(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`${name} exited with ${code ?? signal}: ${stderr.trim() || 'no message'}`),
          ),
    );
  });
}
