/**
 * A small tar reader (ustar, pax and GNU long names; plain or gzip) that extracts an image
 * archive into a private directory. Written here rather than taken from npm because the
 * archives are simple (regular files, directories, the odd symlink from docker save) and the
 * `tar` package alone would push this action's bundle over its size budget.
 */
import { createReadStream, createWriteStream, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';

export class TarError extends Error {
  override readonly name = 'TarError';
}

/** Pulls exact byte counts out of a stream. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else {
        this.buffered.push(next.value);
        this.length += next.value.length;
      }
    }
  }

  /** Up to `max` bytes (fewer only at the end of the stream). */
  async take(max: number): Promise<Buffer> {
    await this.fill(1);
    const all = Buffer.concat(this.buffered);
    const out = all.subarray(0, Math.min(max, all.length));
    const rest = all.subarray(out.length);
    this.buffered = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  async exact(n: number, what: string): Promise<Buffer> {
    await this.fill(n);
    if (this.length < n) throw new TarError(`truncated archive (in ${what})`);
    return this.take(n);
  }
}

function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** Octal numeric field, or base-256 when the high bit is set (GNU, for sizes >= 8 GiB). */
export function numeric(field: Buffer): number {
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarError('not a tar archive (bad numeric field)');
  return parseInt(digits, 8);
}

export function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return sum === numeric(header.subarray(148, 156));
}

/** Pax extended header records: "<len> key=value\n". */
export function paxRecords(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space).toString('latin1'));
    if (space < 0 || !Number.isSafeInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

/** The entry's path inside `dir`, or an error for absolute paths and `..` escapes. */
export function safePath(dir: string, name: string): string {
  const normalized = path.posix.normalize(name.replace(/^\.\/+/, ''));
  if (path.posix.isAbsolute(normalized) || normalized.split('/').includes('..')) {
    throw new TarError(`entry ${JSON.stringify(name)} points outside the archive`);
  }
  return path.join(dir, normalized);
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
  const reader = new ByteReader((await isGzip(file)) ? raw.pipe(createGunzip()) : raw);
  const links: Array<{ at: string; target: string }> = [];
  let pending: { path?: string; linkpath?: string } = {};
  let entries = 0;
  for (;;) {
    const header = await reader.take(512);
    if (header.length === 0 && entries > 0) break; // some writers omit the end-of-archive blocks
    if (header.length < 512) throw new TarError('not a tar archive (too short)');
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) throw new TarError('not a tar archive (header checksum mismatch)');
    entries++;
    const size = numeric(header.subarray(124, 136));
    const padding = (512 - (size % 512)) % 512;
    const type = String.fromCharCode(header[156] ?? 0);
    if (type === 'x' || type === 'L' || type === 'K' || type === 'g') {
      const body = await reader.exact(size, 'an extended header');
      await reader.exact(padding, 'padding');
      if (type === 'x') pending = { ...pending, ...paxRecords(body) };
      if (type === 'L') pending.path = text(body, 0, body.length);
      if (type === 'K') pending.linkpath = text(body, 0, body.length);
      continue;
    }
    const ustar = text(header, 257, 6).startsWith('ustar');
    const prefix = ustar ? text(header, 345, 155) : '';
    const short = text(header, 0, 100);
    const name = pending.path ?? (prefix ? `${prefix}/${short}` : short);
    const linkname = pending.linkpath ?? text(header, 157, 100);
    pending = {};
    const target = safePath(dir, name);
    if (type === '0' || type === '\0' || type === '7') {
      mkdirSync(path.dirname(target), { recursive: true });
      const out = createWriteStream(target);
      for (let left = size; left > 0;) {
        const piece = await reader.take(Math.min(left, 1 << 20));
        if (piece.length === 0) throw new TarError(`truncated archive (in ${name})`);
        if (!out.write(piece)) await once(out, 'drain');
        left -= piece.length;
      }
      out.end();
      await once(out, 'finish');
      await reader.exact(padding, 'padding');
      continue;
    }
    await reader.exact(size + padding, name);
    if (type === '5') mkdirSync(target, { recursive: true });
    // Links become copies once every file is out (docker save links repeated layers).
    if (type === '1') links.push({ at: target, target: safePath(dir, linkname) });
    if (type === '2') {
      links.push({
        at: target,
        target: safePath(dir, path.posix.join(path.posix.dirname(name), linkname)),
      });
    }
  }
  for (const link of links) {
    if (!existsSync(link.target)) throw new TarError(`link ${link.at} points at a missing entry`);
    mkdirSync(path.dirname(link.at), { recursive: true });
    copyFileSync(link.target, link.at);
  }
}
