/**
 * The `github` backend: GitHub's Actions cache service through @actions/cache (5.1.0, the last
 * CommonJS major). The toolkit stores one file for us, our own archive, so that both backends
 * share the archive format, the integrity check and the extract-then-swap restore.
 *
 * @actions/cache hashes the paths it is given into the entry's version, globs them from the
 * current directory and archives them relative to GITHUB_WORKSPACE. We give it a constant
 * relative path and, for the duration of the call, make a temp dir both the current directory and
 * GITHUB_WORKSPACE, so the version is the same on every runner and the toolkit never reads or
 * writes the real workspace.
 *
 * Restores do not go through cache.restoreCache: the toolkit extracts its wrapper tar with `-P`
 * (absolute names allowed) into the workspace, so a poisoned entry could write anywhere before
 * our checks ran. We ask the service for the entry's download URL and download it with the
 * toolkit's own clients, then take our archive out of the wrapper only when the wrapper holds
 * that one file and nothing else (archive.ts extractOnlyFile); the archive itself is then judged
 * like any other.
 *
 * Limit of the toolkit, kept here: service and network failures are a warning and a miss (its
 * design: caching is optional), so with this backend an access problem shows as a warning, not a
 * failed step. The s3 backend fails the step.
 */
import * as core from '@actions/core';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ActionError, errorMessage } from '@pipelines/action-kit';
import { ARCHIVE_FILE, extractOnlyFile, UnusableArchiveError } from './archive';
import type { CacheBackend, Downloaded, Found } from './backend';
import type { CacheKeys } from './key';

const UNAVAILABLE = new ActionError(
  'use the GitHub cache service',
  'this runner does not provide it (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL are not set)',
  'Use backend: s3 on runners without GitHub’s cache (self-hosted without cache, act).',
);

/** The toolkit's public API and the internals a restore uses (it has no exports map). */
interface Toolkit {
  cache: typeof import('@actions/cache');
  http: typeof import('@actions/cache/lib/internal/cacheHttpClient');
  twirp: typeof import('@actions/cache/lib/internal/shared/cacheTwirpClient');
  utils: typeof import('@actions/cache/lib/internal/cacheUtils');
  config: typeof import('@actions/cache/lib/internal/config');
}
let loaded: Promise<Toolkit> | undefined;

/**
 * @actions/cache with the Azure SDK under it is about 1.4 MB of code: loaded on first use, so a
 * run that fails on its inputs (or skips the cache) never pays for it.
 */
function toolkit(): Promise<Toolkit> {
  loaded ??= (async () => {
    const [cache, http, twirp, utils, config] = await Promise.all([
      import('@actions/cache'),
      import('@actions/cache/lib/internal/cacheHttpClient'),
      import('@actions/cache/lib/internal/shared/cacheTwirpClient'),
      import('@actions/cache/lib/internal/cacheUtils'),
      import('@actions/cache/lib/internal/config'),
    ]);
    if (!cache.isFeatureAvailable()) throw UNAVAILABLE;
    return { cache, http, twirp, utils, config };
  })();
  return loaded;
}

interface Located {
  matchedKey: string;
  url: string;
}

/**
 * The entry restoreCache would pick (exact key, else the newest with the prefix, in the run's
 * scopes), asked exactly as restoreCache asks: same version (it hashes the path list and the
 * compression method), v2 service or the legacy one.
 */
async function locate(toolkit: Toolkit, keys: CacheKeys): Promise<Located | undefined> {
  const { http, twirp, utils, config } = toolkit;
  const compressionMethod = await utils.getCompressionMethod();
  if (config.getCacheServiceVersion() === 'v2') {
    const response = await twirp.internalCacheTwirpClient().GetCacheEntryDownloadURL({
      key: keys.key,
      restoreKeys: [keys.restorePrefix],
      version: utils.getCacheVersion([ARCHIVE_FILE], compressionMethod, false),
    });
    return response.ok
      ? { matchedKey: response.matchedKey, url: response.signedDownloadUrl }
      : undefined;
  }
  const entry = await http.getCacheEntry([keys.key, keys.restorePrefix], [ARCHIVE_FILE], {
    compressionMethod,
    enableCrossOsArchive: false,
  });
  return entry?.archiveLocation
    ? { matchedKey: entry.cacheKey ?? keys.key, url: entry.archiveLocation }
    : undefined;
}

export function githubBackend(env: NodeJS.ProcessEnv = process.env): CacheBackend {
  // The toolkit's own check (isFeatureAvailable) needs one of these; it runs again on first use.
  if (!env.ACTIONS_RESULTS_URL && !env.ACTIONS_CACHE_URL) throw UNAVAILABLE;
  return {
    name: 'github',
    async lookup(keys: CacheKeys): Promise<Found | undefined> {
      const { cache } = await toolkit();
      const matchedKey = await inWorkspace(process.cwd(), () =>
        cache.restoreCache([ARCHIVE_FILE], keys.key, [keys.restorePrefix], { lookupOnly: true }),
      );
      return matchedKey ? { matchedKey } : undefined;
    },
    async download(keys: CacheKeys, dir: string): Promise<Downloaded | undefined> {
      const loadedToolkit = await toolkit();
      const wrapper = path.join(dir, 'service-wrapper');
      let located: Located | undefined;
      try {
        located = await locate(loadedToolkit, keys);
        if (!located) return undefined;
        await loadedToolkit.http.downloadCache(located.url, wrapper, { useAzureSdk: true });
      } catch (error) {
        core.warning(`Failed to restore: ${errorMessage(error)}`);
        return undefined;
      }
      try {
        await extractOnlyFile(wrapper, ARCHIVE_FILE, dir);
      } catch (error) {
        if (!(error instanceof UnusableArchiveError)) throw error;
        throw new UnusableArchiveError(error.message, located.matchedKey);
      } finally {
        await rm(wrapper, { force: true });
      }
      return { matchedKey: located.matchedKey, archive: path.join(dir, ARCHIVE_FILE) };
    },
    async save(key: string, archive: string) {
      if (path.basename(archive) !== ARCHIVE_FILE) {
        throw new Error(`the archive must be named ${ARCHIVE_FILE}`);
      }
      const { cache } = await toolkit();
      const id = await inWorkspace(path.dirname(archive), () =>
        cache.saveCache([ARCHIVE_FILE], key),
      );
      // -1: the toolkit did not save (another job reserved the key first, or it warned above).
      return id === -1 ? 'not-saved' : 'saved';
    },
  };
}

/** Runs one toolkit call with `dir` as the current directory and GITHUB_WORKSPACE (see above). */
async function inWorkspace<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const saved = { cwd: process.cwd(), workspace: process.env.GITHUB_WORKSPACE };
  process.env.GITHUB_WORKSPACE = dir;
  process.chdir(dir);
  try {
    return await work();
  } finally {
    process.chdir(saved.cwd);
    if (saved.workspace === undefined) delete process.env.GITHUB_WORKSPACE;
    else process.env.GITHUB_WORKSPACE = saved.workspace;
  }
}
