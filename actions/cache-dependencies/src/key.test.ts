import { cacheKeys, KEY_PREFIX_PATTERN, nodeMajor } from './key';

const parts = {
  prefix: 'lower',
  platform: 'linux',
  arch: 'x64',
  nodeMajor: 24,
  lockfilesHash: 'ab'.repeat(32),
};

describe('cacheKeys', () => {
  it('puts prefix, OS, arch and Node major before the lockfile hash', () => {
    expect(cacheKeys(parts)).toEqual({
      key: `lower-pnpm-linux-x64-node24-${'ab'.repeat(32)}`,
      restorePrefix: 'lower-pnpm-linux-x64-node24-',
    });
  });

  it('leaves the prefix out when none is given', () => {
    expect(cacheKeys({ ...parts, prefix: '' }).restorePrefix).toBe('pnpm-linux-x64-node24-');
  });

  it.each([
    ['prefix', { prefix: 'upper' }],
    ['OS', { platform: 'darwin' }],
    ['arch', { arch: 'arm64' }],
    ['Node major', { nodeMajor: 22 }],
    ['lockfiles', { lockfilesHash: 'cd'.repeat(32) }],
  ])('changes the key when the %s changes', (_what, change) => {
    expect(cacheKeys({ ...parts, ...change }).key).not.toBe(cacheKeys(parts).key);
  });

  it('gives every key of one prefix, OS, arch and Node the same restore prefix', () => {
    const other = cacheKeys({ ...parts, lockfilesHash: 'cd'.repeat(32) });
    expect(other.restorePrefix).toBe(cacheKeys(parts).restorePrefix);
    expect(other.key.startsWith(other.restorePrefix)).toBe(true);
  });

  it('does not let one prefix be the start of another prefix fallback', () => {
    // "lower" must not fall back to entries of "lower2": the dash after the prefix separates them.
    const lower2 = cacheKeys({ ...parts, prefix: 'lower2' });
    expect(lower2.key.startsWith(cacheKeys(parts).restorePrefix)).toBe(false);
  });
});

describe('nodeMajor', () => {
  it.each([
    ['v24.11.1', 24],
    ['22.0.0\n', 22],
  ])('reads %p as %p', (version, major) => {
    expect(nodeMajor(version)).toBe(major);
  });

  it('rejects an answer that is not a version', () => {
    expect(() => nodeMajor('command not found')).toThrow(/not a Node version/);
  });
});

describe('KEY_PREFIX_PATTERN', () => {
  it.each(['lower', 'upper', 'tier_1.2-x'])('accepts %p', (p) =>
    expect(KEY_PREFIX_PATTERN.test(p)).toBe(true),
  );
  it.each(['', 'a,b', 'a/b', 'a b', 'x'.repeat(65)])('rejects %p', (p) =>
    expect(KEY_PREFIX_PATTERN.test(p)).toBe(false),
  );
});
