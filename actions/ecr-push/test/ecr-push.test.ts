/**
 * The committed bundle, run as the runner runs it, against moto (ECR API) and a real OCI
 * registry (Debian's docker-registry) that answers as Amazon ECR does (the testkit's ECR twin:
 * 201 chunk answers with a stuck Range, 5 MiB parts, immutable tags, NAME_UNKNOWN), behind a
 * counting proxy; read back with skopeo. A few cases use the plain registry, where the test is
 * about the distribution spec itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  runAction,
  startMoto,
  startRegistry,
  type ActionRun,
  type EcrProxyOptions,
  type Moto,
  type Registry,
  type TagMutability,
} from '@pipelines/testkit';
import { startCountingProxy, type CountingProxy } from './countingProxy';
import {
  blobFile,
  buildImage,
  buildIndex,
  imageBlobs,
  sha256,
  tarDirectory,
  umociImage,
  writeDockerArchive,
  writeLayout,
} from './images';

const MB = 1024 * 1024;
const TOKEN = 'QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu'; // what moto's GetAuthorizationToken returns

let moto: Moto;
let registry: Registry;
let proxy: CountingProxy;
let work: string;
/**
 * Where skopeo reads back: the registry behind the twin. skopeo runs synchronously, and the twin
 * answers from this process, so skopeo must not go through it.
 */
let readBack: string;

/** Set by a test to act just before the ECR twin forwards a request (a concurrent push). */
let beforeForward: EcrProxyOptions['beforeForward'];

