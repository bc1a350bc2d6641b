import { compositeSha256, PartedSha256 } from '@pipelines/action-kit';
import { planUpload, storedProblems, versioningProblem } from './decide';

const digestsOf = (text: string, partSize: number) => {
  const hash = new PartedSha256(partSize);
  hash.update(Buffer.from(text));
  return hash.digest();
};
// The package, as a single PUT (one part) and as a multipart upload of 4-byte parts.
const PACKAGE = digestsOf('the approved package', 4);
const PLANTED = digestsOf('planted attacker bytes', 4);
const FULL = Buffer.from(PACKAGE.sha256, 'hex').toString('base64');
const COMPOSITE = compositeSha256(PACKAGE.partDigests);

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

describe('planUpload', () => {
  it('uploads when the key has no version yet', () => {
    expect(planUpload(undefined, PACKAGE)).toEqual({ upload: true });
  });

  it.each([
    ["S3's full-object SHA-256 (a single PUT)", FULL, 'full-object'],
    ["S3's composite SHA-256 of the same parts", COMPOSITE, 'composite'],
  ])('skips when %s proves the newest version holds these bytes', (_label, checksum, proof) => {
    expect(planUpload({ versionId: 'v9', checksumSha256: checksum }, PACKAGE)).toEqual({
      upload: false,
      versionId: 'v9',
      proof,
    });
  });

  it('uploads when the newest version holds other bytes', () => {
    const other = Buffer.from(PLANTED.sha256, 'hex').toString('base64');
    expect(planUpload({ versionId: 'v9', checksumSha256: other }, PACKAGE)).toEqual({
      upload: true,
    });
  });

  it('uploads when the newest version only claims the sha256 (S3 has no checksum of its own)', () => {
    expect(planUpload({ versionId: 'v9' }, PACKAGE)).toEqual({ upload: true });
  });

  it('uploads when the newest version has no version id (written before versioning)', () => {
    expect(planUpload({ checksumSha256: FULL }, PACKAGE)).toEqual({ upload: true });
  });
});

describe('storedProblems', () => {
  const sent = { ...PACKAGE, size: 20 };
  const good = { versionId: 'v1', size: 20, checksumSha256: FULL };

  it.each([
    ['a single PUT', FULL],
    ['a multipart upload', COMPOSITE],
  ])("finds nothing wrong when S3's checksum proves the bytes of %s", (_label, checksum) => {
    expect(storedProblems({ ...good, checksumSha256: checksum }, sent)).toEqual([]);
  });

  it.each([
    ['a missing version id', { ...good, versionId: undefined }, 'no VersionId'],
    ['another size', { ...good, size: 21 }, 'S3 stored 21 bytes'],
    ['no checksum', { ...good, checksumSha256: undefined }, 'no SHA-256 checksum'],
    [
      'a checksum of other bytes',
      { ...good, checksumSha256: compositeSha256(PLANTED.partDigests) },
      'is not the checksum of the file',
    ],
  ])('reports %s', (_label, stored, said) => {
    expect(storedProblems(stored, sent).join('\n')).toContain(said);
  });
});
