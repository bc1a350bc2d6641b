/**
 * A deterministic zip: the same files give the same bytes on every machine and every run.
 * yazl writes the archive; we fix everything that would otherwise vary:
 * - entries sorted by name (not the order the directory listing happens to return);
 * - one fixed DOS timestamp (1980-01-01 00:00, the zip epoch) and no extended-timestamp field,
 *   which would carry a Unix time that depends on the machine's time zone;
 * - fixed permissions (0644 regular files) whatever the umask or checkout gave the files;
 * - deflate through Node's bundled zlib (the pinned Node gives the same compressed bytes).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  /** The name inside the archive, with forward slashes. */
  readonly name: string;
  readonly content: Buffer;
}

// yazl turns the Date into DOS fields with local-time getters; building it from local fields
// makes the stored date 1980-01-01 00:00 in every time zone.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

/** Entries in archive order: sorted by name; a duplicate or unsafe name is refused. */
export function archiveOrder(entries: readonly ZipEntry[]): ZipEntry[] {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [i, entry] of sorted.entries()) {
    if (
      entry.name.startsWith('/') ||
      entry.name.split('/').includes('..') ||
      entry.name.includes('\\')
    ) {
      throw new Error(
        `Refusing zip entry "${entry.name}": names must be relative, with "/" and no "..".`,
      );
    }
    if (i > 0 && sorted[i - 1]?.name === entry.name) {
      throw new Error(`Refusing zip entry "${entry.name}": it is listed twice.`);
    }
  }
  return sorted;
}

export function writeDeterministicZip(
  entries: readonly ZipEntry[],
  outFile: string,
): Promise<void> {
  const zip = new ZipFile();
  for (const entry of archiveOrder(entries)) {
    zip.addBuffer(entry.content, entry.name, {
      mtime: FIXED_MTIME,
      mode: FILE_MODE,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  return new Promise((resolve, reject) => {
    const out = createWriteStream(outFile);
    out.on('close', () => resolve());
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
    zip.end();
  });
}

/** Reads files from disk into entries (name inside the archive -> path on disk). */
export function entriesFrom(files: Readonly<Record<string, string>>): ZipEntry[] {
  return Object.entries(files).map(([name, file]) => ({ name, content: readFileSync(file) }));
}
