/**
 * Extracts an image archive (docker save, or an OCI layout as a tar; plain or gzip) into a private
 * directory, with tar-stream reading the format (ustar, pax, GNU long names). What is ours: every
 * entry's path must stay inside the directory, and links become copies once every file is out
 * (docker save links repeated layers; nothing outside the directory is ever linked to).
 */
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

export class TarError extends Error {
  override readonly name = 'TarError';
}

/** The entry's path inside `dir`, or an error for absolute paths and `..` escapes. */
export function safePath(dir: string, name: string): string {
  const normalized = path.posix.normalize(name.replace(/^\.\/+/, ''));
  if (path.posix.isAbsolute(normalized) || normalized.split('/').includes('..')) {
    throw new TarError(`entry ${JSON.stringify(name)} points outside the archive`);
  }
  return path.join(dir, normalized);
}

/** tar-stream's and zlib's errors, said as what they mean for the archive. */
export function archiveError(error: unknown): Error {
  if (error instanceof TarError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected end|premature close|truncated/i.test(message))
    return new TarError(`truncated archive (${message})`, { cause: error });
  return new TarError(`not a tar archive (${message})`, { cause: error });
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export async function extractTar(file: string, dir: string): Promise<void> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const extractor = extract();
  // The archive flows in while the loop below takes the entries out; a failure of either ends both.
  const feeding = (await isGzip(file))
    ? pipeline(raw, createGunzip(), extractor)
    : pipeline(raw, extractor);
  feeding.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  const links: Array<{ at: string; target: string }> = [];
  try {
    for await (const entry of extractor) {
      const { name, type, linkname } = entry.header;
      const target = safePath(dir, name);
      if (type === 'file' || type === 'contiguous-file') {
        mkdirSync(path.dirname(target), { recursive: true });
        await pipeline(entry, createWriteStream(target));
        continue;
      }
      entry.resume();
      if (type === 'directory') mkdirSync(target, { recursive: true });
      if (type === 'link') links.push({ at: target, target: safePath(dir, linkname) });
      if (type === 'symlink')
        links.push({
          at: target,
          target: safePath(dir, path.posix.join(path.posix.dirname(name), linkname)),
        });
    }
    await feeding;
  } catch (error) {
    raw.destroy();
    extractor.destroy();
    throw archiveError(error);
  }
  for (const link of links) {
    if (!existsSync(link.target)) throw new TarError(`link ${link.at} points at a missing entry`);
    mkdirSync(path.dirname(link.at), { recursive: true });
    copyFileSync(link.target, link.at);
  }
}
