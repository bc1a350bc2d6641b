/**
 * s3-upload under IAM as AWS enforces it: the committed bundle runs with the credentials of the
 * upper tier's `prod-candidate` role, synthesized from infra/ (the role the pipeline's upload job
 * assumes before prod's hold), against moto behind the testkit's strict AWS twin. moto alone
 * checks no permission, so these are the tests that fail when a policy lacks what the action
 * sends.
 *
 * The role may ListBucket only under its own prefix (s3:prefix), so S3 answers its HeadObject on a
 * missing key 403, not 404: the action learns whether the key exists from ListObjectsV2 with
 * Prefix = the key, and sends HeadObject on the key only once the listing has shown it. Widening
 * the policy instead (an unconditional s3:ListBucket) would let the role list every environment's
 * packages.
 */
import {
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction, startStrictTier, type StrictTier } from '@pipelines/testkit';

// Synthesis and bundle runs share a 2-core machine: allow for load.
jest.setTimeout(120_000);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let tier: StrictTier;
let s3: S3Client;
let dir: string;
let keyN = 0;

beforeAll(async () => {
  // The tier as `cdk deploy` leaves it: the versioned bucket exists, empty.
  tier = await startStrictTier({ tier: 'upper' });
  s3 = new S3Client({
    region: tier.region,
    endpoint: tier.moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 's3-upload-iam-'));
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await tier?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function packageFile(bytes: Buffer): string {
  const file = path.join(dir, `package-${++keyN}.zip`);
  writeFileSync(file, bytes);
  return file;
}

/** A fresh key under prod/ (each test its own, so order does not matter). */
const prodKey = () => `prod/katana-lambda-${++keyN}.zip`;

const upload = (inputs: Record<string, string>) =>
  runAction({
    action: 'actions/s3-upload',
    inputs: { bucket: tier.bucket, ...inputs },
    env: tier.envAs('prod-candidate'),
  });

const deniedDecisions = () => tier.twin.decisions.filter((d) => !d.allowed);

/** A version already there, put by the operator (an earlier pipeline run). */
async function earlierVersion(key: string) {
  await s3.send(new PutObjectCommand({ Bucket: tier.bucket, Key: key, Body: 'earlier' }));
}

describe('s3-upload as the prod-candidate role, IAM enforced', () => {
  beforeEach(() => tier.twin.decisions.splice(0));

  it('uploads a new version over an earlier one, tags included (needs s3:PutObjectTagging)', async () => {
    const key = prodKey();
    await earlierVersion(key);
    const bytes = randomBytes(50_000);
    const run = await upload({ file: packageFile(bytes), key });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ sha256: sha256(bytes), uploaded: 'true' });
    expect(deniedDecisions()).toEqual([]);
    const tags = await s3.send(
      new GetObjectTaggingCommand({
        Bucket: tier.bucket,
        Key: key,
        VersionId: run.outputs['version-id'],
      }),
    );
    expect(tags.TagSet?.map((t) => t.Key)).toEqual(['commit', 'ref', 'run-id']);
  });

  it('uploads in parts (CreateMultipartUpload with tags, UploadPart, Complete) and lists open uploads', async () => {
    const key = prodKey();
    await earlierVersion(key);
    const bytes = randomBytes(6 * 1024 * 1024);
    const run = await upload({ file: packageFile(bytes), key, 'part-size-mb': '5' });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(deniedDecisions()).toEqual([]);
    const operations = new Set(tier.twin.decisions.map((d) => d.operation));
    for (const operation of [
      'ListMultipartUploads',
      'CreateMultipartUpload',
      'UploadPart',
      'CompleteMultipartUpload',
    ]) {
      expect(operations).toContain(operation);
    }
  });

  it('skips an upload whose bytes are already the newest version, reading only', async () => {
    const key = prodKey();
    await earlierVersion(key);
    const bytes = randomBytes(10_000);
    const first = await upload({ file: packageFile(bytes), key });
    expect(first.errors).toEqual([]);
    const again = await upload({ file: packageFile(bytes), key });
    expect(again.errors).toEqual([]);
    expect(again.outputs).toMatchObject({
      uploaded: 'false',
      'version-id': first.outputs['version-id'],
    });
  });

  it('makes a first upload to an empty environment (no version of the key yet)', async () => {
    const bytes = randomBytes(20_000);
    const run = await upload({ file: packageFile(bytes), key: prodKey() });

    expect(deniedDecisions()).toEqual([]);
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ sha256: sha256(bytes), uploaded: 'true' });
  });

  it('allows the lookup the action makes: ListObjectsV2 with Prefix = the key, then HeadObject on the listed key; a HeadObject on a missing key is denied', async () => {
    // The requests themselves, as the role, without the action: what the upload needs from the
    // policy, and why the listing comes first.
    const key = prodKey();
    await earlierVersion(key);
    const asRole = new S3Client({
      region: tier.region,
      endpoint: tier.twin.url,
      forcePathStyle: true,
      credentials: tier.twin.credentialsFor(tier.roleOf('prod-candidate')),
    });
    try {
      const empty = await asRole.send(
        new ListObjectsV2Command({ Bucket: tier.bucket, Prefix: prodKey(), MaxKeys: 1 }),
      );
      expect(empty.Contents ?? []).toEqual([]);
      const listed = await asRole.send(
        new ListObjectsV2Command({ Bucket: tier.bucket, Prefix: key, MaxKeys: 1 }),
      );
      expect(listed.Contents?.[0]?.Key).toBe(key);
      const head = await asRole.send(
        new HeadObjectCommand({ Bucket: tier.bucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      expect(head.VersionId).toBeTruthy();
      expect(deniedDecisions()).toEqual([]);
      // S3 hides whether a key exists from a role that may not list the request's prefix.
      await expect(
        asRole.send(new HeadObjectCommand({ Bucket: tier.bucket, Key: prodKey() })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
      // Listing another environment's folder stays denied.
      await expect(
        asRole.send(new ListObjectsV2Command({ Bucket: tier.bucket, Prefix: 'staging/' })),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      asRole.destroy();
    }
  });

  it("may not upload into another environment's folder", async () => {
    const run = await upload({
      file: packageFile(randomBytes(1000)),
      key: 'staging/katana-lambda.zip',
    });

    expect(run.exitCode).not.toBe(0);
    // The first request (listing the key's folder) is already refused, and nothing is written.
    expect(deniedDecisions()[0]).toMatchObject({
      role: tier.roleOf('prod-candidate'),
      deniedAction: 's3:ListBucket',
      resource: `arn:aws:s3:::${tier.bucket}`,
    });
    expect(
      tier.twin.decisions.filter(
        (d) => d.allowed && d.resource === `arn:aws:s3:::${tier.bucket}/staging/katana-lambda.zip`,
      ),
    ).toEqual([]);
  });
});
