/**
 * A small client for the OCI distribution API over node:http (./http): exactly the calls a push
 * needs.
 * Credentials travel only in the Authorization header (never in a URL, never logged), and only
 * to the registry's own origin: an upload Location or a redirect naming another origin is
 * refused, except a blob download's redirect (ECR serves layers from S3), which is followed
 * without credentials.
 */
import { createWriteStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { parseRetryAfter, retry, type Sleep } from '@pipelines/action-kit/retry';
import { isDigest } from '../oci/digest';
import { MANIFEST_ACCEPT } from '../oci/mediaTypes';
import { isRetryableStatus } from '../decide';
import type { RegistryEndpoint } from './endpoint';
import { readAll, send, type HttpRequest, type HttpResponse } from './http';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Counts of state-changing requests, for the summary and the log. */
export interface RequestCounts {
  blobUploads: number;
  chunks: number;
  bytes: number;
  mounts: number;
}

export interface ClientOptions {
  /** The full Authorization header value, e.g. `Basic <ECR token>`; undefined for anonymous. */
  authorization?: string;
  sleep?: Sleep;
  maxAttempts?: number;
}

async function errorFrom(response: HttpResponse<Readable>, what: string): Promise<RegistryError> {
  let detail = '';
  let code: string | undefined;
  try {
    const text = (await readAll(response.body)).toString('utf8');
    const parsed = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    code = first?.code;
    detail = first ? `${first.code ?? ''} ${first.message ?? ''}`.trim() : text.slice(0, 200);
  } catch {
    // not JSON: the status says enough
  }
  if (!detail && (response.status === 401 || response.status === 403)) {
    // A HEAD answer has no body, so ECR's denial reason never reaches us.
    detail = "access denied without a reason: check the role's ECR permissions for this request";
  }
  return new RegistryError(
    `${what}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`,
    response.status,
    code,
    parseRetryAfter(response.header('retry-after') ?? null),
  );
}

export class RegistryClient {
  readonly counts: RequestCounts = { blobUploads: 0, chunks: 0, bytes: 0, mounts: 0 };

  constructor(
    readonly endpoint: RegistryEndpoint,
    private readonly options: ClientOptions = {},
  ) {}

  private url(path: string): string {
    return new URL(path, this.endpoint.baseUrl).toString();
  }

  private get origin(): string {
    return new URL(this.endpoint.baseUrl).origin;
  }

  /** `value` resolved against the registry; another origin is refused before any request. */
  private sameOrigin(value: string, what: string, status: number): string {
    const url = new URL(value, this.endpoint.baseUrl);
    if (url.origin !== this.origin) {
      throw new RegistryError(
        `${what}: the registry pointed at another origin (${url.origin}), which must not receive the ECR token; nothing was sent there. Check that the registry input names the registry itself, not a proxy in front of another host`,
        status,
        'FOREIGN_LOCATION',
      );
    }
    return url.toString();
  }

  /**
   * One request that follows redirects by hand: within the registry's origin with credentials,
   * elsewhere only when `foreignRedirects` (a blob download) and then without them.
   */
  private async sendOnce(
    what: string,
    url: string,
    init: HttpRequest,
    foreignRedirects: boolean,
  ): Promise<HttpResponse<Readable>> {
    let at = url;
    let options = init;
    for (let hop = 0; hop <= 5; hop++) {
      const response = await send(at, options);
      const location = response.header('location');
      if (![301, 302, 303, 307, 308].includes(response.status) || !location) return response;
      response.body.resume();
      const next = new URL(location, at);
      if (next.origin === this.origin) {
        at = next.toString();
      } else if (foreignRedirects) {
        at = next.toString();
        options = { method: options.method, headers: {} };
      } else {
        at = this.sameOrigin(location, what, response.status);
      }
    }
    throw new RegistryError(`${what}: too many redirects`, undefined);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.options.authorization
      ? { authorization: this.options.authorization, ...extra }
      : extra;
  }

  /** One request and its whole (small) answer; see requestStream. */
  private async request(
    what: string,
    url: string,
    init: HttpRequest,
    expect: number[],
  ): Promise<HttpResponse<Buffer>> {
    return this.requestStream(what, url, init, expect, false, async (response) => ({
      ...response,
      body: await readAll(response.body),
    }));
  }

  /**
   * One request with retries on network errors, 429 and 5xx; `expect` lists the OK statuses.
   * `read` consumes the answer's body within the attempt, so a connection lost while reading is
   * retried too.
   */
  private async requestStream<T>(
    what: string,
    url: string,
    init: HttpRequest,
    expect: number[],
    foreignRedirects: boolean,
    read: (response: HttpResponse<Readable>) => Promise<T>,
  ): Promise<T> {
    return retry(
      async () => {
        try {
          const response = await this.sendOnce(what, url, init, foreignRedirects);
          if (!expect.includes(response.status)) throw await errorFrom(response, what);
          return await read(response);
        } catch (error) {
          if (error instanceof RegistryError) throw error;
          throw new RegistryError(`${what}: ${String(error)}`, undefined);
        }
      },
      {
        label: what,
        maxAttempts: this.options.maxAttempts ?? 4,
        baseDelayMs: 500,
        maxDelayMs: 8000,
        isRetryable: (e) => e instanceof RegistryError && isRetryableStatus(e.status),
        retryAfterMs: (e) => (e instanceof RegistryError ? e.retryAfterMs : undefined),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      },
    );
  }

  /** The blob's size if the repository has it, else undefined. */
  async headBlob(repository: string, digest: string): Promise<number | undefined> {
    const response = await this.request(
      `check blob ${digest} in ${repository} (ecr:BatchCheckLayerAvailability)`,
      this.url(`/v2/${repository}/blobs/${digest}`),
      { method: 'HEAD', headers: this.headers() },
      [200, 404],
    );
    if (response.status === 404) return undefined;
    return Number(response.header('content-length') ?? '0');
  }

  /** Streams a blob to a file, hashing as it goes; returns what the bytes hash to. */
  async downloadBlob(
    repository: string,
    digest: string,
    file: string,
  ): Promise<{ digest: string; size: number }> {
    return this.requestStream(
      `download blob ${digest} from ${repository}`,
      this.url(`/v2/${repository}/blobs/${digest}`),
      { method: 'GET', headers: this.headers() },
      [200],
      true,
      async (response) => {
        const hash = createHash('sha256');
        let size = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(response.body, tap, createWriteStream(file));
        return { digest: `sha256:${hash.digest('hex')}`, size };
      },
    );
  }

  /** Opens an upload session; returns its Location. */
  async startUpload(repository: string): Promise<string> {
    const response = await this.request(
      `start upload to ${repository}`,
      this.url(`/v2/${repository}/blobs/uploads/`),
      { method: 'POST', headers: this.headers({ 'content-length': '0' }) },
      [202],
    );
    return this.location(response, 'start upload');
  }

  /**
   * Cross-repository mount. 201: the registry linked the blob, nothing to send. 202: it did not
   * (not offered, or no access to `from`); the answer is an ordinary upload session instead.
   */
  async mountBlob(
    repository: string,
    digest: string,
    from: string,
  ): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const query = new URLSearchParams({ mount: digest, from }).toString();
    const response = await this.request(
      `mount blob ${digest} from ${from} into ${repository}`,
      this.url(`/v2/${repository}/blobs/uploads/?${query}`),
      { method: 'POST', headers: this.headers({ 'content-length': '0' }) },
      [201, 202],
    );
    if (response.status === 201) {
      this.counts.mounts++;
      return { mounted: true };
    }
    return { mounted: false, location: this.location(response, 'mount') };
  }

  /**
   * Sends bytes [start, start+length) of an upload; returns the next Location. The caller keeps
   * the offset from what it sent: ECR's `Range` answer sticks at the first chunk, so it is not
   * read. ECR also answers 201 where the spec says 202; both mean the chunk was stored.
   */
  async patchChunk(location: string, bytes: Buffer, start: number): Promise<string> {
    const response = await this.request(
      `upload chunk at ${start}`,
      location,
      {
        method: 'PATCH',
        headers: this.headers({
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.length),
          'content-range': `${start}-${start + bytes.length - 1}`,
        }),
        body: bytes,
      },
      [201, 202],
    );
    this.counts.chunks++;
    this.counts.bytes += bytes.length;
    return this.location(response, 'upload chunk');
  }

  /** Closes an upload with the blob's digest (and its bytes, for a monolithic upload). */
  async finishUpload(location: string, digest: string, bytes?: Buffer): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    await this.request(
      `finish upload of ${digest}`,
      url.toString(),
      {
        method: 'PUT',
        headers: this.headers({
          'content-type': 'application/octet-stream',
          'content-length': String(bytes?.length ?? 0),
        }),
        ...(bytes ? { body: bytes } : {}),
      },
      [201],
    );
    this.counts.blobUploads++;
    if (bytes) {
      this.counts.chunks++;
      this.counts.bytes += bytes.length;
    }
  }

  /** Best effort: an abandoned session is garbage-collected by the registry anyway. */
  async cancelUpload(location: string): Promise<void> {
    if (new URL(location).origin !== this.origin) return;
    await send(location, { method: 'DELETE', headers: this.headers() }).then(
      (response) => response.body.resume(),
      () => undefined,
    );
  }

  /** The digest a tag or digest resolves to in the repository, or undefined when absent. */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    return (await this.statManifest(repository, reference))?.digest;
  }

  /** What a HEAD of a manifest tells: its digest and the media type it is served as. */
  async statManifest(
    repository: string,
    reference: string,
  ): Promise<{ digest: string; mediaType: string | undefined } | undefined> {
    const response = await this.request(
      `check manifest ${repository}:${reference}`,
      this.url(`/v2/${repository}/manifests/${reference}`),
      { method: 'HEAD', headers: this.headers({ accept: MANIFEST_ACCEPT }) },
      [200, 404],
    );
    if (response.status === 404) return undefined;
    const digest = response.header('docker-content-digest') ?? undefined;
    if (!isDigest(digest)) {
      throw new RegistryError(
        `check manifest ${repository}:${reference}: the registry sent no Docker-Content-Digest`,
        response.status,
      );
    }
    return { digest, mediaType: response.header('content-type')?.split(';')[0]?.trim() };
  }

  async getManifest(
    repository: string,
    reference: string,
  ): Promise<{ bytes: Buffer; mediaType: string | undefined }> {
    const response = await this.request(
      `get manifest ${repository}@${reference}`,
      this.url(`/v2/${repository}/manifests/${reference}`),
      { method: 'GET', headers: this.headers({ accept: MANIFEST_ACCEPT }) },
      [200],
    );
    const mediaType = response.header('content-type')?.split(';')[0]?.trim();
    return { bytes: response.body, mediaType };
  }

  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer,
  ): Promise<void> {
    await this.request(
      `put manifest ${repository}:${reference}`,
      this.url(`/v2/${repository}/manifests/${reference}`),
      {
        method: 'PUT',
        headers: this.headers({
          'content-type': mediaType,
          'content-length': String(bytes.length),
        }),
        body: bytes,
      },
      [201],
    );
  }

  private location(response: HttpResponse<unknown>, what: string): string {
    const value = response.header('location');
    if (!value) throw new RegistryError(`${what}: the registry sent no Location`, response.status);
    return this.sameOrigin(value, what, response.status);
  }
}
