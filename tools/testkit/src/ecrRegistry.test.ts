/**
 * The ECR twin in front of the real registry, spoken to with plain fetch: the answers a client
 * sees where ECR departs from the distribution spec.
 */
import { createHash } from 'node:crypto';
import { MIN_PART_BYTES } from './ecrRules';
import { startRegistry, type Registry } from './registry';

let registry: Registry;

beforeAll(async () => {
  registry = await startRegistry({
    ecr: { repositories: { 'katana/web': 'IMMUTABLE', 'katana/mutable': 'MUTABLE' } },
  });
}, 60_000);
afterAll(() => registry?.stop());

const sha = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function startUpload(repository: string): Promise<string> {
  const started = await fetch(`${registry.endpoint}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
  });
  expect(started.status).toBe(202);
  return started.headers.get('location')!;
}

function patch(location: string, bytes: Buffer, start: number) {
  return fetch(location, {
    method: 'PATCH',
    headers: { 'content-range': `${start}-${start + bytes.length - 1}` },
    body: bytes,
  });
}

it('answers chunk PATCHes 201 with a Range stuck at the first chunk and one Location', async () => {
  const blob = Buffer.alloc(2 * MIN_PART_BYTES + 100, 7);
  const location = await startUpload('katana/web');
  const answers = [];
  for (const [start, end] of [
    [0, MIN_PART_BYTES],
    [MIN_PART_BYTES, 2 * MIN_PART_BYTES],
    [2 * MIN_PART_BYTES, blob.length],
  ] as const) {
    const answer = await patch(location, blob.subarray(start, end), start);
    answers.push([answer.status, answer.headers.get('range'), answer.headers.get('location')]);
  }
  expect(answers).toEqual(Array(3).fill([201, `0-${MIN_PART_BYTES - 1}`, location]));
  const done = await fetch(`${location}?digest=${sha(blob)}`, { method: 'PUT' });
  expect(done.status).toBe(201);
  const head = await fetch(`${registry.upstream!.endpoint}/v2/katana/web/blobs/${sha(blob)}`, {
    method: 'HEAD',
  });
  expect(head.headers.get('content-length')).toBe(String(blob.length));
}, 30_000);

it('refuses a part after one under 5 MiB', async () => {
  const location = await startUpload('katana/web');
  expect((await patch(location, Buffer.alloc(10), 0)).status).toBe(201);
  const refused = await patch(location, Buffer.alloc(10), 10);
  expect(refused.status).toBe(400);
  expect(await refused.json()).toEqual({
    errors: [
      {
        code: 'BLOB_UPLOAD_INVALID',
        message: 'All layer parts except the last part should be at least 5MB',
      },
    ],
  });
});

it('answers NAME_UNKNOWN for a repository that does not exist', async () => {
  const answer = await fetch(`${registry.endpoint}/v2/katana/absent/blobs/uploads/`, {
    method: 'POST',
  });
  expect(answer.status).toBe(404);
  expect(((await answer.json()) as { errors: Array<{ code: string }> }).errors[0]?.code).toBe(
    'NAME_UNKNOWN',
  );
});

it('refuses to put an existing tag again in an immutable repository, even to the same image', async () => {
  const config = Buffer.from('{}');
  const location = await startUpload('katana/web');
  expect(
    (await fetch(`${location}?digest=${sha(config)}`, { method: 'PUT', body: config })).status,
  ).toBe(201);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha(config),
        size: 2,
      },
      layers: [],
    }),
  );
  const put = (repository: string) =>
    fetch(`${registry.endpoint}/v2/${repository}/manifests/v1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
  expect((await put('katana/web')).status).toBe(201);
  const again = await put('katana/web');
  expect(again.status).toBe(400);
  expect(await again.text()).toContain(
    "The image tag 'v1' already exists in the 'katana/web' repository and cannot be overwritten because the tag is immutable.",
  );

  const mutableLocation = await startUpload('katana/mutable');
  await fetch(`${mutableLocation}?digest=${sha(config)}`, { method: 'PUT', body: config });
  expect((await put('katana/mutable')).status).toBe(201);
  expect((await put('katana/mutable')).status).toBe(201);
});
