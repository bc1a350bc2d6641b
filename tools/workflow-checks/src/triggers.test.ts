import { parseRef, pushTriggers } from './triggers';

describe('push triggers', () => {
  const both = { push: { branches: ['**'], tags: ['v*'] } };

  test.each([
    [both, 'refs/heads/any/branch', true],
    [both, 'refs/tags/v1', true],
    [both, 'refs/tags/x1', false],
    // Only branch filters: tag pushes do not run the workflow, and vice versa.
    [{ push: { branches: ['main'] } }, 'refs/tags/main', false],
    [{ push: { tags: ['*'] } }, 'refs/heads/main', false],
    // Ignore lists exclude; other refs of that kind run.
    [{ push: { 'branches-ignore': ['wip/**'] } }, 'refs/heads/wip/x', false],
    [{ push: { 'branches-ignore': ['wip/**'] } }, 'refs/heads/main', true],
    // No filters: every push.
    ['push', 'refs/tags/anything', true],
    [['push', 'pull_request'], 'refs/heads/x', true],
    [{ push: null }, 'refs/heads/x', true],
    // Not a push workflow, or not a branch/tag ref.
    [{ pull_request: null }, 'refs/heads/main', false],
    [both, 'refs/pull/1/merge', false],
    [both, '', false],
  ])('%j with %s: %s', (on, ref, expected) => {
    expect(pushTriggers(on, ref)).toBe(expected);
  });

  test('parses branch and tag refs, keeping slashes in the name', () => {
    expect(parseRef('refs/heads/a/b')).toEqual({ kind: 'branch', name: 'a/b' });
    expect(parseRef('refs/tags/v1')).toEqual({ kind: 'tag', name: 'v1' });
    expect(parseRef('main')).toBeUndefined();
  });
});
