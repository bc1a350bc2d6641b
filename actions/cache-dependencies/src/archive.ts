/**
 * The archive both backends store: a tar of the cached directory's contents, compressed with
 * zstd when the zstd binary is on PATH, else gzip. tar and the compressor stream file to file,
 * so the archive is never held in memory. The compression is read back from the archive's magic
 * bytes, so a runner restores what another runner saved whatever it used.
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import * as io from '@actions/io';

export type Compression = 'zstd' | 'gzip';

/** The file name of an archive; constant, because the github backend's cache version hashes it. */
export const ARCHIVE_FILE = 'cache-dependencies.archive';

/** A downloaded archive that cannot be extracted: treated as a miss, never half-extracted. */
export class UnusableArchiveError extends Error {
  override readonly name = 'UnusableArchiveError';
}

export async function availableCompression(): Promise<Compression> {
  return (await io.which('zstd', false)) ? 'zstd' : 'gzip';
}

/** Archives the contents of `dir` (paths relative to it) into `file`. Returns its size. */
export async function createArchive(
  dir: string,
  file: string,
  compression: Compression,
): Promise<void> {
  // -T0: zstd on all cores; the pnpm store is many small, compressible files.
  const compress = compression === 'zstd' ? ['--use-compress-program', 'zstd -T0 -3'] : ['-z'];
  await tar(['--posix', '-c', '-f', file, ...compress, '-C', dir, '.']);
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
 */
export async function extractArchive(file: string, dest: string): Promise<void> {
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
  try {
    await tar(['-x', '-f', file, compression === 'zstd' ? '--zstd' : '-z', '-C', dest]);
  } catch (error) {
    throw new UnusableArchiveError(`it does not extract (${(error as Error).message})`);
  }
}

function tar(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`tar exited with ${code ?? signal}: ${stderr.trim() || 'no message'}`)),
    );
  });
}
