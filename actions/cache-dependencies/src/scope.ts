/**
 * Which cache entries a run may read and where it writes. A run writes to its own ref; it reads
 * its own ref first, then the default branch, and never any other ref: not a sibling branch, and
 * not a pull request's base branch either (that may be any branch someone pushed). So a feature
 * branch starts warm from the default branch, nothing it saves reaches another ref, and the
 * default branch and an approval ref never read what a feature branch saved.
 *
 * protected-only (for approval refs): a tag is not a safe place to read from even for a run of
 * that same tag, because anyone who may push tags can push the tag's name at their own commit
 * first, let that run save, and delete the tag again. So with protected-only a tag run reads the
 * default branch only, and a branch run reads its own branch (protected by branch rules) and the
 * default branch.
 */

export interface Scope {
  /** owner/name */
  repository: string;
  /** The ref entries are written under (refs/heads/x, refs/tags/x, refs/pull/1/merge). */
  writeRef: string;
  /** Refs read, in order, without duplicates. */
  readRefs: string[];
}

export interface ScopeSource {
  repository: string | undefined;
  ref: string | undefined;
  /** The default branch (a bare branch name), from the input or the event payload. */
  defaultBranch: string | undefined;
  /** Read only refs that an attacker with push access to other refs cannot write. */
  protectedOnly: boolean;
}

export function cacheScope(source: ScopeSource): Scope {
  if (!source.repository) throw new Error('GITHUB_REPOSITORY is not set');
  if (!source.ref) throw new Error('GITHUB_REF is not set');
  const ownRef = source.protectedOnly && !isBranch(source.ref) ? undefined : source.ref;
  const defaultRef = source.defaultBranch ? branchRef(source.defaultBranch) : undefined;
  const readRefs = [ownRef, defaultRef].filter(
    (ref, i, all): ref is string => ref !== undefined && all.indexOf(ref) === i,
  );
  return { repository: source.repository, writeRef: source.ref, readRefs };
}

/**
 * Whether the github backend may be used at all. GitHub's cache service always serves the run's
 * own ref first and cannot be told not to, so a protected-only run of anything but a branch
 * (a tag) can neither restore safely nor save anything a protected-only run would read.
 */
export function githubCacheUsable(ref: string | undefined, protectedOnly: boolean): boolean {
  return !protectedOnly || (ref !== undefined && isBranch(ref));
}

function isBranch(ref: string): boolean {
  return ref.startsWith('refs/heads/');
}

function branchRef(name: string): string {
  return name.startsWith('refs/') ? name : `refs/heads/${name}`;
}

/** The default branch from the event payload GitHub writes for every run, if it names one. */
export function defaultBranchFromEvent(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const repository = (payload as { repository?: { default_branch?: unknown } }).repository;
  return typeof repository?.default_branch === 'string' ? repository.default_branch : undefined;
}
