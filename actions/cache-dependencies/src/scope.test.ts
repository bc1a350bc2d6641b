import { cacheScope, defaultBranchFromEvent, githubCacheUsable } from './scope';

const base = {
  repository: 'example/pipelines',
  defaultBranch: 'master',
  protectedOnly: false,
};

describe('cacheScope', () => {
  it('writes to its own branch and reads it first, then the default branch', () => {
    expect(cacheScope({ ...base, ref: 'refs/heads/feature-x-1' })).toEqual({
      repository: 'example/pipelines',
      writeRef: 'refs/heads/feature-x-1',
      readRefs: ['refs/heads/feature-x-1', 'refs/heads/master'],
    });
  });

  it('reads a pull request, then the default branch, never its base branch', () => {
    expect(cacheScope({ ...base, ref: 'refs/pull/7/merge' }).readRefs).toEqual([
      'refs/pull/7/merge',
      'refs/heads/master',
    ]);
  });

  it('reads the default branch once when the run is on it', () => {
    expect(cacheScope({ ...base, ref: 'refs/heads/master' }).readRefs).toEqual([
      'refs/heads/master',
    ]);
  });

  it('reads only its own ref when no default branch is known', () => {
    expect(
      cacheScope({ ...base, defaultBranch: undefined, ref: 'refs/tags/mint' }).readRefs,
    ).toEqual(['refs/tags/mint']);
  });

  it.each([
    ['refs/tags/RELEASE-5', ['refs/heads/master']],
    ['refs/tags/production', ['refs/heads/master']],
    ['refs/heads/master', ['refs/heads/master']],
    ['refs/heads/staging', ['refs/heads/staging', 'refs/heads/master']],
  ])('protected-only on %s reads %j: never a tag’s own entries', (ref, readRefs) => {
    expect(cacheScope({ ...base, protectedOnly: true, ref })).toMatchObject({
      writeRef: ref,
      readRefs,
    });
  });

  it('needs the repository and the ref', () => {
    expect(() => cacheScope({ ...base, ref: undefined })).toThrow(/GITHUB_REF/);
    expect(() => cacheScope({ ...base, repository: undefined, ref: 'refs/heads/a' })).toThrow(
      /GITHUB_REPOSITORY/,
    );
  });
});

describe('githubCacheUsable', () => {
  it.each([
    ['refs/tags/RELEASE-5', true, false],
    ['refs/heads/master', true, true],
    ['refs/tags/RELEASE-5', false, true],
    ['refs/pull/1/merge', true, false],
  ])('%s with protected-only %s: %s', (ref, protectedOnly, usable) => {
    expect(githubCacheUsable(ref, protectedOnly)).toBe(usable);
  });
});

describe('defaultBranchFromEvent', () => {
  it('reads repository.default_branch and ignores anything else', () => {
    expect(defaultBranchFromEvent({ repository: { default_branch: 'master' } })).toBe('master');
    expect(defaultBranchFromEvent({ repository: {} })).toBeUndefined();
    expect(defaultBranchFromEvent(null)).toBeUndefined();
  });
});
