/**
 * The registry client against a scripted HTTP server: the real registry cannot be made to
 * answer 503 or to throttle, so a local server plays those answers (no mocks of fetch).
 */
import http from 'node:http';
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
