/**
 * Whether a push of one ref starts a workflow, from its `on:` section, with GitHub's rules:
 * - `branches` / `tags` include by pattern; `branches-ignore` / `tags-ignore` exclude;
 * - when only the branch filters (or only the tag filters) are given, pushes of the other kind
 *   of ref do not run the workflow; with no filter at all, every push does.
 */
import { matchesPatterns } from './filterPattern';

export interface PushFilters {
  branches?: string[];
  'branches-ignore'?: string[];
  tags?: string[];
  'tags-ignore'?: string[];
}

/** The push filters of a workflow's `on:` (undefined when push does not trigger it). */
export function pushFilters(on: unknown): PushFilters | undefined {
  if (on === 'push') return {};
  if (Array.isArray(on)) return on.includes('push') ? {} : undefined;
  if (on && typeof on === 'object' && 'push' in on) {
    const push = (on as Record<string, unknown>).push;
    return (push ?? {}) as PushFilters;
  }
  return undefined;
}

export type Ref = { kind: 'branch' | 'tag'; name: string };

/** refs/heads/x -> branch x, refs/tags/x -> tag x; anything else is not a push ref. */
export function parseRef(ref: string): Ref | undefined {
  if (ref.startsWith('refs/heads/'))
    return { kind: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', name: ref.slice('refs/tags/'.length) };
  return undefined;
}

export function pushTriggers(on: unknown, ref: string): boolean {
  const filters = pushFilters(on);
  const parsed = parseRef(ref);
  if (!filters || !parsed) return false;
  const branchFiltered = filters.branches !== undefined || filters['branches-ignore'] !== undefined;
  const tagFiltered = filters.tags !== undefined || filters['tags-ignore'] !== undefined;
  if (!branchFiltered && !tagFiltered) return true;
  const [include, ignore, filtered] =
    parsed.kind === 'branch'
      ? [filters.branches, filters['branches-ignore'], branchFiltered]
      : [filters.tags, filters['tags-ignore'], tagFiltered];
  if (!filtered) return false;
  if (include !== undefined) return matchesPatterns(include, parsed.name);
  return !matchesPatterns(ignore ?? [], parsed.name);
}
