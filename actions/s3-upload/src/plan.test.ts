import { sha256HexToBase64 } from '@pipelines/shared';
import { planUpload, storedProblems, storedSha256, versioningProblem } from './plan';

const SHA = 'd813198709b0e40f4a9056b7dcf2fb25227560593393eab17d4002149e9a00f0';
const OTHER = '65832b8bdbf9c8b1f1bc89a532c7cf16b825d05f3f4b253a6c3955f3004593d8';

describe('versioningProblem', () => {
  it('accepts only a bucket whose versioning is Enabled', () => {
    expect(versioningProblem('artifacts', 'Enabled')).toBeUndefined();
  });

  it.each([
    [undefined, 'has never been enabled'],
    ['Suspended', 'is Suspended'],
  ])('refuses versioning %s and says how to enable it', (status, said) => {
    const refused = versioningProblem('artifacts', status);
    expect(refused?.problem).toContain(said);
    expect(refused?.fix).toBe(
      'Enable it: aws s3api put-bucket-versioning --bucket artifacts --versioning-configuration Status=Enabled',
    );
  });
});

describe('storedSha256', () => {
  it.each([
    ['our metadata', { metadata: { sha256: SHA } }, SHA],
    ['metadata in upper case', { metadata: { sha256: SHA.toUpperCase() } }, SHA],
    [
      'a whole-object checksum when there is no metadata',
      { checksumSha256: sha256HexToBase64(SHA) },
      SHA,
    ],
    [
      'nothing for a composite multipart checksum',
      { checksumSha256: `${sha256HexToBase64(SHA)}-3` },
      undefined,
    ],
    ['nothing for garbage metadata', { metadata: { sha256: 'nope' } }, undefined],
    ['nothing for an object with neither', {}, undefined],
  ])('reads %s', (_label, version, expected) => {
    expect(storedSha256(version)).toBe(expected);
  });
});

describe('planUpload', () => {
  it('uploads when the key has no version yet', () => {
    expect(planUpload(undefined, SHA)).toEqual({ upload: true });
  });

  it('skips and returns the newest version when it already holds these bytes', () => {
    expect(planUpload({ versionId: 'v9', metadata: { sha256: SHA } }, SHA)).toEqual({
      upload: false,
      versionId: 'v9',
    });
  });

  it('uploads when the newest version holds other bytes', () => {
    expect(planUpload({ versionId: 'v9', metadata: { sha256: OTHER } }, SHA)).toEqual({
      upload: true,
    });
  });

  it('uploads when the newest version has no version id (written before versioning)', () => {
    expect(planUpload({ metadata: { sha256: SHA } }, SHA)).toEqual({ upload: true });
  });
});

describe('storedProblems', () => {
  const good = {
    versionId: 'v1',
    metadata: { sha256: SHA },
    checksumSha256: sha256HexToBase64(SHA),
  };

  it('finds nothing wrong when version, metadata and checksum all match', () => {
    expect(storedProblems(good, SHA, false)).toEqual([]);
  });

  it('accepts a composite checksum for a multipart upload', () => {
    expect(
      storedProblems(
        { ...good, checksumSha256: 'ZLWIhzeSK+DWs8MB/+ius7J2o7Vh5Gv22aqJj8hzfWs=-3' },
        SHA,
        true,
      ),
    ).toEqual([]);
  });

  it.each([
    ['a missing version id', { ...good, versionId: undefined }, 'no VersionId'],
    ['other metadata', { ...good, metadata: { sha256: OTHER } }, 'metadata sha256'],
    ['no checksum', { ...good, checksumSha256: undefined }, 'no SHA-256 checksum'],
    [
      'a checksum of other bytes',
      { ...good, checksumSha256: sha256HexToBase64(OTHER) },
      'ChecksumSHA256',
    ],
  ])('reports %s', (_label, stored, said) => {
    expect(storedProblems(stored, SHA, false).join('\n')).toContain(said);
  });
});
