/**
 * Writes tar archives byte by byte (ustar headers, optional pax records), so tests can build the
 * hostile archives that tar itself would refuse to create from a real directory.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface CraftedEntry {
  path: string;
  /** ustar typeflag: '0' file, '1' hardlink, '2' symlink, '3' char device, '5' directory. */
  type: '0' | '1' | '2' | '3' | '5';
  content?: string | Buffer;
  linkTarget?: string;
  /** Put the path into a pax extended header instead of the ustar name field. */
  paxPath?: boolean;
}

const BLOCK = 512;

function header(name: string, type: string, size: number, linkTarget = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(type === '5' ? '0000755\0' : '0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write('14000000000\0', 136, 'latin1');
  block.write('        ', 148, 'latin1');
  block.write(type, 156, 'latin1');
  block.write(linkTarget, 157, 'utf8');
  block.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

export function craftTar(entries: readonly CraftedEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (entry.paxPath) {
      const records = Buffer.from(paxRecord('path', entry.path));
      blocks.push(header('PaxHeader', 'x', records.length), padded(records));
    }
    const data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content ?? '');
    const name = entry.paxPath ? 'innocent' : entry.path;
    blocks.push(header(name, entry.type, data.length, entry.linkTarget), padded(data));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}

/** Writes the crafted tar compressed the way the action's archives are. */
export function compressedTar(
  entries: readonly CraftedEntry[],
  compression: 'zstd' | 'gzip',
): Buffer {
  const tar = craftTar(entries);
  return compression === 'gzip'
    ? gzipSync(tar)
    : execFileSync('zstd', ['-q', '-c'], { input: tar });
}

export function writeCraftedArchive(
  file: string,
  entries: readonly CraftedEntry[],
  compression: 'zstd' | 'gzip',
): void {
  writeFileSync(file, compressedTar(entries, compression));
}
