/**
 * The cache key, as a pure function of what makes a pnpm store reusable: the lockfiles' content,
 * the OS and CPU architecture (native packages differ), the Node major (node-gyp builds and
 * engines checks differ) and an optional prefix (the tier, so lower and upper never share).
 *
 *   [<prefix>-]pnpm-<os>-<arch>-node<major>-<sha256 of the lockfiles>
 *
 * The restore prefix is the key without the hash: "the newest store for this prefix, OS, arch
 * and Node", the same thing actions/cache's restore-keys express.
 */

export interface KeyParts {
  prefix: string;
  platform: string;
  arch: string;
  nodeMajor: number;
  lockfilesHash: string;
}

export interface CacheKeys {
  /** The exact key: a hit means the store matches the lockfiles. */
  key: string;
  /** What any fallback entry's key starts with. */
  restorePrefix: string;
}

/** Letters, digits, dot, underscore and dash: safe in S3 keys and GitHub cache keys alike. */
export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function cacheKeys(parts: KeyParts): CacheKeys {
  const restorePrefix = [
    ...(parts.prefix ? [parts.prefix] : []),
    'pnpm',
    parts.platform,
    parts.arch,
    `node${parts.nodeMajor}`,
    '',
  ].join('-');
  return { key: `${restorePrefix}${parts.lockfilesHash}`, restorePrefix };
}

/** The major of a `node --version` answer (`v24.1.0` -> 24). */
export function nodeMajor(version: string): number {
  const match = /^v?(\d+)\./.exec(version.trim());
  if (!match?.[1]) throw new Error(`not a Node version: ${JSON.stringify(version)}`);
  return Number(match[1]);
}