/** The twin knows the repositories the ECR API (moto) has, with their tag mutability. */
async function repositoryInEcrApi(name: string): Promise<TagMutability | undefined> {
  try {
    const described = await ecr().send(
      new DescribeRepositoriesCommand({ repositoryNames: [name] }),
    );
    return described.repositories?.[0]?.imageTagMutability as TagMutability | undefined;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  moto = await startMoto();
  registry = await startRegistry({
    ecr: {
      repositories: repositoryInEcrApi,
      // The pipeline's accounts enable ECR's cross-repository mounting (an account setting).
      blobMounting: true,
      beforeForward: (request) => beforeForward?.(request) ?? Promise.resolve(),
    },
  });
  readBack = registry.upstream!.host;
  proxy = await startCountingProxy(registry.endpoint);
  work = mkdtempSync(path.join(os.tmpdir(), 'ecr-push-test-'));
}, 60_000);
afterAll(async () => {
  await Promise.all([moto?.stop(), registry?.stop(), proxy?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  proxy.reset();
  beforeForward = undefined;
});

function dir(name: string): string {
  return mkdtempSync(path.join(work, `${name}-`));
}

function push(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction({
    action: 'actions/ecr-push',
    inputs: { registry: proxy.host, 'create-repository': 'true', ...inputs },
    env: { ...moto.awsEnv(), ...env },
    timeoutMs: 180_000,
  });
}

/** A small image already in the registry before the case: built, pushed, proxy counts reset. */
async function pushedBefore(name: string, repository: string, tags: string) {
  const image = buildImage(name, [2048]);
  const run = await push({
    image: writeLayout(dir(name), image.manifest, imageBlobs(image)),
    repository,
    tags,
  });
  expect(run.exitCode).toBe(0);
  proxy.reset();
  return image;
}

function skopeo(...args: string[]): string {
  return execFileSync('skopeo', ['--insecure-policy', ...args], { encoding: 'utf8' });
}

function inspectDigest(host: string, reference: string): string {
  const info = JSON.parse(
    skopeo('inspect', '--tls-verify=false', `docker://${host}/${reference}`),
  ) as { Digest: string };
  return info.Digest;
}

async function catalog(): Promise<unknown> {
  return (await fetch(`${registry.endpoint}/v2/_catalog`)).json();
}

function uploads(): { started: number; patches: number; puts: number; mounts: number } {
  const writes = proxy.writes();
  return {
    started: writes.filter((s) => s.method === 'POST' && !s.query.includes('mount=')).length,
    patches: writes.filter((s) => s.method === 'PATCH').length,
    puts: writes.filter((s) => s.method === 'PUT' && s.path.includes('/blobs/uploads/')).length,
    mounts: writes.filter((s) => s.method === 'POST' && s.query.includes('mount=')).length,
  };
}

function ecr(): ECRClient {
  const env = moto.awsEnv();
  return new ECRClient({
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
    },
  });
}

// Three layers, one of them tens of MB (sent in 8 MiB chunks), plus the config.
const big = buildImage('big', [24 * MB + 123, 300 * 1024, 4096]);

describe('pushing a local image', () => {
  it('pushes an OCI layout with a large layer in chunks; skopeo reads back the same digest and copies it out', async () => {
    const layout = writeLayout(dir('layout'), big.manifest, imageBlobs(big));
    const run = await push({
      image: layout,
      repository: 'katana/web',
      tags: 'v1\nrelease-1',
      'chunk-size-mb': '8',
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.digest).toBe(big.manifest.digest);
    expect(run.outputs['image-uri']).toBe(`${proxy.host}/katana/web@${big.manifest.digest}`);
    expect(run.outputs.registry).toBe(proxy.host);
    // 4 blobs; the 24 MiB layer goes as ceil(24.0001/8) = 4 PATCHes, the small ones in one PUT each.
    expect(uploads()).toEqual({ started: 4, patches: 4, puts: 4, mounts: 0 });
    expect(run.summary).toContain('4 uploaded, 0 mounted, 0 already present');

    expect(inspectDigest(readBack, `katana/web@${big.manifest.digest}`)).toBe(big.manifest.digest);
    expect(inspectDigest(readBack, 'katana/web:v1')).toBe(big.manifest.digest);
    expect(inspectDigest(readBack, 'katana/web:release-1')).toBe(big.manifest.digest);
    const out = dir('copy');
    skopeo(
      'copy',
      '--src-tls-verify=false',
      `docker://${readBack}/katana/web@${big.manifest.digest}`,
      `dir:${out}`,
    );
    expect(readFileSync(path.join(out, 'manifest.json'))).toEqual(big.manifest.bytes);
    expect(sha256(readFileSync(path.join(out, big.layers[0]!.digest.slice(7))))).toBe(
      big.layers[0]!.digest,
    );

    // The repository was created in the ECR API the way create-repository promises.
    const described = await ecr().send(
      new DescribeRepositoriesCommand({ repositoryNames: ['katana/web'] }),
    );
    expect(described.repositories?.[0]).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
  }, 180_000);

  it('uploads no blob on a second push of the same image, and keeps its tags', async () => {
    const layout = writeLayout(dir('layout'), big.manifest, imageBlobs(big));
    const run = await push({
      image: layout,
      repository: 'katana/web',
      tags: 'v1',
      'chunk-size-mb': '8',
    });

    expect(run.exitCode).toBe(0);
    expect(run.outputs.digest).toBe(big.manifest.digest);
    expect(uploads()).toEqual({ started: 0, patches: 0, puts: 0, mounts: 0 });
    expect(run.summary).toContain('0 uploaded, 0 mounted, 4 already present');
    expect(run.summary).toContain('v1 (kept)');
    expect(run.summary).toContain('1 (1 already present, not put)');
  }, 180_000);

  it('re-pushes an unchanged image with two reads, the root manifest by digest and the tag, reading no layer file', async () => {
    const image = buildImage('repush', [8192, 2048]);
    const layout = writeLayout(dir('repush'), image.manifest, imageBlobs(image));
    const first = await push({ image: layout, repository: 'katana/repush', tags: 'v1' });
    expect(first.exitCode).toBe(0);
    const firstRequests = proxy.seen.map((s) => `${s.method} ${s.path}`);
    proxy.reset();
    // Proof that the re-push never reads the layers: one no longer matches its digest. The
    // registry holds that digest's bytes, and nothing is uploaded, so the push is still exact.
    const layer = blobFile(layout, image.layers[0]!.digest);
    const bytes = readFileSync(layer);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    writeFileSync(layer, bytes);

    const again = await push({ image: layout, repository: 'katana/repush', tags: 'v1' });
    expect(again.errors).toEqual([]);
    expect(again.exitCode).toBe(0);
    const requests = proxy.seen.map((s) => `${s.method} ${s.path}`);
    // Counted for the report: the first push and the re-push of the same image.
    console.log(
      `registry requests: first push ${firstRequests.length}, re-push ${requests.length}`,
    );
    const manifest = `/v2/katana/repush/manifests/${image.manifest.digest}`;
    // The registry serves the root manifest, so the blobs it references are there: no blob HEAD.
    // Nothing is put, so nothing needs reading back. The two HEADs go out together.
    expect(requests.sort()).toEqual([`HEAD ${manifest}`, 'HEAD /v2/katana/repush/manifests/v1']);
    expect(firstRequests).toContain(`PUT ${manifest}`);
    expect(again.summary).toContain('0 uploaded, 0 mounted, 3 already present');
    expect(again.summary).toContain('1 (1 already present, not put)');
    expect(again.summary).toContain('Nothing was put');
    expect(inspectDigest(readBack, 'katana/repush:v1')).toBe(image.manifest.digest);
  }, 60_000);

  it('re-pushes an unchanged image with a new tag by putting only that tag', async () => {
    const image = buildImage('retag', [2048]);
    const layout = writeLayout(dir('retag'), image.manifest, imageBlobs(image));
    expect((await push({ image: layout, repository: 'katana/retag', tags: 'v1' })).exitCode).toBe(
      0,
    );
    proxy.reset();

    const run = await push({ image: layout, repository: 'katana/retag', tags: 'v1\nv2' });
    expect(run.errors).toEqual([]);
    expect(proxy.writes().map((s) => `${s.method} ${s.path}`)).toEqual([
      'PUT /v2/katana/retag/manifests/v2',
    ]);
    expect(run.summary).toContain('v2, v1 (kept)');
    expect(inspectDigest(readBack, 'katana/retag:v2')).toBe(image.manifest.digest);
  }, 60_000);

  it('masks the ECR token and sends it only in the Authorization header', async () => {
    const small = buildImage('mask', [2048]);
    const run = await push({
      image: writeLayout(dir('layout'), small.manifest, imageBlobs(small)),
      repository: 'katana/mask',
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    const leaks = run.stdout
      .split('\n')
      .filter((l) => l.includes(TOKEN) && !l.startsWith('::add-mask::'));
    expect(leaks).toEqual([]);
    expect(proxy.seen.every((s) => s.authorization === `Basic ${TOKEN}`)).toBe(true);
    expect(proxy.seen.some((s) => s.query.includes(TOKEN))).toBe(false);
  }, 60_000);

  it('pushes an OCI archive tar to the same digest as its layout', async () => {
    const image = buildImage('archive', [1 * MB, 2048]);
    const layout = writeLayout(dir('layout'), image.manifest, imageBlobs(image));
    const file = tarDirectory(layout, path.join(dir('tar'), 'image.tar'));
    const run = await push({ image: file, repository: 'katana/archive', tags: 'v1' });

    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(image.manifest.digest);
    expect(inspectDigest(readBack, 'katana/archive:v1')).toBe(image.manifest.digest);
  }, 60_000);

  it('pushes a docker-archive tar as an OCI manifest over the same layer bytes', async () => {
    const image = buildImage('docker', [3 * MB, 1024]);
    const file = writeDockerArchive(dir('docker'), image, path.join(dir('tar'), 'docker.tar'));
    const run = await push({ image: file, repository: 'katana/docker', tags: 'v1' });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const raw = JSON.parse(
      skopeo('inspect', '--raw', '--tls-verify=false', `docker://${readBack}/katana/docker:v1`),
    ) as { config: { digest: string }; layers: Array<{ digest: string }> };
    expect(raw.config.digest).toBe(image.config.digest);
    expect(raw.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
    expect(inspectDigest(readBack, `katana/docker@${run.outputs.digest}`)).toBe(run.outputs.digest);
  }, 60_000);

  it('pushes an image built by umoci and skopeo copies it out', async () => {
    const layout = umociImage(dir('umoci'));
    const expected = (
      JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8')) as {
        manifests: Array<{ digest: string }>;
      }
    ).manifests[0]!.digest;
    const run = await push({ image: layout, repository: 'katana/umoci', tags: 'v1' });

    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(expected);
    skopeo(
      'copy',
      '--src-tls-verify=false',
      `docker://${readBack}/katana/umoci:v1`,
      `oci:${dir('umoci-copy')}:v1`,
    );
  }, 60_000);

  it('pushes a multi-platform index with its children by digest', async () => {
    const amd = buildImage('multi-amd', [4096], 'amd64');
    const arm = buildImage('multi-arm', [4096], 'arm64');
    const index = buildIndex([amd, arm], ['amd64', 'arm64']);
    const layout = writeLayout(dir('index'), index, [
      amd.manifest,
      arm.manifest,
      ...imageBlobs(amd),
      ...imageBlobs(arm),
    ]);
    const run = await push({ image: layout, repository: 'katana/multi', tags: 'v1' });

    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(index.digest);
    expect(inspectDigest(readBack, `katana/multi@${arm.manifest.digest}`)).toBe(
      arm.manifest.digest,
    );
    const raw = skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${readBack}/katana/multi:v1`,
    );
    expect(sha256(Buffer.from(raw))).toBe(index.digest);
  }, 60_000);
});

/** Puts a manifest under a tag straight into the registry behind the twin: another job's push. */
async function concurrentTag(
  repository: string,
  tag: string,
  manifest: { mediaType: string; bytes: Buffer },
) {
  const answer = await fetch(`${registry.upstream!.endpoint}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: manifest.bytes,
  });
  expect(answer.status).toBe(201);
}

/** Runs `act` once, just before the twin forwards the PUT of `tag`. */
function beforeTagPut(tag: string, act: () => Promise<void>) {
  beforeForward = async ({ method, route }) => {
    if (method === 'PUT' && route.kind === 'manifest' && route.reference === tag) {
      beforeForward = undefined;
      await act();
    }
  };
}

describe('where ECR departs from the spec', () => {
  it("raises chunk-size-mb under 5 to ECR's 5 MiB minimum part, and says so", async () => {
    const image = buildImage('min-part', [12 * MB + 5, 1024]);
    const run = await push({
      image: writeLayout(dir('min-part'), image.manifest, imageBlobs(image)),
      repository: 'katana/min-part',
      tags: 'v1',
      'chunk-size-mb': '1',
    });

    expect(run.errors).toEqual([]);
    expect(run.stdout).toContain('chunk-size-mb 1 raised to 5');
    // Three blobs; the 12 MiB layer in parts of 5, 5 and 2 MiB (each answered 201 with a Range
    // stuck at the first part), the layer of 1 KiB and the config in one PUT each.
    expect(uploads()).toEqual({ started: 3, patches: 3, puts: 3, mounts: 0 });
    expect(inspectDigest(readBack, 'katana/min-part:v1')).toBe(image.manifest.digest);
  }, 60_000);

  it('keeps a tag that another push of the same image put first (ECR refuses the PUT as TAG_INVALID)', async () => {
    const image = buildImage('race-same', [2048]);
    beforeTagPut('stable', () => concurrentTag('katana/race-same', 'stable', image.manifest));
    const run = await push({
      image: writeLayout(dir('race-same'), image.manifest, imageBlobs(image)),
      repository: 'katana/race-same',
      tags: 'stable',
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('tag stable was put to');
    expect(run.summary).toContain('stable (kept)');
    expect(inspectDigest(readBack, 'katana/race-same:stable')).toBe(image.manifest.digest);
  }, 60_000);

  it('fails naming both digests and the tags input when another image took the tag meanwhile', async () => {
    const theirs = buildImage('race-theirs', [2048]);
    const ours = buildImage('race-ours', [2048]);
    const first = await push({
      image: writeLayout(dir('race-theirs'), theirs.manifest, imageBlobs(theirs)),
      repository: 'katana/race-other',
      tags: 'theirs',
    });
    expect(first.exitCode).toBe(0);
    beforeTagPut('stable', () => concurrentTag('katana/race-other', 'stable', theirs.manifest));

    const run = await push({
      image: writeLayout(dir('race-ours'), ours.manifest, imageBlobs(ours)),
      repository: 'katana/race-other',
      tags: 'stable',
    });
    expect(run.exitCode).toBe(1);
    const message = run.errors.join('\n');
    expect(message).toContain(
      `already points at ${theirs.manifest.digest}, not at ${ours.manifest.digest}`,
    );
    expect(message).toContain('tags input');
    expect(inspectDigest(readBack, 'katana/race-other:stable')).toBe(theirs.manifest.digest);
  }, 60_000);

  it('names the registry input when the registry has no repository the ECR API has (NAME_UNKNOWN)', async () => {
    // Another account's or region's registry: it knows none of the repositories moto has.
    const elsewhere = await startRegistry({ ecr: { repositories: {} } });
    try {
      const image = buildImage('name-unknown', [2048]);
      const run = await push({
        image: writeLayout(dir('name-unknown'), image.manifest, imageBlobs(image)),
        repository: 'katana/name-unknown',
        tags: 'v1',
        registry: elsewhere.host,
      });
      expect(run.exitCode).toBe(1);
      const message = run.errors.join('\n');
      expect(message).toContain(`Input "registry" names ${elsewhere.host}`);
      expect(message).toContain(
        "The repository with name 'katana/name-unknown' does not exist in the registry with id '123456789012'",
      );
      expect(message).toContain('Leave registry empty');
    } finally {
      await elsewhere.stop();
    }
  }, 60_000);

  it('refuses an upload Location on another origin and sends it nothing, not even the token', async () => {
    const seen: string[] = [];
    const other = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(202, { location: req.url ?? '/' });
      res.end();
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    proxy.foreignLocation = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const image = buildImage('foreign', [2048]);
      const run = await push({
        image: writeLayout(dir('foreign'), image.manifest, imageBlobs(image)),
        repository: 'katana/foreign',
        tags: 'v1',
      });
      expect(run.exitCode).toBe(1);
      expect(run.errors.join('\n')).toContain(
        `the registry pointed at another origin (${proxy.foreignLocation})`,
      );
      expect(seen).toEqual([]);
    } finally {
      proxy.foreignLocation = undefined;
      await new Promise<void>((r) => other.close(() => r()));
    }
  }, 60_000);
});

describe('refusing bad input before anything is pushed', () => {
  const good = buildImage('bad-input', [64 * 1024, 1024]);

  async function expectNothingChanged(
    inputs: Record<string, string>,
    inputName: string,
    problem: RegExp,
  ) {
    const before = await catalog();
    const run = await push({ repository: 'katana/refused', tags: 'v1', ...inputs });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(`Input "${inputName}"`);
    expect(run.errors.join('\n')).toMatch(problem);
    expect(proxy.writes()).toEqual([]);
    expect(await catalog()).toEqual(before);
    await expect(
      ecr().send(new DescribeRepositoriesCommand({ repositoryNames: ['katana/refused'] })),
    ).rejects.toMatchObject({ name: 'RepositoryNotFoundException' });
  }

  it('refuses a layout with a corrupt blob (bytes that do not hash to its name)', async () => {
    const layout = writeLayout(dir('corrupt'), good.manifest, imageBlobs(good));
    const file = blobFile(layout, good.layers[0]!.digest);
    const bytes = readFileSync(file);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    await expectNothingChanged(
      { image: layout },
      'image',
      new RegExp(`blob ${good.layers[0]!.digest} is corrupt`),
    );
  });

  it('refuses a repository name ECR cannot have (two separators in a row)', async () => {
    const layout = writeLayout(dir('bad-name'), good.manifest, imageBlobs(good));
    await expectNothingChanged(
      { image: layout, repository: 'katana__refused' },
      'repository',
      /expected an ECR repository name/,
    );
  });

  it('refuses a layout whose manifest is missing', async () => {
    const layout = writeLayout(dir('missing'), good.manifest, imageBlobs(good));
    rmSync(blobFile(layout, good.manifest.digest));
    await expectNothingChanged(
      { image: layout },
      'image',
      /manifest sha256:[a-f0-9]{64} is missing/,
    );
  });

  it('refuses a layer with an unknown media type', async () => {
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: good.config.mediaType,
          digest: good.config.digest,
          size: good.config.size,
        },
        layers: [
          {
            mediaType: 'application/x-mystery',
            digest: good.layers[0]!.digest,
            size: good.layers[0]!.size,
          },
        ],
      }),
    );
    const root = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha256(manifest),
      size: manifest.length,
      bytes: manifest,
    };
    const layout = writeLayout(dir('mystery'), root, imageBlobs(good));
    await expectNothingChanged(
      { image: layout },
      'image',
      /unknown layer media type "application\/x-mystery"/,
    );
  });

  it('refuses a file that is not an image', async () => {
    const file = path.join(dir('junk'), 'image.tar');
    writeFileSync(file, 'this is not a tar archive at all'.repeat(40));
    await expectNothingChanged({ image: file }, 'image', /not a readable tar archive/);
  });

  it('refuses a docker-archive whose layer does not match the config', async () => {
    const archiveDir = dir('docker-corrupt');
    const file = writeDockerArchive(archiveDir, good, path.join(dir('tar'), 'docker.tar'));
    // Rebuild the archive with the second layer swapped for other bytes of the same size.
    const other = buildImage('other', [1024]);
    const manifest = JSON.parse(
      readFileSync(path.join(archiveDir, 'manifest.json'), 'utf8'),
    ) as Array<{ Layers: string[] }>;
    writeFileSync(path.join(archiveDir, manifest[0]!.Layers[1]!), other.layers[0]!.bytes);
    rmSync(file);
    tarDirectory(archiveDir, file);
    await expectNothingChanged({ image: file }, 'image', /layer .* is corrupt/);
  });

  it('refuses setting both image and source-image', async () => {
    const layout = writeLayout(dir('both'), good.manifest, imageBlobs(good));
    await expectNothingChanged(
      { image: layout, 'source-image': `${registry.host}/katana/web@${big.manifest.digest}` },
      'source-image',
      /Set exactly one/,
    );
  });

  it('refuses a tag that already points at another digest, naming both digests, before uploading', async () => {
    const first = await pushedBefore('tag-first', 'katana/tags', 'stable');
    const second = buildImage('tag-second', [2048]);

    const run = await push({
      image: writeLayout(dir('t2'), second.manifest, imageBlobs(second)),
      repository: 'katana/tags',
      tags: 'stable',
    });
    expect(run.exitCode).toBe(1);
    const message = run.errors.join('\n');
    expect(message).toContain(first.manifest.digest);
    expect(message).toContain(second.manifest.digest);
    expect(proxy.writes()).toEqual([]);
    expect(inspectDigest(readBack, 'katana/tags:stable')).toBe(first.manifest.digest);
  }, 60_000);

  it('refuses to re-push an image the registry has when a tag points at another digest, naming both', async () => {
    const first = buildImage('retag-first', [2048]);
    const second = buildImage('retag-second', [2048]);
    const firstLayout = writeLayout(dir('rt1'), first.manifest, imageBlobs(first));
    const pushed = await push({ image: firstLayout, repository: 'katana/retags', tags: 'a' });
    expect(pushed.exitCode).toBe(0);
    const other = await push({
      image: writeLayout(dir('rt2'), second.manifest, imageBlobs(second)),
      repository: 'katana/retags',
      tags: 'b',
    });
    expect(other.exitCode).toBe(0);
    proxy.reset();

    const run = await push({ image: firstLayout, repository: 'katana/retags', tags: 'a\nb' });
    expect(run.exitCode).toBe(1);
    const message = run.errors.join('\n');
    expect(message).toContain(first.manifest.digest);
    expect(message).toContain(second.manifest.digest);
    expect(proxy.writes()).toEqual([]);
    expect(inspectDigest(readBack, 'katana/retags:b')).toBe(second.manifest.digest);
  }, 60_000);

  it('fails on a missing repository without create-repository, naming it and the account', async () => {
    const layout = writeLayout(dir('norepo'), good.manifest, imageBlobs(good));
    const run = await push({
      image: layout,
      repository: 'katana/absent',
      'create-repository': 'false',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(
      'ECR repository katana/absent does not exist in account 123456789012',
    );
    expect(proxy.writes()).toEqual([]);
  });
});

describe('promoting by digest', () => {
  const image = buildImage('promote', [6 * MB, 2048]);
  let source: string;

  beforeAll(async () => {
    const run = await push({
      image: writeLayout(dir('promote'), image.manifest, imageBlobs(image)),
      repository: 'lower/web',
      tags: 'staging',
    });
    expect(run.exitCode).toBe(0);
    source = `${registry.host}/lower/web@${image.manifest.digest}`;
  }, 60_000);

  it('mounts the blobs within one registry instead of uploading them', async () => {
    // The source names the real registry; the target is the same registry through the proxy,
    // so give the target as that host too: promote within one registry.
    const run = await runAction({
      action: 'actions/ecr-push',
      inputs: {
        'source-image': `${proxy.host}/lower/web@${image.manifest.digest}`,
        repository: 'upper/web',
        tags: 'prod',
        registry: proxy.host,
        'create-repository': 'true',
      },
      env: moto.awsEnv(),
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(image.manifest.digest);
    expect(uploads()).toEqual({ started: 0, patches: 0, puts: 0, mounts: 3 });
    expect(run.summary).toContain('0 uploaded, 3 mounted, 0 already present');
    expect(inspectDigest(readBack, 'upper/web:prod')).toBe(image.manifest.digest);
  }, 60_000);

  it('falls back to reading, checking and uploading a blob when the registry declines the mount', async () => {
    proxy.declineMounts = true;
    try {
      const run = await runAction({
        action: 'actions/ecr-push',
        inputs: {
          'source-image': `${proxy.host}/lower/web@${image.manifest.digest}`,
          repository: 'upper/declined',
          tags: 'prod',
          registry: proxy.host,
          'create-repository': 'true',
        },
        env: moto.awsEnv(),
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs.digest).toBe(image.manifest.digest);
      // Each declined mount opened a session the blob was then uploaded through.
      expect(uploads()).toMatchObject({ started: 0, mounts: 3, puts: 3 });
      expect(run.summary).toContain('3 uploaded, 0 mounted, 0 already present');
      expect(inspectDigest(readBack, `upper/declined@${image.manifest.digest}`)).toBe(
        image.manifest.digest,
      );
    } finally {
      proxy.declineMounts = false;
    }
  }, 60_000);

  it('copies manifest and blobs to a registry that follows the spec (chunks answered 202), checked, to the same digest', async () => {
    const other = await startRegistry();
    try {
      const run = await push({
        'source-image': source,
        repository: 'prod/web',
        tags: 'prod',
        registry: other.host,
        // The 6 MiB layer goes in two parts: the spec's 202 answers, not ECR's 201.
        'chunk-size-mb': '5',
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs.digest).toBe(image.manifest.digest);
      expect(run.outputs['image-uri']).toBe(`${other.host}/prod/web@${image.manifest.digest}`);
      expect(run.summary).toContain('3 uploaded, 0 mounted, 0 already present');
      expect(inspectDigest(other.host, `prod/web@${image.manifest.digest}`)).toBe(
        image.manifest.digest,
      );
      skopeo(
        'copy',
        '--src-tls-verify=false',
        `docker://${other.host}/prod/web:prod`,
        `dir:${dir('promoted')}`,
      );
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('promotes every image of source-images where it is, under the same tags (the promote after approval)', async () => {
    const other = await pushedBefore('promote-other', 'lower/api', 'candidate');
    const run = await push({
      'source-images': [
        `${proxy.host}/lower/web@${image.manifest.digest}`,
        `${proxy.host}/lower/api@${other.manifest.digest}`,
      ].join('\n'),
      tags: 'prod-1234',
    });
    expect(run.errors).toEqual([]);
    expect(JSON.parse(run.outputs.images ?? '')).toEqual([
      {
        repository: 'lower/web',
        digest: image.manifest.digest,
        'image-uri': `${proxy.host}/lower/web@${image.manifest.digest}`,
      },
      {
        repository: 'lower/api',
        digest: other.manifest.digest,
        'image-uri': `${proxy.host}/lower/api@${other.manifest.digest}`,
      },
    ]);
    expect(inspectDigest(readBack, 'lower/web:prod-1234')).toBe(image.manifest.digest);
    expect(inspectDigest(readBack, 'lower/api:prod-1234')).toBe(other.manifest.digest);
    // Within one repository nothing is copied: only the tags are written.
    expect(uploads()).toMatchObject({ started: 0, puts: 0 });
  }, 60_000);

  it('fails naming the source when the digest does not exist there, and pushes nothing', async () => {
    const absent = `sha256:${'0'.repeat(64)}`;
    const run = await push({
      'source-image': `${registry.host}/lower/web@${absent}`,
      repository: 'upper/none',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(
      `Could not read source-image ${registry.host}/lower/web@${absent}`,
    );
    expect(proxy.writes()).toEqual([]);
  });
});
