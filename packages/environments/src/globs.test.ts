import path from 'node:path';
import {
  literalFilter,
  patternGlob,
  policyGlobMatches,
  regexToGlob,
  triggerTagFilters,
} from './globs';
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
    const config = loadEnvironments(path.resolve(__dirname, '../../../environments.yml'));
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

describe('policyGlobMatches (GitHub deployment policy patterns, Ruby fnmatch)', () => {
  it.each<[string, string, boolean]>([
    ['master', 'master', true],
    ['master', 'master2', false],
    ['RELEASE-*', 'RELEASE-12', true],
    ['RELEASE-*', 'RELEASE-1/2', false],
    ['release/**', 'release/a/b', true],
    ['v?', 'v1', true],
    ['[Ff]eature-*', 'Feature-x', true],
    ['a.b', 'axb', false],
  ])('%s admits %s: %s', (glob, name, admitted) => {
    expect(policyGlobMatches(glob, name)).toBe(admitted);
  });
});

describe("policyGlobMatches: the refs the bootstrap's policies admit", () => {
  it.each([
    ['RELEASE-*', 'RELEASE-12', true],
    ['RELEASE-*', 'RELEASE-1/x', false],
    ['release/**', 'release/a/b', true],
    ['master', 'master', true],
    ['master', 'master-2', false],
    ['int-*', 'int-alice', true],
  ])('%s admits %s: %s', (glob, ref, admitted) => {
    expect(policyGlobMatches(glob, ref)).toBe(admitted);
  });
});
