import {
  acceptFinish,
  acceptPart,
  isEcrRepositoryName,
  MIN_PART_BYTES,
  rangeStart,
  repositoryRefusal,
  routeOf,
  tagRefusal,
} from './ecrRules';

const D = `sha256:${'a'.repeat(64)}`;
const MB5 = MIN_PART_BYTES;

describe('routeOf', () => {
  it.each([
    ['/v2/', { kind: 'base' }],
    ['/v2/_catalog', { kind: 'base' }],
    ['/v2/katana/web/blobs/uploads/', { kind: 'upload-start', repository: 'katana/web' }],
    [
      '/v2/katana/web/blobs/uploads/abc-1',
      { kind: 'upload', repository: 'katana/web', session: 'abc-1' },
    ],
    ['/v2/web/manifests/v1', { kind: 'manifest', repository: 'web', reference: 'v1' }],
    [`/v2/a/b/c/blobs/${D}`, { kind: 'blob', repository: 'a/b/c', digest: D }],
    ['/v2/web/tags/list', { kind: 'other' }],
    ['/metrics', { kind: 'other' }],
  ])('%s', (pathname, route) => {
    expect(routeOf(pathname)).toEqual(route);
  });
});

describe('isEcrRepositoryName', () => {
  it.each([
    ['katana/web', true],
    ['a.b_c-d/e', true],
    ['ab', true],
    ['a', false],
    ['a'.repeat(257), false],
    ['a__b', false],
    ['a--b', false],
    ['Web', false],
    ['web/', false],
  ])('%s -> %s', (name, ok) => {
    expect(isEcrRepositoryName(name)).toBe(ok);
  });
});

describe('repositoryRefusal', () => {
  it("answers NAME_UNKNOWN with ECR's message for a repository that does not exist", () => {
    expect(repositoryRefusal('katana/web', undefined, '123456789012')).toEqual({
      status: 404,
      code: 'NAME_UNKNOWN',
      message:
        "The repository with name 'katana/web' does not exist in the registry with id '123456789012'",
    });
  });

  it('refuses a name ECR cannot have, even if configured', () => {
    expect(repositoryRefusal('a__b', 'MUTABLE', '1')?.code).toBe('NAME_INVALID');
  });

  it('lets an existing repository through', () => {
    expect(repositoryRefusal('web', 'IMMUTABLE', '1')).toBeUndefined();
  });
});

describe('tagRefusal', () => {
  it.each([
    ['v1', 'IMMUTABLE', true, 'TAG_INVALID'],
    ['v1', 'IMMUTABLE', false, undefined],
    ['v1', 'MUTABLE', true, undefined],
    [D, 'IMMUTABLE', true, undefined],
  ] as const)('%s in a %s repository (exists: %s) -> %s', (reference, mutability, exists, code) => {
    expect(tagRefusal('web', reference, mutability, exists)?.code).toBe(code);
  });

  it('says what ECR says about an immutable tag', () => {
    expect(tagRefusal('web', 'v1', 'IMMUTABLE', true)?.message).toBe(
      "The image tag 'v1' already exists in the 'web' repository and cannot be overwritten because the tag is immutable.",
    );
  });
});

describe('upload parts', () => {
  it('answers every part with the Range of the first part', () => {
    let session = { received: 0 };
    const ranges: string[] = [];
    for (const [start, length] of [
      [0, MB5],
      [MB5, MB5],
      [2 * MB5, 10],
    ] as const) {
      const verdict = acceptPart(session, start, length);
      if ('error' in verdict) throw new Error(verdict.error.message);
      session = verdict.session;
      ranges.push(verdict.range);
    }
    expect(ranges).toEqual([`0-${MB5 - 1}`, `0-${MB5 - 1}`, `0-${MB5 - 1}`]);
    expect(session.received).toBe(2 * MB5 + 10);
    expect(acceptFinish(session, 0)).toBeUndefined();
  });

  it('refuses a part after one under 5 MiB', () => {
    const first = acceptPart({ received: 0 }, 0, MB5 - 1);
    if ('error' in first) throw new Error('first part refused');
    const second = acceptPart(first.session, MB5 - 1, 10);
    expect('error' in second && second.error).toMatchObject({
      code: 'BLOB_UPLOAD_INVALID',
      message: 'All layer parts except the last part should be at least 5MB',
    });
  });

  it('refuses a closing PUT with bytes after a part under 5 MiB, not one without', () => {
    const session = { received: 10, lastPart: 10, firstPartEnd: 9 };
    expect(acceptFinish(session, 5)?.code).toBe('BLOB_UPLOAD_INVALID');
    expect(acceptFinish(session, 0)).toBeUndefined();
  });

  it('refuses a part that does not start where the stored bytes end', () => {
    const verdict = acceptPart({ received: MB5, lastPart: MB5, firstPartEnd: MB5 - 1 }, 0, MB5);
    expect('error' in verdict && verdict.error.status).toBe(416);
  });

  it.each([
    ['0-99', 0],
    ['100-199', 100],
    ['bytes=5-9', 5],
    [undefined, undefined],
    ['junk', undefined],
  ])('reads the start of Content-Range %s', (header, start) => {
    expect(rangeStart(header)).toBe(start);
  });
});
