/**
 * Which cache entries a run may read and where it writes, the way GitHub's cache scopes them:
 * a run writes to its own ref; it reads its own ref first, then the pull request's base branch,
 * then the default branch. A feature branch thus starts warm from the default branch, but never
 * sees a sibling feature branch's entries, and nothing it saves reaches the default branch.
 */

export interface Scope {
  /** owner/name */
  repository: string;
  /** The ref entries are written under (refs/heads/x, refs/tags/x, refs/pull/1/merge). */
  writeRef: string;
  /** Refs read, in order, without duplicates; the first is writeRef. */
  readRefs: string[];
}

export interface ScopeSource {
  repository: string | undefined;
  ref: string | undefined;
  /** GITHUB_BASE_REF: the target branch of a pull request (a bare branch name). */
  baseRef: string | undefined;
  /** The default branch (a bare branch name), from the input or the event payload. */
  defaultBranch: string | undefined;
}

export function cacheScope(source: ScopeSource): Scope {
  if (!source.repository) throw new Error('GITHUB_REPOSITORY is not set');
  if (!source.ref) throw new Error('GITHUB_REF is not set');
  const branchRef = (name: string | undefined) =>
    name ? (name.startsWith('refs/') ? name : `refs/heads/${name}`) : undefined;
  const readRefs = [source.ref, branchRef(source.baseRef), branchRef(source.defaultBranch)].filter(
    (ref, i, all): ref is string => ref !== undefined && all.indexOf(ref) === i,
  );
  return { repository: source.repository, writeRef: source.ref, readRefs };
}

/** The default branch from the event payload GitHub writes for every run, if it names one. */
export function defaultBranchFromEvent(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const repository = (payload as { repository?: { default_branch?: unknown } }).repository;
  return typeof repository?.default_branch === 'string' ? repository.default_branch : undefined;
}
