import {
  blobAction,
  chunkRanges,
  isRetryableStatus,
  manifestAction,
  partSize,
  refusedTagDecision,
  tagDecision,
} from './decide';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('blobAction', () => {
  it.each([
    [{ present: true }, 'skip'],
    [{ present: true, mountFrom: 'lower/web' }, 'skip'],
    [{ present: false, mountFrom: 'lower/web' }, 'mount'],
    [{ present: false }, 'upload'],
  ] as const)('%j -> %s', (state, expected) => {
    expect(blobAction(state)).toBe(expected);
  });
});

describe('chunkRanges', () => {
  it.each([
    [0, 10, [[0, 0]]],
    [10, 10, [[0, 10]]],
    [
      11,
      10,
      [
        [0, 10],
        [10, 11],
      ],
    ],
    [
      30,
      10,
      [
        [0, 10],
        [10, 20],
        [20, 30],
      ],
    ],
  ])('size %d in chunks of %d -> %j', (size, chunk, expected) => {
    expect(chunkRanges(size, chunk)).toEqual(expected);
  });

  it('covers every byte exactly once for a large blob', () => {
    const ranges = chunkRanges(25_165_947, 8 * 1024 * 1024);
    expect(ranges).toHaveLength(4);
    expect(ranges[0]?.[0]).toBe(0);
    expect(ranges.at(-1)?.[1]).toBe(25_165_947);
    ranges.slice(1).forEach((r, i) => expect(r[0]).toBe(ranges[i]?.[1]));
  });

  it('refuses a zero chunk size', () => {
    expect(() => chunkRanges(1, 0)).toThrow('chunk size');
  });
});

describe('tagDecision', () => {
  it('puts a tag that does not exist', () => {
    expect(tagDecision('v1', 'web', undefined, A)).toEqual({ action: 'put' });
  });
  it('keeps a tag that already names this digest', () => {
    expect(tagDecision('v1', 'web', A, A)).toEqual({ action: 'keep' });
  });
  it('refuses a tag that names another digest, with both digests', () => {
    const decision = tagDecision('v1', 'web', B, A);
    expect(decision.action).toBe('conflict');
    expect(decision.action === 'conflict' && decision.message).toContain(
      `already points at ${B}, not at ${A}`,
    );
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [undefined, true],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
  ])('%s -> %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe('manifestAction', () => {
  const OCI = 'application/vnd.oci.image.manifest.v1+json';
  const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';
  it.each([
    ['absent', undefined, 'put'],
    ['served by digest as the same type', { digest: A, mediaType: OCI }, 'skip'],
    ['served as another type', { digest: A, mediaType: DOCKER }, 'put'],
    ['served with no type', { digest: A, mediaType: undefined }, 'put'],
    ['answered with another digest', { digest: B, mediaType: OCI }, 'put'],
  ] as const)('%s -> %s', (_case, served, expected) => {
    expect(manifestAction({ digest: A, mediaType: OCI }, served)).toBe(expected);
  });
});

describe('partSize', () => {
  it.each([
    [1, 5 * 1024 * 1024, true],
    [4, 5 * 1024 * 1024, true],
    [5, 5 * 1024 * 1024, false],
    [16, 16 * 1024 * 1024, false],
  ])('%i MiB -> %i bytes (raised: %s)', (mib, bytes, raised) => {
    expect(partSize(mib)).toEqual({ bytes, raised });
  });
});

describe('refusedTagDecision (ECR refused an existing immutable tag)', () => {
  it('keeps a tag another push already put to the same digest', () => {
    expect(refusedTagDecision('v1', 'web', A, A)).toEqual({ action: 'keep' });
  });

  it.each([
    [B, `already points at ${B}, not at ${A}`],
    [undefined, "the repository's tags are immutable and the tag already exists"],
  ])('fails naming the tags input when the tag holds %s', (current, text) => {
    const decision = refusedTagDecision('v1', 'web', current, A);
    expect(decision.action).toBe('fail');
    expect(decision.action === 'fail' && decision.message).toContain(text);
    expect(decision.action === 'fail' && decision.message).toContain('tags input');
  });
});
