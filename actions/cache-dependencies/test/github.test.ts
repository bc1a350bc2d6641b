// The github backend, end to end: the committed dist bundle run the way the runner runs it, with
// @actions/cache 5.1.0 (inside the bundle) talking to a local stand-in of GitHub's cache service.
// GitHub's own service cannot be reached here (it exists only inside Actions runs), so the
// stand-in (fakeCacheService.ts) speaks the same protocol at the HTTP level: Twirp JSON for the
// cache entries, Azure Blob PUT/GET for the archive. Nothing inside the action is mocked.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compressedTar } from './craftTar';
import { startFakeCacheService, type FakeCacheService } from './fakeCacheService';
import { runAction } from '@pipelines/testkit';
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

let service: FakeCacheService;
let ws: Workspace;

beforeEach(async () => {
  service = await startFakeCacheService();
  ws = workspace();
});
afterEach(async () => {
  ws.cleanup();
  await service.stop();
});

function job(inputs: Record<string, string> = {}) {
  return {
    cwd: ws.dir,
    inputs: { backend: 'github', path: ws.store, 'key-prefix': 'lower', ...inputs },
    env: { ...service.env(), PATH },
  };
}

const storeFile = () => readFileSync(path.join(ws.store, 'files', '00', 'abc'), 'utf8');
const setStoreFile = (content: string) =>
  writeFileSync(path.join(ws.store, 'files', '00', 'abc'), content);

const twirpCalls = (method: string) =>
  service.requests.filter(
    (r) => r.path === `/twirp/github.actions.results.api.v1.CacheService/${method}`,
  );

