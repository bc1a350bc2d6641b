/**
 * Reads the entries of a tar stream (headers only; file data is skipped), the way GNU tar will
 * see them when it extracts: ustar names with their prefix, pax extended headers (path, linkpath,
 * size) and GNU long names. Anything this reader does not understand is reported as an entry of
 * kind `other`, never skipped, so the safety check refuses what it cannot judge.
 */
import type { Readable } from 'node:stream';

export type EntryKind =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character device'
  | 'block device'
  | 'fifo'
  | 'other';

export interface TarEntry {
  /** The member name as stored (not normalised). */
  path: string;
  kind: EntryKind;
  /** Symlink target or hardlink target ('' for other kinds). */
  linkTarget: string;
}

/** A stream that is not a well-formed tar archive. */
export class MalformedTarError extends Error {
  override readonly name = 'MalformedTarError';
}

const BLOCK = 512;

const KINDS: Record<string, EntryKind> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'character device',
  '4': 'block device',
  '5': 'directory',
  '6': 'fifo',
};

/** Every entry of the archive, in order; stops at the first zero block, as GNU tar does. */
export async function tarEntries(stream: Readable): Promise<TarEntry[]> {
  const reader = new BlockReader(stream);
  const entries: TarEntry[] = [];
  let pending: { path?: string; linkTarget?: string; size?: number } = {};
  for (;;) {
    const header = await reader.read(BLOCK);
    if (header === undefined || header.every((byte) => byte === 0)) return entries;
    checkChecksum(header);
    const type = String.fromCharCode(header[156] ?? 0);
    // A pax size applies to the entry it describes, never to another meta header.
    const metaSize = numberField(header, 124, 12);
    const metaPadded = Math.ceil(metaSize / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g') {
      const records = paxRecords(await reader.readExactly(metaPadded, metaSize));
      if (type === 'g') {
        // A global header that renames members is something we cannot judge: refuse it.
        if (records.has('path') || records.has('linkpath')) {
          entries.push({ path: records.get('path') ?? '', kind: 'other', linkTarget: '' });
        }
        continue;
      }
      if ([...records.keys()].some((key) => key.startsWith('GNU.sparse'))) {
        entries.push({ path: records.get('path') ?? '', kind: 'other', linkTarget: '' });
      }
      const paxSize = records.get('size');
      if (paxSize !== undefined && !/^\d{1,15}$/.test(paxSize)) {
        throw new MalformedTarError('a pax size record is not a number');
      }
      pending = {
        ...pending,
        ...(records.has('path') ? { path: records.get('path') } : {}),
        ...(records.has('linkpath') ? { linkTarget: records.get('linkpath') } : {}),
        ...(paxSize !== undefined ? { size: Number(paxSize) } : {}),
      };
      continue;
    }
    if (type === 'L' || type === 'K') {
      const value = cString(await reader.readExactly(metaPadded, metaSize), 0, metaSize);
      pending = type === 'L' ? { ...pending, path: value } : { ...pending, linkTarget: value };
      continue;
    }
    const ustarPrefix = isPosixUstar(header) ? cString(header, 345, 155) : '';
    const name = cString(header, 0, 100);
    entries.push({
      path: pending.path ?? (ustarPrefix ? `${ustarPrefix}/${name}` : name),
      kind: KINDS[type] ?? 'other',
      linkTarget: pending.linkTarget ?? cString(header, 157, 100),
    });
    const kind = KINDS[type];
    const size = pending.size ?? metaSize;
    pending = {};
    // Readers disagree on whether a link or directory with a size is followed by data; one that
    // claims data could hide headers from one reader and show them to another, so it is refused.
    if (size !== 0 && (kind === 'symlink' || kind === 'hardlink' || kind === 'directory')) {
      throw new MalformedTarError(`the ${kind} entry ${JSON.stringify(name)} claims data`);
    }
    await reader.skip(Math.ceil(size / BLOCK) * BLOCK);
  }
}

function checkChecksum(header: Buffer): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  if (numberField(header, 148, 8) !== sum) {
    throw new MalformedTarError('a tar header has a wrong checksum');
  }
}

/** POSIX ustar ("ustar\0") has a name prefix field; old GNU ("ustar  ") uses it for times. */
function isPosixUstar(header: Buffer): boolean {
  return header.toString('latin1', 257, 263) === 'ustar\0';
}

function cString(buffer: Buffer, offset: number, length: number): string {
  const field = buffer.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? field.length : end);
}

/** An octal number field, or GNU's base-256 form (high bit of the first byte set). */
function numberField(buffer: Buffer, offset: number, length: number): number {
  const field = buffer.subarray(offset, offset + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = cString(field, 0, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new MalformedTarError(`a tar header field is not octal`);
  return text === '' ? 0 : parseInt(text, 8);
}

/** pax records: "<length> <key>=<value>\n", repeated. */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length && data[offset] !== 0) {
    const space = data.indexOf(0x20, offset);
    const length = Number(data.toString('latin1', offset, space));
    if (space === -1 || !Number.isInteger(length) || length <= 0) {
      throw new MalformedTarError('a pax header record is malformed');
    }
    const record = data.toString('utf8', space + 1, offset + length - 1);
    const equals = record.indexOf('=');
    if (equals === -1) throw new MalformedTarError('a pax header record has no "="');
    records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

/** Reads exact byte counts from a stream, and skips data without holding it. */
class BlockReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private buffered: Buffer = Buffer.alloc(0);

  constructor(stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** `length` bytes, or undefined at the very end of the stream. */
  async read(length: number): Promise<Buffer | undefined> {
    while (this.buffered.length < length) {
      const next = await this.chunks.next();
      if (next.done) {
        if (this.buffered.length === 0) return undefined;
        throw new MalformedTarError('the archive ends in the middle of a block');
      }
      this.buffered = Buffer.concat([this.buffered, next.value]);
    }
    const out = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return out;
  }

  /** The first `keep` of the next `length` bytes; fails at the end of the stream. */
  async readExactly(length: number, keep: number): Promise<Buffer> {
    if (length === 0) return Buffer.alloc(0);
    if (length > 16 * 1024 * 1024) throw new MalformedTarError('a tar meta header is too large');
    const data = await this.read(length);
    if (!data) throw new MalformedTarError('the archive ends in the middle of an entry');
    return data.subarray(0, keep);
  }

  async skip(length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      if (this.buffered.length === 0) {
        const next = await this.chunks.next();
        if (next.done) throw new MalformedTarError('the archive ends in the middle of an entry');
        this.buffered = next.value;
      }
      const take = Math.min(left, this.buffered.length);
      this.buffered = this.buffered.subarray(take);
      left -= take;
    }
  }
}
