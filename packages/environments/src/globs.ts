/**
 * environments.yml has anchored regexes; GitHub matches refs with globs in two places: the
 * deployment policies of an environment (the bootstrap writes them) and the push filters of
 * pipeline.yml's trigger (generated). A regex made of literal text and simple repeats (\d+, \w+,
 * .*, [..]+) becomes a glob that admits at least the names the regex admits; the workflow still
 * routes by the exact regex. Anything else cannot be expressed, and load refuses it.
 */
import type { EnvironmentsConfig } from './model';

export type GlobResult = { ok: true; glob: string } | { ok: false; problem: string; fix: string };

const ANY_SEGMENT = '\uE000';
const ANY_PATH = '\uE001';

/**
 * The glob of an anchored regex. `anyPath` is what a `.` repeat becomes: the trigger's push
 * filters need `**` (a `.` also matches `/`), a deployment policy keeps `*`.
 */
export function patternGlob(pattern: string, anyPath = '*'): GlobResult {
  let body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  body = body.replace(/\(\?<\w+>([^)]*)\)/g, '$1').replace(/\(([^)]*)\)/g, '$1');
  body = body.replace(/\.[+*]/g, ANY_PATH).replace(/(\\d|\\w|\[[^\]]*\])[+*]/g, ANY_SEGMENT);
  // Escaped - . / are literal characters, the same in a glob.
  const LITERAL_ESCAPE = /\\([-./])/g;
  if (/[\\^$()[\]{}|+?.*!]/.test(body.replace(LITERAL_ESCAPE, ''))) {
    return {
      ok: false,
      problem: `the pattern ${JSON.stringify(pattern)} cannot be expressed as a GitHub glob (deployment policies and the pipeline's push trigger)`,
      fix: 'Use literal text with \\d+, \\w+, [...]+ or .* repeats, e.g. ^RELEASE-\\d+$',
    };
  }
  const glob = body
    .replace(LITERAL_ESCAPE, '$1')
    .replace(/[\uE000\uE001]+/g, (run) => (run.includes(ANY_PATH) ? anyPath : '*'))
    .replace(/\*{3,}/g, '**');
  return { ok: true, glob };
}

/** patternGlob for a deployment policy, throwing the problem (for callers past validation). */
export function regexToGlob(pattern: string): string {
  const result = patternGlob(pattern);
  if (!result.ok) {
    throw new Error(
      `The pattern ${JSON.stringify(pattern)} cannot be expressed as a GitHub deployment policy. ${result.fix}.`,
    );
  }
  return result.glob;
}

/** An exact ref name as a push filter: GitHub's filter characters escaped to match literally. */
export function literalFilter(name: string): string {
  return name.replace(/[*?+[\]!\\]/g, '\\$&');
}

/**
 * The tags of pipeline.yml's push trigger: every tag and tag pattern of every environment, as
 * GitHub filter patterns, in file order. Branches need no list (the trigger takes them all).
 */
export function triggerTagFilters(config: EnvironmentsConfig): string[] {
  const filters = config.environments.flatMap((env) => [
    ...env.tags.map((tag) => literalFilter(tag.name)),
    ...env.tagPatterns.map((p) => {
      const result = patternGlob(p.source, '**');
      // load refuses patterns without a glob, so this holds for every loaded config.
      if (!result.ok) throw new Error(`${result.problem}. ${result.fix}.`);
      return result.glob;
    }),
  ]);
  return [...new Set(filters)];
}

/**
 * Whether a name matches a GitHub deployment policy pattern. GitHub matches them as Ruby
 * File.fnmatch globs: `*` and `?` do not cross a `/`, `**` does, `[...]` is a character class
 * (`[!...]` negated). The bootstrap proves with it which refs a policy admits; the rehearsal
 * refuses with it the tokens GitHub would not issue.
 */
export function policyGlobMatches(glob: string, name: string): boolean {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] ?? '';
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(name);
}
