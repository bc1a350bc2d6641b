/**
 * Ref patterns: JavaScript regular expressions matched against a branch or tag name. They must be
 * anchored at both ends (a pattern that matches part of a name claims refs nobody meant), and are
 * compiled with the `u` flag, so stray escapes are errors rather than silent literals.
 */

export type PatternCheck =
  { ok: true; regex: RegExp } | { ok: false; problem: string; fix: string };

export function compilePattern(source: string): PatternCheck {
  if (!source.startsWith('^') || !endsWithAnchor(source)) {
    return {
      ok: false,
      problem: `pattern ${JSON.stringify(source)} is not anchored`,
      fix: `Start it with ^ and end it with $ so it matches whole names, e.g. ${JSON.stringify(`^${source.replace(/^\^/, '').replace(/\$$/, '')}$`)}`,
    };
  }
  if (hasTopLevelAlternation(source)) {
    return {
      ok: false,
      problem: `pattern ${JSON.stringify(source)} has a top-level | so only its first and last alternatives are anchored`,
      fix: `Group the alternatives: ${JSON.stringify(`^(?:${source.slice(1, -1)})$`)}`,
    };
  }
  try {
    return { ok: true, regex: new RegExp(source, 'u') };
  } catch (error) {
    return {
      ok: false,
      problem: `pattern ${JSON.stringify(source)} is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`,
      fix: 'Fix the expression (JavaScript syntax with the u flag; escape literal characters like . and - inside classes)',
    };
  }
}

/** Ends with a `$` that is not escaped (an odd number of backslashes before it escapes it). */
function endsWithAnchor(source: string): boolean {
  if (!source.endsWith('$')) return false;
  let slashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i--) slashes++;
  return slashes % 2 === 0;
}

/** A `|` outside any group or character class. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** The named groups a pattern defines (a family's placeholders come from them). */
export function namedGroups(regex: RegExp): string[] {
  return [...regex.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1] ?? '');
}
