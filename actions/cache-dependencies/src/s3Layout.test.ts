import { newest, objectKey, refPrefix } from './s3Layout';

describe('objectKey', () => {
  it('scopes a key by repository and ref, one segment per ref', () => {
    expect(objectKey('cache-dependencies', 'example/pipelines', 'refs/heads/feature/x', 'k')).toBe(
      'cache-dependencies/example/pipelines/refs~2Fheads~2Ffeature~2Fx/k',
    );
  });

  it('keeps one ref prefix from being the start of another', () => {
    const a = refPrefix('root/', 'o/r', 'refs/heads/a');
    expect(objectKey('root', 'o/r', 'refs/heads/ab', 'k').startsWith(a)).toBe(false);
  });
});

describe('newest', () => {
  it('picks the latest LastModified, then the greater key on a tie', () => {
    const t = (s: number) => new Date(s * 1000);
    expect(
      newest([
        { Key: 'a', LastModified: t(1) },
        { Key: 'b', LastModified: t(3) },
        { Key: 'c', LastModified: t(2) },
      ])?.Key,
    ).toBe('b');
    expect(
      newest([
        { Key: 'a', LastModified: t(3) },
        { Key: 'b', LastModified: t(3) },
      ])?.Key,
    ).toBe('b');
  });

  it('finds nothing in an empty listing', () => {
    expect(newest([])).toBeUndefined();
  });
});
