import { FilterPatternError, matchesPatterns, patternToRegExp } from './filterPattern';

const matches = (pattern: string, name: string) => patternToRegExp(pattern).test(name);

describe('GitHub filter patterns', () => {
  test.each([
    // The cheat sheet's own examples.
    ['Octo*', 'Octocat', true],
    ['*', 'main', true],
    ['*', 'feature/x', false],
    ['**', 'feature/x/y', true],
    ['feature/*', 'feature/x', true],
    ['feature/*', 'feature/x/y', false],
    ['feature/**', 'feature/x/y', true],
    ['v2*', 'v2.0', true],
    ['v[12].[0-9]+.[0-9]+', 'v1.10.1', true],
    ['v[12].[0-9]+.[0-9]+', 'v3.1.1', false],
    ['[CB]at', 'Cat', true],
    ['[CB]at', 'Rat', false],
    ['[1-2]00', '200', true],
    ['Octoc?t', 'Octoct', true],
    ['Octoc?t', 'Octocat', false],
    ['Octoc?at', 'Octoat', true],
    ['RELEASE-*', 'RELEASE-42', true],
    ['RELEASE-*', 'release-42', false],
    ['int-*', 'int-amy', true],
    ['int-*', 'int-a/b', false],
    // Literal characters, escaped or not, match themselves only.
    ['a.b', 'axb', false],
    ['a\\+b', 'a+b', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['(x)', '(x)', true],
    // The whole name must match.
    ['main', 'mainline', false],
    ['main', 'xmain', false],
  ])('%s against %s: %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  test.each(['[a-Z]', '[]', '[a', '+x', 'x\\', '[.]'])('refuses the malformed pattern %s', (p) => {
    expect(() => patternToRegExp(p)).toThrow(FilterPatternError);
  });

  test('a later negative pattern excludes, a later positive one includes again', () => {
    const patterns = ['releases/**', '!releases/**-alpha', 'releases/keep-alpha'];
    expect(matchesPatterns(patterns, 'releases/10')).toBe(true);
    expect(matchesPatterns(patterns, 'releases/10-alpha')).toBe(false);
    expect(matchesPatterns(patterns, 'releases/keep-alpha')).toBe(true);
    expect(matchesPatterns(patterns, 'main')).toBe(false);
  });

  test('! has no special meaning after the first character', () => {
    expect(matchesPatterns(['a!b'], 'a!b')).toBe(true);
  });
});
