/**
 * The registry client against a scripted HTTP server: the real registry cannot be made to
 * answer 503 or to throttle, so a local server plays those answers (no mocks of fetch).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { RegistryClient, RegistryError } from './client';

type Answer = { status: number; headers?: Record<string, string>; body?: string };

async function serve(answers: Answer[]) {
  const seen: Array<{ method: string; url: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const answer = answers.shift() ?? { status: 500 };
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const client = new RegistryClient(
    { host: `127.0.0.1:${port}`, baseUrl: `http://127.0.0.1:${port}` },
    { authorization: 'Basic c2VjcmV0', sleep: async () => undefined },
  );
  return { client, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const D = `sha256:${'f'.repeat(64)}`;

it('retries a 503 and a 429 with Retry-After, then reads the answer', async () => {
  const { client, seen, close } = await serve([
    { status: 503 },
    { status: 429, headers: { 'retry-after': '0' } },
    { status: 200, headers: { 'content-length': '42' } },
  ]);
  try {
    expect(await client.headBlob('web', D)).toBe(42);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.authorization === 'Basic c2VjcmV0')).toBe(true);
  } finally {
    await close();
  }
});

it('reports a registry error code and does not retry a 4xx', async () => {
  const { client, seen, close } = await serve([
    {
      status: 400,
      body: JSON.stringify({ errors: [{ code: 'TAG_INVALID', message: 'tag exists' }] }),
    },
  ]);
  try {
    const failure = client.putManifest(
      'web',
      'v1',
      'application/vnd.oci.image.manifest.v1+json',
      Buffer.from('{}'),
    );
    await expect(failure).rejects.toBeInstanceOf(RegistryError);
    await expect(failure).rejects.toThrow('HTTP 400 (TAG_INVALID tag exists)');
    expect(seen).toHaveLength(1);
  } finally {
    await close();
  }
});

it('treats a declined mount (202) as an upload session at the Location given', async () => {
  const { client, seen, close } = await serve([
    { status: 202, headers: { location: '/v2/web/blobs/uploads/abc?_state=x' } },
  ]);
  try {
    const answer = await client.mountBlob('web', D, 'lower/web');
    expect(answer).toEqual({
      mounted: false,
      location: expect.stringMatching(/\/v2\/web\/blobs\/uploads\/abc\?_state=x$/),
    });
    expect(seen[0]?.url).toBe(
      `/v2/web/blobs/uploads/?mount=${encodeURIComponent(D)}&from=lower%2Fweb`,
    );
    expect(client.counts.mounts).toBe(0);
  } finally {
    await close();
  }
});

it('refuses a manifest HEAD without Docker-Content-Digest', async () => {
  const { client, close } = await serve([{ status: 200 }]);
  try {
    await expect(client.headManifest('web', 'v1')).rejects.toThrow('no Docker-Content-Digest');
  } finally {
    await close();
  }
});

it('reads the digest and media type (without parameters) from a manifest HEAD', async () => {
  const { client, seen, close } = await serve([
    {
      status: 200,
      headers: {
        'docker-content-digest': D,
        'content-type': 'application/vnd.oci.image.manifest.v1+json; charset=utf-8',
      },
    },
    { status: 404 },
  ]);
  try {
    await expect(client.statManifest('web', D)).resolves.toEqual({
      digest: D,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    await expect(client.statManifest('web', D)).resolves.toBeUndefined();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `HEAD /v2/web/manifests/${D}`,
      `HEAD /v2/web/manifests/${D}`,
    ]);
  } finally {
    await close();
  }
});

it('takes a chunk answered 201 (as ECR answers) as stored, whatever its Range says', async () => {
  const { client, close } = await serve([
    { status: 201, headers: { location: '/v2/web/blobs/uploads/abc', range: '0-4' } },
  ]);
  try {
    const location = client['url']('/v2/web/blobs/uploads/abc');
    await expect(client.patchChunk(location, Buffer.alloc(5), 5)).resolves.toBe(location);
    expect(client.counts).toMatchObject({ chunks: 1, bytes: 5 });
  } finally {
    await close();
  }
});

describe('the token stays on the registry origin', () => {
  async function elsewhere() {
    const seen: Array<{ url: string; authorization?: string }> = [];
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-length': '3' });
      res.end('abc');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return {
      origin: `http://127.0.0.1:${port}`,
      seen,
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }

  it('refuses an upload Location on another origin and sends nothing there', async () => {
    const other = await elsewhere();
    const { client, seen, close } = await serve([
      { status: 202, headers: { location: `${other.origin}/v2/web/blobs/uploads/abc` } },
    ]);
    try {
      await expect(client.startUpload('web')).rejects.toThrow(
        `the registry pointed at another origin (${other.origin})`,
      );
      expect(seen).toHaveLength(1);
      expect(other.seen).toEqual([]);
    } finally {
      await Promise.all([close(), other.close()]);
    }
  });

  it('refuses a redirect to another origin for a manifest, without following it', async () => {
    const other = await elsewhere();
    const { client, close } = await serve([
      { status: 307, headers: { location: `${other.origin}/v2/web/manifests/v1` } },
    ]);
    try {
      await expect(client.getManifest('web', 'v1')).rejects.toThrow('another origin');
      expect(other.seen).toEqual([]);
    } finally {
      await Promise.all([close(), other.close()]);
    }
  });

  it('follows a blob download redirect to another origin (ECR serves layers from S3) without the token', async () => {
    const other = await elsewhere();
    const { client, close } = await serve([
      { status: 307, headers: { location: `${other.origin}/layer?signature=s` } },
    ]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'client-test-'));
    try {
      const got = await client.downloadBlob('web', D, path.join(dir, 'blob'));
      expect(got.size).toBe(3);
      expect(other.seen).toEqual([{ url: '/layer?signature=s', authorization: undefined }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await Promise.all([close(), other.close()]);
    }
  });
});
