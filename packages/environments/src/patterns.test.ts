import { compilePattern, namedGroups } from './patterns';

describe('compilePattern', () => {
  it.each(['^a$', '^(?:a|b)$', '^[|]$', '^a\\|b$', '^RELEASE-\\d+$', '^a\\\\$'])(
    'accepts the anchored pattern %s',
    (source) => {
      expect(compilePattern(source).ok).toBe(true);
    },
  );

  it.each([
    ['a$', 'is not anchored'],
    ['^a', 'is not anchored'],
    ['^a\\$', 'is not anchored'],
    ['^a|b$', 'top-level |'],
    ['^(a$', 'not a valid regular expression'],
    ['^\\q$', 'not a valid regular expression'],
  ])('refuses %s: %s', (source, problem) => {
    const result = compilePattern(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });

  it('does not let $ match before a trailing newline', () => {
    const result = compilePattern('^master$');
    expect(result.ok && result.regex.test('master\n')).toBe(false);
  });

  it('lists named groups', () => {
    const result = compilePattern('^(?<team>[a-z]+)-(?<n>\\d+)$');
    expect(result.ok && namedGroups(result.regex)).toEqual(['team', 'n']);
  });
});
