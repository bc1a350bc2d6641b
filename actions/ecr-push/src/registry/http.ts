/**
 * One HTTP exchange over node:http / node:https, nothing more: no redirects followed, no retries
 * (the client decides both). Not the global fetch: Node loads its fetch implementation (undici)
 * on first use, which costs more than all of a re-push's requests together; node:http is loaded
 * anyway (the AWS SDK's handler uses it). Keep-alive comes from Node's default agents.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface HttpResponse<Body> {
  status: number;
  /** A response header (names are case-insensitive), or undefined when absent. */
  header(name: string): string | undefined;
  body: Body;
}

/**
 * How long a connection may stay silent (waiting for the answer, or between bytes of it) before
 * the request fails: the same five minutes as fetch's default header and body timeouts.
 */
const IDLE_TIMEOUT_MS = 300_000;

/** Sends a request; resolves when the answer's headers arrive, with its body still to read. */
export function send(url: string, request: HttpRequest): Promise<HttpResponse<Readable>> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      { method: request.method, headers: request.headers, timeout: IDLE_TIMEOUT_MS },
      (res) => {
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : value;
          },
          body: res,
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${target.host} for ${IDLE_TIMEOUT_MS / 1000} s`)),
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** The whole body of an answer (registry answers other than blobs are small). */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Sends a request and reads its whole answer. */
export async function exchange(url: string, request: HttpRequest): Promise<HttpResponse<Buffer>> {
  const response = await send(url, request);
  return { ...response, body: await readAll(response.body) };
}