/** Our archive, out of a toolkit blob (the service's tar + zstd wrapper around it). */
function archiveInside(blob: Buffer): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cache-deps-blob-'));
  try {
    writeFileSync(path.join(dir, 'blob'), blob);
    execFileSync('tar', ['--zstd', '-xf', path.join(dir, 'blob'), '-C', dir]);
    return readFileSync(path.join(dir, 'cache-dependencies.archive'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Unpacks a toolkit blob, truncates the archive inside to half, and packs it again. */
function truncatedInside(blob: Buffer): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cache-deps-blob-'));
  try {
    writeFileSync(path.join(dir, 'blob'), blob);
    mkdirSync(path.join(dir, 'x'));
    execFileSync('tar', ['--zstd', '-xf', path.join(dir, 'blob'), '-C', path.join(dir, 'x')]);
    const inner = path.join(dir, 'x', 'cache-dependencies.archive');
    truncateSync(inner, Math.floor(statSync(inner).size / 2));
    execFileSync('tar', ['--zstd', '-cf', path.join(dir, 'bad'), '-C', path.join(dir, 'x'), '.']);
    return readFileSync(path.join(dir, 'bad'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the github backend (against a stand-in of the cache service)', () => {
  it('with protected-only on a tag, neither restores nor saves: the tag’s own scope is not trusted', async () => {
    // GitHub serves a run's own ref first; a tag's scope is written by whoever pushed that name.
    const ref = { GITHUB_REF: 'refs/tags/RELEASE-5' };
    const planted = await mainThenPost({ ...job(), env: { ...job().env, ...ref } });
    expectOk(planted.post);
    const before = service.requests.length;

    const release = { ...job({ 'protected-only': 'true' }), env: { ...job().env, ...ref } };
    const { main, post } = await mainThenPost(release);
    expectOk(main);
    expectOk(post);
    expect(main.outputs).toMatchObject({ 'cache-hit': 'false', 'matched-key': '' });
    expect(main.summary).toContain('protected-only');
    expect(post.stdout).toContain('Not saving: protected-only is set');
    expect(service.requests.length).toBe(before);
  });

  it('misses, saves in the post step, and then restores the same files on the exact key', async () => {
    const first = await mainThenPost(job());
    expectOk(first.main);
    expectOk(first.post);
    expect(first.main.outputs).toMatchObject({ 'cache-hit': 'false', 'matched-key': '' });
    const key = first.main.outputs.key ?? '';
    expect(key).toMatch(/^lower-pnpm-linux-x64-node\d+-[0-9a-f]{64}$/);
    expect(first.post.summary).toContain('| result | `saved');
    expect(service.keys()).toEqual([key]);
    // What the Azure SDK sent: one single-shot block blob upload.
    const puts = service.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.headers['x-ms-blob-type']).toBe('BlockBlob');
    expect(twirpCalls('FinalizeCacheEntryUpload')[0]?.body).toMatchObject({
      key,
      size_bytes: String(service.blob(key)?.length),
    });

    setStoreFile('changed after save');
    writeFileSync(path.join(ws.store, 'stray'), 'not in the entry');
    const second = await mainThenPost(job());
    expectOk(second.main);
    expect(second.main.outputs).toMatchObject({ 'cache-hit': 'true', key, 'matched-key': key });
    expect(storeFile()).toBe('package file');
    expect(listDir(ws.store)).toEqual(['files', 'files/00', 'files/00/abc']);
    expectOk(second.post);
    expect(second.post.stdout).toContain(`Not saving: the cache already has ${key}`);
    expect(service.keys()).toEqual([key]);
  });

  it('falls back to the newest entry with the same prefix and reports its key', async () => {
    const saved: string[] = [];
    for (const version of ['one', 'two']) {
      ws.setLockfile(version);
      const main = await runMain(job());
      expectOk(main);
      // What the job's install leaves in the store, after main restored a fallback (or nothing).
      setStoreFile(`store of ${version}`);
      const post = await runAction({ ...job(), action: ACTION, phase: 'post', state: main.state });
      expectOk(post);
      saved.push(main.outputs.key ?? '');
    }
    expect(service.keys()).toEqual(saved);
    const upper = await runMain(job({ 'key-prefix': 'upper' }));
    expectOk(upper);
    expect(upper.outputs['matched-key']).toBe('');

    ws.setLockfile('three');
    setStoreFile('local');
    const three = await runMain(job());
    expectOk(three);
    expect(three.outputs).toMatchObject({ 'cache-hit': 'false', 'matched-key': saved[1] });
    expect(storeFile()).toBe('store of two');
    const request = twirpCalls('GetCacheEntryDownloadURL').at(-1)?.body;
    expect(request).toMatchObject({
      key: three.outputs.key,
      restore_keys: [(saved[1] ?? '').replace(/[0-9a-f]{64}$/, '')],
    });
  });

  it('treats a corrupt stored entry as a miss with a warning and leaves the path untouched', async () => {
    const first = await mainThenPost(job());
    expectOk(first.post);
    const key = first.main.outputs.key ?? '';
    service.setBlob(key, Buffer.from('this is not a zstd or gzip tar archive'.repeat(100)));

    setStoreFile('local');
    const run = await runMain(job());
    expectOk(run);
    expect(run.outputs).toMatchObject({ 'cache-hit': 'false', 'matched-key': '' });
    expect(run.warnings.join('\n')).toMatch(/is unusable: .*neither zstd nor gzip/);
    expect(storeFile()).toBe('local');
  });

  it('treats an entry whose archive is truncated as a miss, and never overwrites that entry', async () => {
    const first = await mainThenPost(job());
    expectOk(first.post);
    const key = first.main.outputs.key ?? '';
    // A well-formed toolkit blob (tar + zstd) around our own archive, cut in half.
    const bad = truncatedInside(service.blob(key) ?? Buffer.alloc(0));
    service.setBlob(key, bad);

    setStoreFile('local');
    const second = await mainThenPost(job());
    expectOk(second.main);
    expect(second.main.outputs).toMatchObject({ 'cache-hit': 'false', 'matched-key': '' });
    expect(second.main.warnings.join('\n')).toContain(`The cache entry ${key} is unusable`);
    expect(storeFile()).toBe('local');
    // The post step tries to save the key again; the service keeps the first entry.
    expectOk(second.post);
    expect(second.post.summary).toContain('not saved');
    expect(twirpCalls('CreateCacheEntry')).toHaveLength(2);
    expect(service.blob(key)?.equals(bad)).toBe(true);
  });

  it('refuses a wrapper that holds more than our archive: nothing is written outside', async () => {
    // @actions/cache would extract this wrapper itself with tar -P (absolute names allowed).
    const first = await mainThenPost(job());
    expectOk(first.post);
    const key = first.main.outputs.key ?? '';
    const outside = path.join(ws.dir, '..', 'outside');
    mkdirSync(outside);
    const archive = archiveInside(service.blob(key) ?? Buffer.alloc(0));
    service.setBlob(
      key,
      compressedTar(
        [
          { path: 'cache-dependencies.archive', type: '0', content: archive },
          { path: path.join(outside, 'pwned'), type: '0', content: 'x' },
        ],
        'zstd',
      ),
    );

    setStoreFile('local');
    const run = await runMain(job());
    expectOk(run);
    expect(run.outputs).toMatchObject({ 'cache-hit': 'false', 'matched-key': '' });
    expect(run.warnings.join('\n')).toMatch(/should hold only the file cache-dependencies.archive/);
    expect(listDir(outside)).toEqual([]);
    expect(storeFile()).toBe('local');
  });

  it('with lookup-only, reports the hit and downloads nothing', async () => {
    const first = await mainThenPost(job());
    expectOk(first.post);
    const key = first.main.outputs.key ?? '';
    setStoreFile('local');
    const before = service.requests.length;

    const lookup = await runMain(job({ 'lookup-only': 'true' }));
    expectOk(lookup);
    expect(lookup.outputs).toMatchObject({ 'cache-hit': 'true', 'matched-key': key });
    const after = service.requests.slice(before);
    expect(after.map((r) => r.path)).toEqual([
      '/twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL',
    ]);
    expect(storeFile()).toBe('local');
  });

  it('restores into a path that does not exist yet', async () => {
    const first = await mainThenPost(job());
    expectOk(first.post);
    const fresh = path.join(path.dirname(ws.store), 'fresh', 'store');
    mkdirSync(path.dirname(fresh));
    const run = await runMain(job({ path: fresh }));
    expectOk(run);
    expect(run.outputs['cache-hit']).toBe('true');
    expect(readFileSync(path.join(fresh, 'files', '00', 'abc'), 'utf8')).toBe('package file');
  });
});
