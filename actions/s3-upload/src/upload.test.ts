/**
 * What moto cannot show: real S3 answers HeadObject on a missing key with 403, not 404, when the
 * role's s3:ListBucket is conditioned on s3:prefix (a HeadObject carries no prefix). moto answers
 * 404, so the SDK is mocked at its boundary here, answering as S3 would for such a role.
 */
import {
  GetBucketVersioningCommand,
  HeadObjectCommand,
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
import { uploadPackage } from './upload';

const s3Mock = mockClient(S3Client);
const KEY = 'prod/katana-lambda.zip';
const BYTES = Buffer.from('the package');
const SHA = createHash('sha256').update(BYTES).digest();

const accessDenied = () =>
  Object.assign(new Error('Forbidden'), {
    name: '403',
    $metadata: { httpStatusCode: 403 },
  });

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
    // The key has no version yet; HeadObject without a VersionId is denied, as S3 answers a
    // missing key to a role that may not list this request.
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: [], DeleteMarkers: [] });
    s3Mock.on(HeadObjectCommand).rejects(accessDenied());
    s3Mock.on(HeadObjectCommand, { VersionId: 'v1' }).resolves({
      VersionId: 'v1',
      ContentLength: BYTES.length,
      ChecksumSHA256: SHA.toString('base64'),
    });
    s3Mock.on(PutObjectCommand).resolves({ VersionId: 'v1' });
  });

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

  it('does not skip a newest version whose only claim is metadata: it uploads and reports the verified value', async () => {
    // A planted version of the same size: metadata claims the package's sha256, but S3's own
    // checksum is of other bytes.
    const planted = createHash('sha256').update('planted bytes').digest('base64');
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: KEY, Size: BYTES.length }] });
    s3Mock.on(ListObjectVersionsCommand).resolves({
      Versions: [{ Key: KEY, VersionId: 'planted', IsLatest: true, Size: BYTES.length }],
    });
    s3Mock.on(HeadObjectCommand, { VersionId: 'planted' }).resolves({
      VersionId: 'planted',
      ContentLength: BYTES.length,
      Metadata: { sha256: SHA.toString('hex') },
      ChecksumSHA256: planted,
    });

    const result = await upload();

    expect(result).toMatchObject({ versionId: 'v1', uploaded: true });
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
    // The newest version was found by listing versions, then read by its exact VersionId.
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)[0]?.args[0].input).toEqual({
      Bucket: 'artifacts-upper',
      Prefix: KEY,
    });
    expect(s3Mock.commandCalls(HeadObjectCommand)[0]?.args[0].input.VersionId).toBe('planted');
  });
});
