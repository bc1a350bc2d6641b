import { cacheScope, defaultBranchFromEvent } from './scope';

const base = {
  repository: 'example/pipelines',
  baseRef: undefined,
  defaultBranch: 'integration',
};

describe('cacheScope', () => {
  it('writes to its own branch and reads it first, then the default branch', () => {
    expect(cacheScope({ ...base, ref: 'refs/heads/feature-x-1' })).toEqual({
      repository: 'example/pipelines',
      writeRef: 'refs/heads/feature-x-1',
      readRefs: ['refs/heads/feature-x-1', 'refs/heads/integration'],
    });
  });

  it('reads a pull request, then its base branch, then the default branch', () => {
    expect(cacheScope({ ...base, ref: 'refs/pull/7/merge', baseRef: 'staging' }).readRefs).toEqual([
      'refs/pull/7/merge',
      'refs/heads/staging',
      'refs/heads/integration',
    ]);
  });

  it('reads the default branch once when the run is on it', () => {
    expect(cacheScope({ ...base, ref: 'refs/heads/integration' }).readRefs).toEqual([
      'refs/heads/integration',
    ]);
  });

  it('reads only its own ref when no default branch is known', () => {
    expect(
      cacheScope({ ...base, defaultBranch: undefined, ref: 'refs/tags/mint' }).readRefs,
    ).toEqual(['refs/tags/mint']);
  });

  it('needs the repository and the ref', () => {
    expect(() => cacheScope({ ...base, ref: undefined })).toThrow(/GITHUB_REF/);
    expect(() => cacheScope({ ...base, repository: undefined, ref: 'refs/heads/a' })).toThrow(
      /GITHUB_REPOSITORY/,
    );
  });
});

describe('defaultBranchFromEvent', () => {
  it('reads repository.default_branch and ignores anything else', () => {
    expect(defaultBranchFromEvent({ repository: { default_branch: 'master' } })).toBe('master');
    expect(defaultBranchFromEvent({ repository: {} })).toBeUndefined();
    expect(defaultBranchFromEvent(null)).toBeUndefined();
  });
});
