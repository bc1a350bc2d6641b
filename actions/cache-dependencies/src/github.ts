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
 * Limit of the toolkit: it reports service and network failures as a warning and a miss (its
 * design: caching is optional), so with this backend an access problem shows as a warning, not a
 * failed step. The s3 backend fails the step.
 */
import path from 'node:path';
import { ActionError } from '@pipelines/shared';
import { ARCHIVE_FILE } from './archive';
import type { CacheBackend, Downloaded, Found } from './backend';
import type { CacheKeys } from './key';

const UNAVAILABLE = new ActionError(
  'use the GitHub cache service',
  'this runner does not provide it (ACTIONS_RESULTS_URL / ACTIONS_CACHE_URL are not set)',
  'Use backend: s3 on runners without GitHub’s cache (self-hosted without cache, act).',
);

type Toolkit = typeof import('@actions/cache');
let loaded: Promise<Toolkit> | undefined;

/**
 * @actions/cache with the Azure SDK under it is about 1.4 MB of code: loaded on first use, so a
 * run that fails on its inputs (or skips the cache) never pays for it.
 */
function toolkit(): Promise<Toolkit> {
  loaded ??= import('@actions/cache').then((cache) => {
    if (!cache.isFeatureAvailable()) throw UNAVAILABLE;
    return cache;
  });
  return loaded;
}

export function githubBackend(env: NodeJS.ProcessEnv = process.env): CacheBackend {
  // The toolkit's own check (isFeatureAvailable) needs one of these; it runs again on first use.
  if (!env.ACTIONS_RESULTS_URL && !env.ACTIONS_CACHE_URL) throw UNAVAILABLE;
  return {
    name: 'github',
    async lookup(keys: CacheKeys): Promise<Found | undefined> {
      const cache = await toolkit();
      const matchedKey = await inWorkspace(process.cwd(), () =>
        cache.restoreCache([ARCHIVE_FILE], keys.key, [keys.restorePrefix], { lookupOnly: true }),
      );
      return matchedKey ? { matchedKey } : undefined;
    },
    async download(keys: CacheKeys, dir: string): Promise<Downloaded | undefined> {
      const cache = await toolkit();
      const matchedKey = await inWorkspace(dir, () =>
        cache.restoreCache([ARCHIVE_FILE], keys.key, [keys.restorePrefix]),
      );
      return matchedKey ? { matchedKey, archive: path.join(dir, ARCHIVE_FILE) } : undefined;
    },
    async save(key: string, archive: string) {
      if (path.basename(archive) !== ARCHIVE_FILE) {
        throw new Error(`the archive must be named ${ARCHIVE_FILE}`);
      }
      const cache = await toolkit();
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
