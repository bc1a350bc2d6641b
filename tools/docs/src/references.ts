/**
 * Every file a comment, a doc or a script names must exist in the repository. A fork gets this
 * repository and nothing else, so a reference to a file outside it (a design note kept elsewhere,
 * a renamed module) is a dead end for the reader. Pure: the caller lists the files and reads them.
 */
import path from 'node:path';

/** What a file name looks like in prose and code: a path ending in one of these extensions. */
const REFERENCE =
  /(?<![\w@$%{/.:-])((?:\.{1,2}\/)?(?:[\w.-]+\/)*[\w.-]*[A-Za-z0-9_]\.(?:md|ts|js|cjs|mjs|yml|yaml|json|sh|conf|template|snippet|service|timer))(?![\w/-])/g;

/**
 * Which names are references into this repository: a Markdown file (docs are what gets cited), or
 * a path that starts at one of the repository's top-level folders. Other file names in code are
 * mostly files made at run time (manifest.json, outputs.json) or fixtures, not references.
 */
export function isRepositoryReference(name: string, topLevel: ReadonlySet<string>): boolean {
  if (/\*/.test(name) || /^\.\w+$/.test(name)) return false; // globs, bare extensions
  if (name.endsWith('.md')) return true;
  const first = name.replace(/^\.\//, '').split('/')[0] ?? '';
  return name.includes('/') && topLevel.has(first);
}

export interface Reference {
  file: string;
  line: number;
  name: string;
}

/** The repository files one text mentions, with their line numbers; URLs are not references. */
export function referencesIn(
  file: string,
  text: string,
  topLevel: ReadonlySet<string>,
): Reference[] {
  const found: Reference[] = [];
  text.split('\n').forEach((raw, index) => {
    // A URL names a file elsewhere, on purpose; so does an npm package path (`pkg/x.js`).
    const line = raw.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
    for (const match of line.matchAll(REFERENCE)) {
      const name = match[1]!;
      if (!isRepositoryReference(name, topLevel)) continue;
      found.push({ file, line: index + 1, name });
    }
  });
  return found;
}

/**
 * Whether a reference names a file of the repository: relative to the referring file, relative to
 * the root, or (a bare name or a partial path, as prose uses them) the tail of some file's path.
 */
export function resolves(reference: Reference, files: ReadonlySet<string>): boolean {
  const name = reference.name.replace(/^\.\//, '');
  const relative = path.posix.normalize(path.posix.join(path.posix.dirname(reference.file), name));
  if (files.has(relative) || files.has(path.posix.normalize(name))) return true;
  if (name.startsWith('../')) return false;
  const tail = `/${name}`;
  for (const candidate of files) {
    if (candidate === name || candidate.endsWith(tail)) return true;
  }
  return false;
}

/** Every reference to a file that does not exist, as `file:line: message`. */
export function missingReferences(
  texts: ReadonlyMap<string, string>,
  files: ReadonlySet<string>,
): string[] {
  const topLevel = new Set([...files].filter((f) => f.includes('/')).map((f) => f.split('/')[0]!));
  const problems: string[] = [];
  for (const [file, text] of texts) {
    for (const reference of referencesIn(file, text, topLevel)) {
      if (!resolves(reference, files))
        problems.push(
          `${file}:${reference.line}: names ${reference.name}, which is not in the repository. Point at a file that exists, or write what it said here.`,
        );
    }
  }
  return problems;
}
