/**
 * Which archive entries may be extracted: a pure judgement over the whole list, made before
 * anything is written. A cache entry is written by whoever could save under the key, so a
 * restore must never create anything outside its target directory, directly or through a link:
 *
 * - no absolute member names and no `..` segments;
 * - only files, directories, symlinks and hardlinks (no devices, fifos or unknown kinds);
 * - a symlink's target stays inside the directory, resolved from where the link sits, and never
 *   walks through another symlink of the archive (we do not follow links to judge them);
 * - nothing is written through a symlink: no member lies under a path that is a symlink;
 * - a hardlink points at a regular file that an earlier member created.
 *
 * One refused entry refuses the whole archive: a partial restore would be a store nobody chose.
 */
import type { TarEntry } from './tarEntries';

export interface RefusedEntry {
  /** The member name as stored in the archive. */
  entry: string;
  reason: string;
}

export function firstRefusedEntry(entries: readonly TarEntry[]): RefusedEntry | undefined {
  const symlinks = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== 'symlink') continue;
    const normalised = memberPath(entry.path);
    if (typeof normalised === 'string') symlinks.add(normalised);
  }
  const files = new Set<string>();
  const seen = new Map<string, TarEntry['kind']>();
  for (const entry of entries) {
    const refuse = (reason: string): RefusedEntry => ({ entry: entry.path, reason });
    const member = memberPath(entry.path);
    if (typeof member !== 'string') return refuse(member.problem);
    if (!['file', 'directory', 'symlink', 'hardlink'].includes(entry.kind)) {
      return refuse(`it is a ${entry.kind}`);
    }
    const through = symlinkAncestor(member, symlinks);
    if (through) return refuse(`it would be written through the symlink ${through}`);
    const before = seen.get(member);
    if (before && (before === 'symlink' || entry.kind === 'symlink') && before !== entry.kind) {
      return refuse('the archive holds it twice, once as a symlink');
    }
    seen.set(member, entry.kind);
    if (member === '' && entry.kind !== 'directory') return refuse('it names the directory itself');
    if (entry.kind === 'symlink') {
      const problem = symlinkProblem(member, entry.linkTarget, symlinks);
      if (problem) return refuse(problem);
    }
    if (entry.kind === 'hardlink') {
      const target = memberPath(entry.linkTarget);
      if (typeof target !== 'string') return refuse(`its link target ${target.problem}`);
      if (!files.has(target)) {
        return refuse(
          `it is a hardlink to ${entry.linkTarget}, which is not a file earlier in the archive`,
        );
      }
    }
    if (entry.kind === 'file' || entry.kind === 'hardlink') files.add(member);
  }
  return undefined;
}

/**
 * The symlinks among `links` (paths relative to the directory) that a restore would refuse:
 * the save leaves them out, so that a store holding a few links to outside (pnpm's `projects/`
 * registry points at every project that used the store) is still cached, without them.
 */
export function symlinksToLeaveOut(
  links: readonly { path: string; linkTarget: string }[],
): string[] {
  const symlinks = new Set(links.map((link) => link.path));
  return links
    .filter((link) => symlinkProblem(link.path, link.linkTarget, symlinks) !== undefined)
    .map((link) => link.path);
}

/** A member name as a relative path without `.` segments, or the problem with it. */
function memberPath(name: string): string | { problem: string } {
  if (name === '') return { problem: 'is empty' };
  if (name.startsWith('/')) return { problem: 'is an absolute path' };
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { problem: 'has a .. segment' };
  return segments.join('/');
}

function symlinkAncestor(member: string, symlinks: ReadonlySet<string>): string | undefined {
  const segments = member.split('/');
  for (let i = 1; i < segments.length; i++) {
    const ancestor = segments.slice(0, i).join('/');
    if (symlinks.has(ancestor)) return ancestor;
  }
  return undefined;
}

function symlinkProblem(
  member: string,
  target: string,
  symlinks: ReadonlySet<string>,
): string | undefined {
  const pointsOutside = `it is a symlink to ${target}, outside the directory`;
  if (target === '') return 'it is a symlink with an empty target';
  if (target.startsWith('/')) return pointsOutside;
  const at = member.split('/').slice(0, -1);
  const steps = target.split('/').filter((step) => step !== '' && step !== '.');
  for (const [i, step] of steps.entries()) {
    if (step === '..') {
      if (at.length === 0) return pointsOutside;
      at.pop();
      continue;
    }
    at.push(step);
    if (i < steps.length - 1 && symlinks.has(at.join('/'))) {
      return `it is a symlink to ${target}, which goes through the symlink ${at.join('/')}`;
    }
  }
  return undefined;
}
