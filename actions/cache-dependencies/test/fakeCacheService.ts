/**
 * A local stand-in of GitHub's cache service (v2), at the HTTP level, for the github backend's
 * integration test: GitHub's service cannot be reached from here (it exists only inside Actions
 * runs, behind ACTIONS_RESULTS_URL and a runtime token).
 *
 * It speaks what @actions/cache 5.1.0 sends (read in node_modules/@actions/cache/lib):
 *  - Twirp JSON: POST /twirp/github.actions.results.api.v1.CacheService/<Method>, a bearer token
 *    (the toolkit passes ACTIONS_RUNTIME_TOKEN as is; it does not decode it), snake_case bodies
 *    (protobuf field names): GetCacheEntryDownloadURL {key, restore_keys, version} ->
 *    {ok, signed_download_url, matched_key}; CreateCacheEntry {key, version} ->
 *    {ok, signed_upload_url}; FinalizeCacheEntryUpload {key, version, size_bytes} -> {ok, entry_id}.
 *  - Blob storage at Azurite-style signed URLs (http://127.0.0.1:PORT/devstoreaccount1/...): the
 *    Azure SDK's BlockBlobClient.uploadFile sends one `PUT` with `x-ms-blob-type: BlockBlob` for
 *    archives up to its maxSingleShotSize (128 MiB, fixed by the toolkit); larger ones would be
 *    `PUT ?comp=block` + `PUT ?comp=blocklist`, which this stand-in refuses with a 400 rather than
 *    pretend (no test here makes a 128 MiB archive). Downloads from a host that is not
 *    *.blob.core.windows.net are one plain GET through @actions/http-client, checked against
 *    Content-Length.
 * Semantics kept from the service: an entry is visible only once finalized; a key+version is
 * created once (a second CreateCacheEntry gets Twirp `already_exists`); the exact key wins, then
 * each restore key in order as a prefix, newest entry first; entries match only their version.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/';
const CONTAINER = '/devstoreaccount1/actions-cache/';

interface Entry {
  id: number;
  key: string;
  version: string;
  blob: string;
  finalized: boolean;
  createdAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body?: unknown;
}

export interface FakeCacheService {
  /** ACTIONS_RESULTS_URL, with the trailing slash the runner gives it. */
  url: string;
  /** The environment a runner gives an action for the v2 cache service. */
  env(): Record<string, string>;
  /** Every request, in order (Twirp bodies parsed). */
  requests: RecordedRequest[];
  /** Finalized entries' keys, oldest first. */
  keys(): string[];
  /** The stored bytes of an entry. */
  blob(key: string): Buffer | undefined;
  /** Replaces an entry's stored bytes (to corrupt it). */
  setBlob(key: string, bytes: Buffer): void;
  stop(): Promise<void>;
}

export async function startFakeCacheService(): Promise<FakeCacheService> {
  // Shaped like a JWT because the runner's token is one; the toolkit only forwards it.
  const token = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzY3AiOiJBY3Rpb25zLlJlc3VsdHMifQ', 'c2lnbmF0dXJl'].join(
    '.',
  );
  const sig = randomBytes(12).toString('hex');
  const entries: Entry[] = [];
  const blobs = new Map<string, Buffer>();
  const requests: RecordedRequest[] = [];
  let clock = 0;
  let base = '';

  const signed = (blob: string) => `${base}${CONTAINER.slice(1)}${blob}?sv=2024-05-04&sig=${sig}`;

  function lookup(body: Record<string, unknown>): Entry | undefined {
    const version = String(body.version ?? '');
    const visible = entries.filter((e) => e.finalized && e.version === version);
    const exact = visible.find((e) => e.key === body.key);
    if (exact) return exact;
    const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
    for (const prefix of restoreKeys) {
      const newest = visible
        .filter((e) => e.key.startsWith(prefix))
        .sort((a, b) => b.createdAt - a.createdAt)[0];
      if (newest) return newest;
    }
    return undefined;
  }

  function twirp(method: string, body: Record<string, unknown>): [number, unknown] {
    const key = String(body.key ?? '');
    const version = String(body.version ?? '');
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const found = lookup(body);
        return found
          ? [200, { ok: true, signed_download_url: signed(found.blob), matched_key: found.key }]
          : [200, { ok: false }];
      }
      case 'CreateCacheEntry': {
        if (entries.some((e) => e.key === key && e.version === version)) {
          return [409, { code: 'already_exists', msg: 'cache entry already exists' }];
        }
        const blob = `entry-${entries.length + 1}`;
        entries.push({
          id: entries.length + 1,
          key,
          version,
          blob,
          finalized: false,
          createdAt: ++clock,
        });
        return [200, { ok: true, signed_upload_url: signed(blob) }];
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = entries.find((e) => e.key === key && e.version === version && !e.finalized);
        const stored = entry && blobs.get(entry.blob);
        if (!entry || !stored) return [200, { ok: false, message: 'no upload to finalize' }];
        if (String(stored.length) !== String(body.size_bytes)) {
          return [200, { ok: false, message: `size ${body.size_bytes} != ${stored.length}` }];
        }
        entry.finalized = true;
        return [200, { ok: true, entry_id: String(entry.id) }];
      }
      default:
        return [404, { code: 'bad_route', msg: `no method ${method}` }];
    }
  }

  function blobRequest(req: http.IncomingMessage, body: Buffer, url: URL): [number, Buffer] {
    if (url.searchParams.get('sig') !== sig) return [403, Buffer.from('bad signature')];
    const name = url.pathname.slice(CONTAINER.length);
    if (req.method === 'PUT') {
      if (url.searchParams.has('comp') || req.headers['x-ms-blob-type'] !== 'BlockBlob') {
        return [400, Buffer.from('only single-shot BlockBlob uploads are implemented')];
      }
      blobs.set(name, body);
      return [201, Buffer.alloc(0)];
    }
    if (req.method === 'GET') {
      const stored = blobs.get(name);
      return stored ? [200, stored] : [404, Buffer.from('BlobNotFound')];
    }
    return [405, Buffer.alloc(0)];
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', base);
      const record: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        headers: req.headers,
      };
      requests.push(record);
      if (url.pathname.startsWith(TWIRP) && req.method === 'POST') {
        let status: number;
        let reply: unknown;
        if (req.headers.authorization !== `Bearer ${token}`) {
          [status, reply] = [401, { code: 'unauthenticated', msg: 'bad runtime token' }];
        } else {
          const parsed = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
          record.body = parsed;
          [status, reply] = twirp(url.pathname.slice(TWIRP.length), parsed);
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply));
        return;
      }
      if (url.pathname.startsWith(CONTAINER)) {
        const [status, bytes] = blobRequest(req, body, url);
        res.writeHead(status, {
          'content-length': bytes.length,
          'x-ms-request-id': randomBytes(8).toString('hex'),
          'x-ms-version': '2024-05-04',
          etag: `"0x${randomBytes(6).toString('hex')}"`,
          'last-modified': new Date().toUTCString(),
        });
        res.end(bytes);
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const entryOf = (key: string) => entries.find((e) => e.finalized && e.key === key);
  return {
    url: base,
    env: () => ({
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: base,
      ACTIONS_RUNTIME_TOKEN: token,
    }),
    requests,
    keys: () => entries.filter((e) => e.finalized).map((e) => e.key),
    blob: (key) => {
      const entry = entryOf(key);
      return entry && blobs.get(entry.blob);
    },
    setBlob: (key, bytes) => {
      const entry = entryOf(key);
      if (!entry) throw new Error(`no entry ${key}`);
      blobs.set(entry.blob, bytes);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
