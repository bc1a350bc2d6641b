/**
 * The two things the action does, over any backend: restore (main step) and save (post step).
 * Backends only move archives; the archive format, the integrity rules and the decisions are here,
 * the same for both.
 */
import * as core from '@actions/core';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ARCHIVE_FILE, availableCompression, createArchive, UnusableArchiveError } from './archive';
import type { CacheBackend, Downloaded, SaveResult } from './backend';
import type { CacheKeys } from './key';
import { restoreArchive } from './place';

export interface Restored {
  /** The exact key was found. */
  hit: boolean;
  /** The entry restored (or, with lookup-only, found); '' on a miss. */
  matchedKey: string;
  /** One line for the summary. */
  note: string;
}

export async function restore(
  backend: CacheBackend,
  keys: CacheKeys,
  target: string,
  lookupOnly: boolean,
): Promise<Restored> {
  const result = (matchedKey: string, note: string): Restored => ({
    hit: matchedKey === keys.key,
    matchedKey,
    note,
  });
  if (lookupOnly) {
    const found = await backend.lookup(keys);
    return found
      ? result(found.matchedKey, 'found (lookup only, nothing downloaded)')
      : result('', 'miss (lookup only)');
  }
  const dir = await tempDir();
  try {
    let downloaded: Downloaded | undefined;
    try {
      downloaded = await backend.download(keys, dir);
      if (!downloaded) return result('', 'miss');
      await restoreArchive(downloaded.archive, target);
    } catch (error) {
      if (!(error instanceof UnusableArchiveError)) throw error;
      const entry = error.entry ?? downloaded?.matchedKey ?? 'found';
      core.warning(
        `The cache entry ${entry} is unusable: ${error.message}. ` +
          `Treated as a miss; ${target} was left as it was. ` +
          `Delete the entry so that a later run can save a good one.`,
      );
      return result('', `miss: entry ${entry} was unusable (${error.message})`);
    }
    const size = (await stat(downloaded.archive)).size;
    return result(downloaded.matchedKey, `restored ${megabytes(size)} into ${target}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Saved {
  result: SaveResult | 'nothing-to-save';
  note: string;
}

export async function save(backend: CacheBackend, key: string, source: string): Promise<Saved> {
  const isDir = await stat(source).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    core.warning(`Nothing to cache: ${source} is not a directory. Did the install run?`);
    return { result: 'nothing-to-save', note: `${source} does not exist` };
  }
  const dir = await tempDir();
  try {
    const archive = path.join(dir, ARCHIVE_FILE);
    const compression = await availableCompression();
    const leftOut = await createArchive(source, archive, compression);
    if (leftOut.length > 0) {
      core.info(
        `Left out ${leftOut.length} symlink(s) pointing outside ${source} (a restore refuses ` +
          `them): ${leftOut.slice(0, 5).join(', ')}${leftOut.length > 5 ? ', ...' : ''}`,
      );
    }
    const size = (await stat(archive)).size;
    const result = await backend.save(key, archive);
    const notes: Record<SaveResult, string> = {
      saved: `saved ${megabytes(size)} (${compression})`,
      exists: 'another job saved this key first; kept theirs',
      'not-saved': 'not saved (see the warnings above)',
    };
    return { result, note: notes[result] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'cache-dependencies-'));
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
