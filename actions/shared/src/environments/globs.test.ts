import path from 'node:path';
import { literalFilter, patternGlob, regexToGlob, triggerTagFilters } from './globs';
import { loadEnvironments } from './load';

describe('patternGlob', () => {
  it.each([
    ['^RELEASE-\\d+$', '*', 'RELEASE-*'],
    ['^int-(?<name>[A-Za-z0-9_]+)$', '*', 'int-*'],
    ['^production$', '*', 'production'],
    // A `.` repeat also matches `/`: the push trigger needs `**` there, a deployment policy `*`.
    ['^snyk-fix-.*$', '*', 'snyk-fix-*'],
    ['^snyk-fix-.*$', '**', 'snyk-fix-**'],
    ['^v\\d+-.+$', '**', 'v*-**'],
    ['^RC-\\d+\\.\\d+$', '*', 'RC-*.*'],
  ])('turns %s into a glob (any path as %s): %s', (regex, anyPath, glob) => {
    expect(patternGlob(regex, anyPath)).toEqual({ ok: true, glob });
  });

  it.each(['^(a|b)$', '^RELEASE-(?:\\d+|rc)$', '^v\\d{2}$', '^ab*$'])(
    'refuses %s, with a fix',
    (regex) => {
      expect(patternGlob(regex)).toMatchObject({ ok: false, fix: expect.stringMatching(/^Use /) });
      expect(() => regexToGlob(regex)).toThrow(/cannot be expressed as a GitHub deployment policy/);
    },
  );
});

describe('literalFilter', () => {
  it('escapes the characters GitHub filters give a meaning, so a tag name matches only itself', () => {
    expect(literalFilter('release')).toBe('release');
    expect(literalFilter('v1+build')).toBe('v1\\+build');
    expect(literalFilter('!important')).toBe('\\!important');
  });
});

describe('triggerTagFilters', () => {
  it("lists the repository environments.yml's tags and tag patterns, in file order", () => {
    const config = loadEnvironments(path.resolve(__dirname, '../../../../environments.yml'));
    expect(triggerTagFilters(config)).toEqual([
      'mint',
      'amy',
      'pat',
      'qa',
      'int-*',
      'staging',
      'production',
      'RELEASE-*',
    ]);
  });
});
