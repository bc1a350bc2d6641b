/**
 * What moto cannot show: real S3 answers HeadObject on a missing key with 403, not 404, when the
 * role's s3:ListBucket is conditioned on s3:prefix (a HeadObject carries no prefix). moto answers
 * 404, so the SDK is mocked at its boundary here, answering as S3 would for such a role: the key
 * is read only once a listing by prefix has shown it exists.
 */
import {
  GetBucketVersioningCommand,
  HeadObjectCommand,
  type HeadObjectCommandInput,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uploadPackage } from './effects';

const s3Mock = mockClient(S3Client);
const KEY = 'prod/katana-lambda.zip';
const BYTES = Buffer.from('the package');
const SHA = createHash('sha256').update(BYTES).digest();

const accessDenied = () =>
  Object.assign(new Error('Forbidden'), {
    name: '403',
    $metadata: { httpStatusCode: 403 },
  });
const notFound = () =>
  Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
const sha256Base64 = (text: string) => createHash('sha256').update(text).digest('base64');

/** What HeadObject answers: for the bare key (the current version) and for exact versions. */
interface Heads {
  current?: HeadObjectCommandOutput | (() => Error);
  versions: Record<string, HeadObjectCommandOutput>;
}
const answer = (heads: Heads) => (input: HeadObjectCommandInput) => {
  const found = input.VersionId === undefined ? heads.current : heads.versions[input.VersionId];
  // A key without a current version is denied, as S3 answers a missing key to such a role.
  if (found === undefined) throw accessDenied();
  if (typeof found === 'function') throw found();
  return found;
};
const stored = (versionId: string, checksum: string, size = BYTES.length) =>
  ({
    VersionId: versionId,
    ContentLength: size,
    ChecksumSHA256: checksum,
    $metadata: {},
  }) as HeadObjectCommandOutput;

describe('uploadPackage under a prefix-conditioned s3:ListBucket (real S3 semantics)', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 's3-upload-unit-'));
    file = path.join(dir, 'katana-lambda.zip');
    writeFileSync(file, BYTES);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    // The key has no version yet: the listing is empty, HeadObject on the key would be denied.
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: [], DeleteMarkers: [] });
    heads({ versions: { v1: stored('v1', SHA.toString('base64')) } });
    s3Mock.on(PutObjectCommand).resolves({ VersionId: 'v1' });
  });
  const heads = (answers: Heads) => s3Mock.on(HeadObjectCommand).callsFake(answer(answers));
  /** The listing shows the key, of the package's size. */
  const listed = () =>
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: KEY, Size: BYTES.length }] });

  const upload = () =>
    uploadPackage(
      new S3Client({ region: 'us-east-1' }),
      { file, bucket: 'artifacts-upper', key: KEY, region: 'us-east-1', tags: [] },
      {},
      () => {},
      () => {},
    );

  it("uploads an environment's first package: the newest version is found by listing, not by HeadObject on the key", async () => {
    const result = await upload();

    expect(result).toMatchObject({
      versionId: 'v1',
      sha256: SHA.toString('hex'),
      uploaded: true,
      proof: 'full-object',
    });
    expect(s3Mock.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({
      Bucket: 'artifacts-upper',
      Prefix: KEY,
      MaxKeys: 1,
    });
    // Every HeadObject names an exact version.
    const heads = s3Mock.commandCalls(HeadObjectCommand).map((c) => c.args[0].input);
    expect(heads).toEqual([
      { Bucket: 'artifacts-upper', Key: KEY, VersionId: 'v1', ChecksumMode: 'ENABLED' },
    ]);
    // The PUT carries the SHA-256 S3 checks the bytes against.
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: SHA.toString('base64'),
    });
  });

  it('does not skip a current version whose only claim is metadata: it uploads and reports the verified value', async () => {
    // A planted version of the same size: metadata claims the package's sha256, but S3's own
    // checksum is of other bytes.
    listed();
    heads({
      current: {
        ...stored('planted', sha256Base64('planted bytes')),
        Metadata: { sha256: SHA.toString('hex') },
      },
      versions: { v1: stored('v1', SHA.toString('base64')) },
    });

    const result = await upload();

    expect(result).toMatchObject({ versionId: 'v1', uploaded: true });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('skips a re-run from one HeadObject of the key the listing showed: no version listing', async () => {
    listed();
    heads({ current: stored('v7', SHA.toString('base64')), versions: {} });

    const result = await upload();

    expect(result).toMatchObject({
      versionId: 'v7',
      sha256: SHA.toString('hex'),
      uploaded: false,
      proof: 'full-object',
    });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(HeadObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'artifacts-upper', Key: KEY, ChecksumMode: 'ENABLED' },
    ]);
  });

  it('uploads when the listed key was deleted before it could be read (HeadObject 404)', async () => {
    listed();
    heads({ current: notFound, versions: { v1: stored('v1', SHA.toString('base64')) } });

    const result = await upload();

    expect(result).toMatchObject({ versionId: 'v1', uploaded: true });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it('fails, writing nothing, when the listed key may not be read (HeadObject 403)', async () => {
    listed();
    heads({ current: accessDenied, versions: {} });

    await expect(upload()).rejects.toThrow(
      /Could not read s3:\/\/artifacts-upper\/prod\/katana-lambda.zip/,
    );
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
