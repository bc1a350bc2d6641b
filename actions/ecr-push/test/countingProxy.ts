/**
 * A pass-through HTTP proxy in front of the local registry that records every request the
 * action makes (method, path, query, whether it carried an Authorization header). It is how the
 * tests count uploads, chunks and mounts, and prove that a refused push changed nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  query: string;
  authorization: string | undefined;
}

export interface CountingProxy {
  host: string;
  seen: Seen[];
  /** Requests that can change the registry (anything but GET and HEAD). */
  writes(): Seen[];
  reset(): void;
  /** Fault injection: strip `mount=` so the registry answers a mount with a plain session (202). */
  declineMounts: boolean;
  /** Fault injection: answer upload sessions with a Location on this other origin. */
  foreignLocation: string | undefined;
  stop(): Promise<void>;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const seen: Seen[] = [];
  const target = new URL(upstream);
  const state: { declineMounts: boolean; foreignLocation: string | undefined } = {
    declineMounts: false,
    foreignLocation: undefined,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.search,
      authorization: req.headers.authorization,
    });
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: state.declineMounts ? req.url?.replace('mount=', 'declined=') : req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        const headers = { ...answer.headers };
        // Keep the client on the proxy: rewrite upstream Locations to the proxy's address.
        if (headers.location)
          headers.location = headers.location.replace(
            upstream,
            state.foreignLocation ?? `http://${req.headers.host}`,
          );
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    get declineMounts() {
      return state.declineMounts;
    },
    set declineMounts(value: boolean) {
      state.declineMounts = value;
    },
    get foreignLocation() {
      return state.foreignLocation;
    },
    set foreignLocation(value: string | undefined) {
      state.foreignLocation = value;
    },
    host: `127.0.0.1:${port}`,
    seen,
    writes: () => seen.filter((s) => s.method !== 'GET' && s.method !== 'HEAD'),
    reset: () => seen.splice(0, seen.length),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
