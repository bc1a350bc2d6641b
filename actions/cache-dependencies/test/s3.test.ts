// The s3 backend, end to end: the committed dist bundle run the way the runner runs it, against
// moto's S3 (a real S3 API server; nothing is mocked here).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { runAction, startMoto, type Moto } from '@pipelines/testkit';
import { writeCraftedArchive } from './craftTar';
import { serializingProxy } from './serializingProxy';
import {
  ACTION,
  expectOk,
  listDir,
  mainThenPost,
  PATH,
  runMain,
  workspace,
  type Workspace,
} from './helpers';

jest.setTimeout(120_000);

let moto: Moto;
let s3: S3Client;
let ws: Workspace;
let bucket: string;
let bucketCount = 0;

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});
afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  bucket = `deps-cache-${++bucketCount}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  // Versioning shows every write, so "never overwritten" is checked by counting versions.
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  ws = workspace();
});
afterEach(() => ws.cleanup());

function job(ref = 'refs/heads/feature-a-1', inputs: Record<string, string> = {}) {
  return {
    cwd: ws.dir,
    inputs: {
      backend: 's3',
      's3-bucket': bucket,
      path: ws.store,
      'key-prefix': 'lower',
      'default-branch': 'integration',
      ...inputs,
    },
    env: { ...moto.awsEnv(), PATH, GITHUB_REF: ref },
  };
}

async function objectKeys(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}

const wipeStore = () => {
  writeFileSync(path.join(ws.store, 'files', '00', 'abc'), 'changed after save');
};

describe('the s3 backend', () => {
  it('misses, saves in the post step, and then restores the exact key', async () => {
    const first = await mainThenPost(job());
    expectOk(first.main);
    expectOk(first.post);
    expect(first.main.outputs['cache-hit']).toBe('false');
    expect(first.main.outputs['matched-key']).toBe('');
    const key = first.main.outputs.key ?? '';
    expect(key).toMatch(/^lower-pnpm-linux-x64-node\d+-[0-9a-f]{64}$/);
    expect(await objectKeys()).toEqual([
      `cache-dependencies/example/pipelines/refs~2Fheads~2Ffeature-a-1/${key}`,
    ]);
    expect(first.post.summary).toContain('saved');

    wipeStore();
    const second = await mainThenPost(job());
    expectOk(second.main);
    expect(second.main.outputs).toMatchObject({ 'cache-hit': 'true', key, 'matched-key': key });
    expect(readFileSync(path.join(ws.store, 'files', '00', 'abc'), 'utf8')).toBe('package file');
    expectOk(second.post);
    expect(second.post.stdout).toContain(`Not saving: the cache already has ${key}`);
  });

  it('ignores lockfiles under node_modules when computing the key', async () => {
    const a = await runMain(job());
    writeFileSync(path.join(ws.dir, 'node_modules', 'dep', 'pnpm-lock.yaml'), 'something else');
    const b = await runMain(job());
    expect(b.outputs.key).toBe(a.outputs.key);
    ws.setLockfile('lockfileVersion: 9.0\n# changed\n');
    const c = await runMain(job());
    expect(c.outputs.key).not.toBe(a.outputs.key);
  });

  it('falls back to the newest entry with the same prefix, never another prefix', async () => {
    ws.setLockfile('one');
    expectOk((await mainThenPost(job())).post);
    // S3 LastModified has one-second resolution: keep the two saves in different seconds.
    await new Promise((r) => setTimeout(r, 1100));
    ws.setLockfile('two');
    const two = await mainThenPost(job());
    expectOk(two.post);
    const upper = await mainThenPost(job(undefined, { 'key-prefix': 'upper' }));
    expectOk(upper.post);
    expect(upper.main.outputs['matched-key']).toBe('');

    ws.setLockfile('three');
    wipeStore();
    const three = await runMain(job());
    expectOk(three);
    expect(three.outputs['cache-hit']).toBe('false');
    expect(three.outputs['matched-key']).toBe(two.main.outputs.key);
    expect(readFileSync(path.join(ws.store, 'files', '00', 'abc'), 'utf8')).toBe('package file');
  });

  it('reads its own branch, then the default branch, never a sibling branch', async () => {
    expectOk((await mainThenPost(job('refs/heads/feature-a-1'))).post);

    const sibling = await runMain(job('refs/heads/feature-b-2'));
    expectOk(sibling);
    expect(sibling.outputs['matched-key']).toBe('');
    const onDefault = await mainThenPost(job('refs/heads/integration'));
    expect(onDefault.main.outputs['matched-key']).toBe('');
    expectOk(onDefault.post);

    const again = await runMain(job('refs/heads/feature-b-2'));
    expect(again.outputs['cache-hit']).toBe('true');
    expect(await objectKeys()).toEqual([
      expect.stringContaining('/refs~2Fheads~2Ffeature-a-1/'),
      expect.stringContaining('/refs~2Fheads~2Fintegration/'),
    ]);
  });

  describe('poisoning across refs', () => {
    const onMaster = (ref: string, inputs: Record<string, string> = {}) =>
      job(ref, { 'default-branch': 'master', 'key-prefix': 'upper', ...inputs });

    it('never restores on master what a feature branch saved', async () => {
      expectOk((await mainThenPost(onMaster('refs/heads/feature-x-1'))).post);
      const master = await runMain(onMaster('refs/heads/master'));
      expectOk(master);
      expect(master.outputs).toMatchObject({ 'cache-hit': 'false', 'matched-key': '' });
    });

    it('never reads a pull request’s base branch when that is not the default branch', async () => {
      expectOk((await mainThenPost(onMaster('refs/heads/feature-x-1'))).post);
      const pr = onMaster('refs/pull/7/merge');
      const run = await runMain({ ...pr, env: { ...pr.env, GITHUB_BASE_REF: 'feature-x-1' } });
      expectOk(run);
      expect(run.outputs['matched-key']).toBe('');
    });

    it('with protected-only, a tag run never reads its own tag’s entries, only the default branch', async () => {
      // The attack: push RELEASE-5 at your own commit, let its run save, delete the tag; the
      // release pushed later under the same name would read that entry as its own.
      expectOk((await mainThenPost(onMaster('refs/tags/RELEASE-5'))).post);
      const release = await runMain(onMaster('refs/tags/RELEASE-5', { 'protected-only': 'true' }));
      expectOk(release);
      expect(release.outputs['matched-key']).toBe('');

      const master = await mainThenPost(onMaster('refs/heads/master'));
      expectOk(master.post);
      const again = await runMain(onMaster('refs/tags/RELEASE-5', { 'protected-only': 'true' }));
      expect(again.outputs['cache-hit']).toBe('true');
    });

    it('refuses a hostile archive under the exact key: a miss with a warning naming the entry', async () => {
      const outside = path.join(ws.dir, '..', 'outside');
      mkdirSync(outside);
      const first = await runMain(onMaster('refs/heads/master'));
      const archive = path.join(ws.dir, '..', 'hostile');
      writeCraftedArchive(
        archive,
        [
          { path: 'link', type: '2', linkTarget: outside },
          { path: 'link/pwned', type: '0', content: 'x' },
        ],
        'zstd',
      );
      const key = `cache-dependencies/example/pipelines/refs~2Fheads~2Fmaster/${first.outputs.key}`;
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(archive) }),
      );

      const run = await runMain(onMaster('refs/heads/master'));
      expectOk(run);
      expect(run.outputs['matched-key']).toBe('');
      expect(run.warnings.join('\n')).toMatch(/"link".*outside the directory.*Treated as a miss/s);
      expect(listDir(outside)).toEqual([]);
    });
  });

  it('lets one of two concurrent saves of a key win; both jobs pass', async () => {
    // 20 MB of incompressible data: a multipart upload, so both jobs are uploading at once.
    const noise = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(path.join(ws.store, 'files', '00', 'big'), noise);
    const main = await runMain(job());
    const proxy = await serializingProxy(moto.endpoint);
    try {
      const post = () =>
        runAction({
          ...job(),
          action: ACTION,
          phase: 'post',
          state: main.state,
          env: { ...job().env, AWS_ENDPOINT_URL: proxy.endpoint },
        });
      const [a, b] = await Promise.all([post(), post()]);
      expectOk(a);
      expectOk(b);
      const notes = [a.summary, b.summary];
      expect(notes.filter((s) => s.includes('| result | `saved')).length).toBe(1);
      expect(notes.filter((s) => s.includes('another job saved this key first')).length).toBe(1);
    } finally {
      await proxy.stop();
    }
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(versions.Versions?.length).toBe(1);
    const restored = await runMain(job(undefined, { path: path.join(ws.dir, '..', 'restored') }));
    expect(restored.outputs['cache-hit']).toBe('true');
    expect(listDir(path.join(ws.dir, '..', 'restored'))).toContain(path.join('files', '00', 'big'));
  });

  it.each([
    ['not an archive', () => Buffer.from('this is not a tar archive')],
    ['truncated', (good: Buffer) => good.subarray(0, Math.floor(good.length / 2))],
  ])(
    'treats a %s entry as a miss with a warning and leaves the path alone',
    async (_what, damage) => {
      const noise = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < noise.length; i += 4) noise.writeUInt32LE((i * 2654435761) >>> 0, i);
      writeFileSync(path.join(ws.store, 'files', '00', 'big'), noise);
      const saved = await mainThenPost(job());
      expectOk(saved.post);
      const [objectKey] = await objectKeys();
      const good = await s3
        .send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }))
        .then(async (r) => Buffer.from(await r.Body!.transformToByteArray()));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: damage(good) }));

      const target = path.join(ws.dir, '..', 'other-store');
      mkdirSync(target);
      writeFileSync(path.join(target, 'kept'), 'x');
      const run = await runMain(job(undefined, { path: target }));
      expectOk(run);
      expect(run.outputs['cache-hit']).toBe('false');
      expect(run.outputs['matched-key']).toBe('');
      expect(run.warnings.join('\n')).toMatch(/unusable.*Treated as a miss/s);
      expect(listDir(target)).toEqual(['kept']);
      expect(listDir(path.dirname(target)).filter((f) => f.includes('restore-'))).toEqual([]);
    },
  );

  it('with lookup-only, reports the entry without downloading it', async () => {
    expectOk((await mainThenPost(job())).post);
    const target = path.join(ws.dir, '..', 'never-created');
    const run = await runMain(job(undefined, { 'lookup-only': 'true', path: target }));
    expectOk(run);
    expect(run.outputs['cache-hit']).toBe('true');
    expect(listDir(target)).toEqual([]);
  });

  it('fails, not misses, when the bucket does not exist', async () => {
    const run = await runMain(job(undefined, { 's3-bucket': 'no-such-bucket-here' }));
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(
      /Could not list s3:\/\/no-such-bucket-here\/.*NoSuchBucket/,
    );
  });

  it('rejects the s3 backend without a bucket, naming the input', async () => {
    const run = await runMain(job(undefined, { 's3-bucket': '' }));
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Input "s3-bucket" is required when backend is s3. Set s3-bucket to the name of your cache bucket.',
    ]);
    expect(await objectKeys()).toEqual([]);
  });
});
