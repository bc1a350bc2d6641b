/**
 * The committed bundle, run the way the runner runs it, against moto. Failure cases go through the
 * testkit's fault proxy (moto cannot inject faults), which also counts the requests that reach AWS.
 */
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  runAction,
  startFaultProxy,
  startMoto,
  type FaultProxy,
  type Moto,
} from '@pipelines/testkit';

// Each test runs bundles in child processes against a shared 2-core machine: allow for load.
jest.setTimeout(60_000);

const ACTION = 'actions/s3-upload';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('s3-upload against moto', () => {
  let moto: Moto;
  let s3: S3Client;
  let dir: string;
  let bucketN = 0;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 's3-upload-it-'));
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function bucket(versioning: 'Enabled' | 'Suspended' | 'never'): Promise<string> {
    const name = `artifacts-${++bucketN}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    if (versioning !== 'never') {
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: name,
          VersioningConfiguration: { Status: versioning },
        }),
      );
    }
    return name;
  }

  function packageFile(name: string, bytes: Buffer): string {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  }

  const upload = (inputs: Record<string, string>, endpoint = moto.endpoint) =>
    runAction({ action: ACTION, inputs, env: { ...moto.awsEnv(), AWS_ENDPOINT_URL: endpoint } });

  /** S3's full-object checksum of one version, in hex. */
  const storedSha256Hex = async (Bucket: string, Key: string, VersionId: string | undefined) => {
    const head = await s3.send(
      new HeadObjectCommand({ Bucket, Key, VersionId, ChecksumMode: 'ENABLED' }),
    );
    return Buffer.from(head.ChecksumSHA256 ?? '', 'base64').toString('hex');
  };

  const versionsOf = async (Bucket: string) =>
    (await s3.send(new ListObjectVersionsCommand({ Bucket }))).Versions ?? [];

  it('uploads a new version with a server-stored SHA-256 checksum and provenance tags', async () => {
    const Bucket = await bucket('Enabled');
    const bytes = randomBytes(100_000);
    const run = await upload({
      file: packageFile('a.zip', bytes),
      bucket: Bucket,
      key: 'mint/katana-lambda.zip',
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      sha256: sha256(bytes),
      bucket: Bucket,
      key: 'mint/katana-lambda.zip',
      uploaded: 'true',
    });
    expect(await storedSha256Hex(Bucket, 'mint/katana-lambda.zip', run.outputs['version-id'])).toBe(
      sha256(bytes),
    );
    const tags = await s3.send(
      new GetObjectTaggingCommand({
        Bucket,
        Key: 'mint/katana-lambda.zip',
        VersionId: run.outputs['version-id'],
      }),
    );
    expect(tags.TagSet).toEqual([
      { Key: 'commit', Value: '0123456789abcdef0123456789abcdef01234567' },
      { Key: 'ref', Value: 'refs/heads/integration' },
      { Key: 'run-id', Value: '1' },
    ]);
    expect(run.summary).toContain(run.outputs['version-id']);
    expect(run.summary).toContain(`${sha256(bytes)} (verified: S3's full-object SHA-256`);
  });

  it('re-running with the same bytes uploads nothing and returns the existing version id', async () => {
    const Bucket = await bucket('Enabled');
    const file = packageFile('same.zip', randomBytes(5000));
    const first = await upload({ file, bucket: Bucket, key: 'k.zip' });
    const second = await upload({ file, bucket: Bucket, key: 'k.zip' });

    expect(second.exitCode).toBe(0);
    expect(second.outputs.uploaded).toBe('false');
    expect(second.outputs['version-id']).toBe(first.outputs['version-id']);
    expect(await versionsOf(Bucket)).toHaveLength(1);
    expect(second.summary).toContain('nothing was uploaded');
  });

  it('uploads a new version when the bytes change', async () => {
    const Bucket = await bucket('Enabled');
    const first = await upload({
      file: packageFile('v1.zip', randomBytes(5000)),
      bucket: Bucket,
      key: 'k.zip',
    });
    const second = await upload({
      file: packageFile('v2.zip', randomBytes(5000)),
      bucket: Bucket,
      key: 'k.zip',
    });

    expect(second.outputs.uploaded).toBe('true');
    expect(second.outputs['version-id']).not.toBe(first.outputs['version-id']);
    expect(await versionsOf(Bucket)).toHaveLength(2);
  });

  it('does not take a planted version whose metadata claims the package sha256 for the package', async () => {
    const Bucket = await bucket('Enabled');
    const bytes = randomBytes(5000);
    // Whoever may write the key plants other bytes of the same size, with metadata claiming the
    // package's (public, deterministic) sha256.
    const planted = await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'prod/katana-lambda.zip',
        Body: randomBytes(5000),
        Metadata: { sha256: sha256(bytes) },
      }),
    );
    const run = await upload({
      file: packageFile('approved.zip', bytes),
      bucket: Bucket,
      key: 'prod/katana-lambda.zip',
    });

    expect(run.errors).toEqual([]);
    expect(run.outputs.uploaded).toBe('true');
    expect(run.outputs['version-id']).not.toBe(planted.VersionId);
    expect(await storedSha256Hex(Bucket, 'prod/katana-lambda.zip', run.outputs['version-id'])).toBe(
      sha256(bytes),
    );
  });

  it('uploads when the newest entry of the key is a delete marker', async () => {
    const Bucket = await bucket('Enabled');
    const file = packageFile('deleted.zip', randomBytes(5000));
    const first = await upload({ file, bucket: Bucket, key: 'k.zip' });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'k.zip' }));
    const second = await upload({ file, bucket: Bucket, key: 'k.zip' });

    expect(second.errors).toEqual([]);
    expect(second.outputs.uploaded).toBe('true');
    expect(second.outputs['version-id']).not.toBe(first.outputs['version-id']);
  });

  it.each([['never'], ['Suspended']] as const)(
    'refuses a bucket whose versioning is %s, says how to enable it and writes nothing',
    async (versioning) => {
      const Bucket = await bucket(versioning);
      const run = await upload({
        file: packageFile('x.zip', randomBytes(100)),
        bucket: Bucket,
        key: 'k.zip',
      });

      expect(run.exitCode).not.toBe(0);
      expect(run.errors.join('\n')).toContain('Input "bucket"');
      expect(run.errors.join('\n')).toContain(
        `aws s3api put-bucket-versioning --bucket ${Bucket} --versioning-configuration Status=Enabled`,
      );
      expect(await versionsOf(Bucket)).toEqual([]);
      expect(run.outputs).toEqual({});
    },
  );

  describe('refusing bad files before any AWS call', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy(moto.endpoint);
    });
    afterAll(() => proxy?.stop());

    it.each([
      ['a missing file', () => path.join(dir, 'nope.zip'), 'does not exist'],
      ['an empty file', () => packageFile('empty.zip', Buffer.alloc(0)), 'is empty'],
      [
        'a directory',
        () => (mkdirSync(path.join(dir, 'build'), { recursive: true }), path.join(dir, 'build')),
        'names a directory',
      ],
    ])('refuses %s, naming the file input, with no request sent', async (_label, make, said) => {
      const Bucket = await bucket('Enabled');
      const before = proxy.counts.forward ?? 0;
      const run = await upload({ file: make(), bucket: Bucket, key: 'k.zip' }, proxy.endpoint);

      expect(run.exitCode).not.toBe(0);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain('Input "file"');
      expect(run.errors[0]).toContain(said);
      expect(proxy.counts.forward ?? 0).toBe(before);
      expect(await versionsOf(Bucket)).toEqual([]);
    });
  });

  describe('multipart', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy(moto.endpoint);
    });
    afterAll(() => proxy?.stop());

    const partRequests: string[] = [];
    const big = () => randomBytes(17 * 1024 * 1024 + 123);

    it('uploads a file over 16 MB in parts (5 MiB, 3 in flight) and verifies it by the composite checksum', async () => {
      const Bucket = await bucket('Enabled');
      const bytes = big();
      proxy.setPlan((request) => {
        if (request.method === 'PUT' && /[?&]partNumber=/.test(request.path))
          partRequests.push(request.path);
        return undefined;
      });
      const run = await upload(
        {
          file: packageFile('big.zip', bytes),
          bucket: Bucket,
          key: 'big.zip',
          'part-size-mb': '5',
          concurrency: '3',
        },
        proxy.endpoint,
      );

      expect(run.errors).toEqual([]);
      expect(run.outputs).toMatchObject({ uploaded: 'true', sha256: sha256(bytes) });
      expect(partRequests).toHaveLength(4);
      const head = await s3.send(
        new HeadObjectCommand({
          Bucket,
          Key: 'big.zip',
          VersionId: run.outputs['version-id'],
          ChecksumMode: 'ENABLED',
        }),
      );
      expect(head.ContentLength).toBe(bytes.length);
      expect(head.ETag).toMatch(/-4"$/);
      // S3's composite: the SHA-256 of the four part digests (moto leaves out real S3's "-4").
      const MiB5 = 5 * 1024 * 1024;
      const parts = [0, 1, 2, 3].map((i) =>
        createHash('sha256')
          .update(bytes.subarray(i * MiB5, (i + 1) * MiB5))
          .digest(),
      );
      expect(head.ChecksumSHA256?.replace(/-4$/, '')).toBe(
        createHash('sha256').update(Buffer.concat(parts)).digest('base64'),
      );
      expect(run.summary).toContain("S3's composite SHA-256 of the stored parts");
    });

    it("re-running a multipart upload uploads nothing: S3's composite checksum proves the bytes", async () => {
      const Bucket = await bucket('Enabled');
      const file = packageFile('big-rerun.zip', big());
      const inputs = { file, bucket: Bucket, key: 'big.zip', 'part-size-mb': '5' };
      const first = await upload(inputs, proxy.endpoint);
      const again = await upload(inputs, proxy.endpoint);

      expect(again.errors).toEqual([]);
      expect(again.outputs).toMatchObject({
        uploaded: 'false',
        'version-id': first.outputs['version-id'],
        sha256: first.outputs.sha256,
      });
      expect(again.summary).toContain("S3's composite SHA-256 of the stored parts");
    });

    it('aborts a multipart upload whose part fails: no orphan parts, no object, a clear error', async () => {
      const Bucket = await bucket('Enabled');
      // Part 3 is refused with a non-retryable error, as an expired role or a bucket policy would.
      proxy.setPlan((request) =>
        request.method === 'PUT' && /[?&]partNumber=3(&|$)/.test(request.path)
          ? {
              kind: 'status',
              status: 403,
              body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
            }
          : undefined,
      );
      const run = await upload(
        {
          file: packageFile('big2.zip', big()),
          bucket: Bucket,
          key: 'big.zip',
          'part-size-mb': '5',
        },
        proxy.endpoint,
      );

      expect(run.exitCode).not.toBe(0);
      expect(run.errors.join('\n')).toContain('Could not upload');
      expect(run.errors.join('\n')).toContain('Access Denied');
      expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual(
        [],
      );
      expect(await versionsOf(Bucket)).toEqual([]);
      expect(run.outputs).toEqual({});
    });

    const accessDenied = {
      kind: 'status' as const,
      status: 403,
      body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
    };
    const isCreate = (r: { method: string; path: string }) =>
      r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.path);
    const isList = (r: { method: string; path: string }) =>
      r.method === 'GET' && /[?&]uploads(=|&|$)/.test(r.path);
    const isPart = (r: { method: string; path: string }, n: number) =>
      r.method === 'PUT' && new RegExp(`[?&]partNumber=${n}(&|$)`).test(r.path);
    const openUploads = async (Bucket: string) =>
      ((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).map(
        (u) => `${u.Key} ${u.UploadId}`,
      );

    it('aborts the uploads that lost CreateMultipartUpload answers started, leaves older uploads alone, and says so', async () => {
      const Bucket = await bucket('Enabled');
      // Open before the run: another key sharing the prefix, and an older upload of the key.
      const others = [
        await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big.zip.old' })),
        await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big.zip' })),
      ].map((u) => `${u.Key} ${u.UploadId}`);
      let creates = 0;
      // The first two CreateMultipartUpload calls reach moto, which starts an upload, but their
      // answers are lost; the SDK retries. Part 3 is then refused, so the upload fails.
      proxy.setPlan((request) => {
        if (isCreate(request) && ++creates <= 2) return { kind: 'reset-after-forward' };
        return isPart(request, 3) ? accessDenied : undefined;
      });
      const run = await upload(
        {
          file: packageFile('big3.zip', big()),
          bucket: Bucket,
          key: 'big.zip',
          'part-size-mb': '5',
        },
        proxy.endpoint,
      );
      proxy.setPlan(() => undefined);

      expect(creates).toBe(3);
      expect(run.exitCode).not.toBe(0);
      const said = run.errors.join('\n');
      expect(said).toContain('Could not upload');
      expect(said).toContain(
        'Nothing was left behind: every multipart upload this run started was aborted.',
      );
      expect(said).toContain('1 older open multipart upload(s) of the key');
      expect((await openUploads(Bucket)).sort()).toEqual(others.sort());
      expect(await versionsOf(Bucket)).toEqual([]);
    });

    it('a success whose first CreateMultipartUpload answer was lost leaves no upload open', async () => {
      const Bucket = await bucket('Enabled');
      const bytes = big();
      let creates = 0;
      // moto starts an upload for the first CreateMultipartUpload, but its answer is lost; the
      // SDK's retry starts a second one, which the action completes.
      proxy.setPlan((request) =>
        isCreate(request) && ++creates === 1 ? { kind: 'reset-after-forward' } : undefined,
      );
      const run = await upload(
        {
          file: packageFile('big6.zip', bytes),
          bucket: Bucket,
          key: 'big.zip',
          'part-size-mb': '5',
        },
        proxy.endpoint,
      );
      proxy.setPlan(() => undefined);

      expect(creates).toBe(2);
      expect(run.errors).toEqual([]);
      expect(run.warnings).toEqual([]);
      expect(run.outputs).toMatchObject({ uploaded: 'true', sha256: sha256(bytes) });
      expect(await openUploads(Bucket)).toEqual([]);
    });

    it('when the uploads cannot be listed after a failure, says they may be left and how to clean them', async () => {
      const Bucket = await bucket('Enabled');
      let lists = 0;
      let creates = 0;
      // The listing before the upload passes; every later one is refused. One lost answer leaves
      // an upload whose id the run never learned.
      proxy.setPlan((request) => {
        if (isList(request) && ++lists > 1) return accessDenied;
        if (isCreate(request) && ++creates === 1) return { kind: 'reset-after-forward' };
        return isPart(request, 3) ? accessDenied : undefined;
      });
      const run = await upload(
        {
          file: packageFile('big4.zip', big()),
          bucket: Bucket,
          key: 'big.zip',
          'part-size-mb': '5',
        },
        proxy.endpoint,
      );
      proxy.setPlan(() => undefined);

      expect(run.exitCode).not.toBe(0);
      const said = run.errors.join('\n');
      expect(said).not.toContain('Nothing was left behind');
      expect(said).toContain('Multipart uploads started by this run may be left open');
      expect(said).toContain(
        `aws s3api list-multipart-uploads --bucket ${Bucket} --prefix big.zip`,
      );
      expect(said).toContain(
        `aws s3api abort-multipart-upload --bucket ${Bucket} --key big.zip --upload-id <UploadId>`,
      );
      expect(said).toContain('AbortIncompleteMultipartUpload');
      // What the message warns about is real: the upload of the lost answer is still open.
      expect(await openUploads(Bucket)).toHaveLength(1);
    });

    it('refuses to start a multipart upload it could not clean up after: listing denied, nothing written', async () => {
      const Bucket = await bucket('Enabled');
      const writes: string[] = [];
      proxy.setPlan((request) => {
        if (request.method !== 'GET' && request.method !== 'HEAD') writes.push(request.method);
        return isList(request) ? accessDenied : undefined;
      });
      const run = await upload(
        {
          file: packageFile('big5.zip', big()),
          bucket: Bucket,
          key: 'big.zip',
          'part-size-mb': '5',
        },
        proxy.endpoint,
      );
      proxy.setPlan(() => undefined);

      expect(run.exitCode).not.toBe(0);
      const said = run.errors.join('\n');
      expect(said).toContain('Could not list the open multipart uploads');
      expect(said).toContain('Nothing was uploaded');
      expect(said).toContain('s3:ListBucketMultipartUploads');
      expect(writes).toEqual([]);
      expect(await openUploads(Bucket)).toEqual([]);
      expect(await versionsOf(Bucket)).toEqual([]);
    });
  });
});
