/**
 * An HTTP proxy in front of the local registry that answers the way Amazon ECR answers where ECR
 * departs from the distribution spec (see ecrRules.ts for each behaviour and its source): chunk
 * PATCHes answered 201 with a `Range` stuck at the first chunk and a Location that never changes,
 * parts under 5 MiB refused, repositories that must exist (with their tag mutability), immutable
 * tags refused with ECR's body, ECR's repository-name rule, and no cross-repository mount unless
 * the account allows it. Everything else is the real registry's answer.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  acceptFinish,
  acceptPart,
  errorBody,
  rangeStart,
  repositoryRefusal,
  routeOf,
  tagRefusal,
  type EcrError,
  type Route,
  type TagMutability,
  type UploadSession,
} from './ecrRules';

export type RepositoryLookup = (name: string) => Promise<TagMutability | undefined>;

export interface EcrProxyOptions {
  /**
   * The repositories the registry has, with their tag mutability: a table, or a lookup (e.g. into
   * the local ECR API). Default: every repository exists, with immutable tags.
   */
  repositories?: Readonly<Record<string, TagMutability>> | RepositoryLookup;
  /** The account id ECR names in its errors. */
  registryId?: string;
  /** ECR mounts a blob across repositories only when the account allows it; default false. */
  blobMounting?: boolean;
  /** Awaited before a request reaches the registry: lets a test act at an exact step. */
  beforeForward?: (request: { method: string; route: Route }) => Promise<void>;
}

export interface EcrProxy {
  readonly host: string;
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface OpenSession extends UploadSession {
  upstreamLocation: string;
}

function lookupOf(repositories: EcrProxyOptions['repositories']): RepositoryLookup {
  if (typeof repositories === 'function') return repositories;
  if (repositories === undefined) return async () => 'IMMUTABLE';
  return async (name) => repositories[name];
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const HOP_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'keep-alive',
]);

export async function startEcrProxy(
  upstream: string,
  options: EcrProxyOptions = {},
): Promise<EcrProxy> {
  const lookup = lookupOf(options.repositories);
  const registryId = options.registryId ?? '123456789012';
  const sessions = new Map<string, OpenSession>();

  async function forward(
    method: string,
    url: string,
    headers: http.IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const sent = new Headers();
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) {
        sent.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    const response = await fetch(new URL(url, upstream), {
      method,
      headers: sent,
      redirect: 'manual',
      ...(body.length > 0 || method === 'PUT' || method === 'PATCH' ? { body } : {}),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://ecr');
    const self = `http://${req.headers.host ?? ''}`;
    const body = await readBody(req);
    const route = routeOf(url.pathname);

    const fail = (error: EcrError) => {
      const text = method === 'HEAD' ? '' : errorBody(error);
      res.writeHead(error.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(errorBody(error))),
      });
      res.end(text);
    };
    const answer = (
      got: { status: number; headers: Headers; body: Buffer },
      override: Record<string, string> = {},
      status = got.status,
    ) => {
      const headers: Record<string, string> = {};
      got.headers.forEach((value, name) => {
        if (name !== 'transfer-encoding' && name !== 'connection') headers[name] = value;
      });
      // Keep the client on the proxy: an upstream Location names the proxy instead.
      if (headers.location) {
        headers.location = new URL(headers.location, upstream).toString().replace(upstream, self);
      }
      res.writeHead(status, { ...headers, ...override });
      res.end(method === 'HEAD' ? undefined : got.body);
    };

    let mutability: TagMutability | undefined;
    if ('repository' in route) {
      mutability = await lookup(route.repository);
      const refusal = repositoryRefusal(route.repository, mutability, registryId);
      if (refusal) return fail(refusal);
    }
    await options.beforeForward?.({ method, route });

    if (route.kind === 'upload-start' && method === 'POST') {
      if (!options.blobMounting) url.searchParams.delete('mount');
      if (!url.searchParams.has('mount')) url.searchParams.delete('from');
      const got = await forward(method, url.pathname + url.search, req.headers, body);
      const location = got.headers.get('location');
      if (got.status !== 202 || !location) return answer(got);
      const id = randomUUID();
      sessions.set(id, { upstreamLocation: new URL(location, upstream).toString(), received: 0 });
      // ECR's upload Location is the same URL for the whole session.
      return answer(got, {
        location: `${self}/v2/${route.repository}/blobs/uploads/${id}`,
        'docker-upload-uuid': id,
        range: '0-0',
      });
    }

    if (route.kind === 'upload') {
      const session = sessions.get(route.session);
      if (!session) {
        return fail({
          status: 404,
          code: 'BLOB_UPLOAD_UNKNOWN',
          message: `Upload with id '${route.session}' does not exist`,
        });
      }
      const stable = `${self}/v2/${route.repository}/blobs/uploads/${route.session}`;
      if (method === 'PATCH') {
        const verdict = acceptPart(session, rangeStart(req.headers['content-range']), body.length);
        if ('error' in verdict) return fail(verdict.error);
        const got = await forward(method, session.upstreamLocation, req.headers, body);
        if (got.status !== 202) return answer(got);
        const next = got.headers.get('location');
        if (next) session.upstreamLocation = new URL(next, upstream).toString();
        Object.assign(session, verdict.session);
        return answer(got, { location: stable, range: verdict.range }, 201);
      }
      if (method === 'PUT') {
        const refusal = acceptFinish(session, body.length);
        if (refusal) return fail(refusal);
        const target = new URL(session.upstreamLocation);
        url.searchParams.forEach((value, name) => target.searchParams.set(name, value));
        const got = await forward(method, target.toString(), req.headers, body);
        if (got.status === 201) sessions.delete(route.session);
        return answer(got);
      }
      if (method === 'DELETE') sessions.delete(route.session);
      return answer(await forward(method, session.upstreamLocation, req.headers, body));
    }

    if (route.kind === 'manifest' && method === 'PUT' && mutability) {
      const existing = await forward(
        'HEAD',
        url.pathname,
        { accept: MANIFEST_TYPES },
        Buffer.alloc(0),
      );
      const refusal = tagRefusal(
        route.repository,
        route.reference,
        mutability,
        existing.status === 200,
      );
      if (refusal) return fail(refusal);
    }
    return answer(await forward(method, url.pathname + url.search, req.headers, body));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
