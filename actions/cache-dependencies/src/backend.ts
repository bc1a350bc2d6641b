/**
 * The one interface both storage backends implement. Everything else (key, archive format,
 * integrity checks, extraction into place) is shared code above it.
 */
import type { CacheKeys } from './key';

export interface Found {
  /** The key of the entry found: the exact key, or the newest with the restore prefix. */
  matchedKey: string;
}

export interface Downloaded extends Found {
  /** The archive, downloaded to a temp file the caller deletes. */
  archive: string;
}

/** exists: another job saved the key first; not-saved: the backend declined and said why. */
export type SaveResult = 'saved' | 'exists' | 'not-saved';

export interface CacheBackend {
  readonly name: 'github' | 's3';
  /** Finds an entry without downloading it. Undefined on a miss; throws on access errors. */
  lookup(keys: CacheKeys): Promise<Found | undefined>;
  /** Finds and downloads an entry into `dir`. Undefined on a miss; throws on access errors. */
  download(keys: CacheKeys, dir: string): Promise<Downloaded | undefined>;
  /** Stores the archive under the key, never replacing an existing entry. */
  save(key: string, archive: string): Promise<SaveResult>;
}
