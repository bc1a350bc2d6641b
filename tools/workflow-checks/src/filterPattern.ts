/**
 * GitHub's filter patterns for on.<push>.branches / tags (and their -ignore forms), per the
 * "Filter pattern cheat sheet" of the workflow syntax docs:
 *   *    zero or more characters, but not `/`
 *   **   zero or more of any character
 *   ?    zero or one of the preceding character
 *   +    one or more of the preceding character
 *   []   one character listed or in a range (a-z, A-Z, 0-9 only)
 *   !    at the start: negates the previous positive patterns (no meaning elsewhere)
 *   \    escapes the next character, for a literal match
 * Everything else is literal, and a pattern matches the whole name.
 */

export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

/** The anchored regular expression one (non-negated) pattern stands for. */
export function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      i++;
      if (i >= pattern.length) throw new FilterPatternError(`${pattern}: ends with a lone \\`);
      source += escapeRegExp(pattern.charAt(i));
    } else if (c === '*') {
      if (pattern.charAt(i + 1) === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else if (c === '?' || c === '+') {
      if (i === 0) throw new FilterPatternError(`${pattern}: ${c} has no preceding character`);
      source += c;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new FilterPatternError(`${pattern}: [ without a closing ]`);
      const body = pattern.slice(i + 1, end);
      if (!/^([a-zA-Z0-9](-[a-zA-Z0-9])?)+$/.test(body) || !rangesValid(body)) {
        throw new FilterPatternError(
          `${pattern}: [${body}] may hold only characters and ranges within a-z, A-Z or 0-9`,
        );
      }
      source += `[${body}]`;
      i = end;
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`);
}

/** Ranges must stay within one of a-z, A-Z, 0-9 (so [a-Z] or [0-z] are refused). */
function rangesValid(body: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/];
  for (const [, from, to] of body.matchAll(/(.)-(.)/g)) {
    if (!from || !to || from > to) return false;
    if (!classes.some((cls) => cls.test(from) && cls.test(to))) return false;
  }
  return true;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Whether a name passes a list of patterns. Order matters: a matching negative pattern after a
 * positive match excludes the name, and a matching positive pattern after that includes it again.
 */
export function matchesPatterns(patterns: readonly string[], name: string): boolean {
  let included = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const re = patternToRegExp(negated ? pattern.slice(1) : pattern);
    if (re.test(name)) included = !negated;
  }
  return included;
}
