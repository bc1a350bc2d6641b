/**
 * An HTTP fault proxy for failure tests: sits between an action and the local AWS or registry
 * (neither can inject faults itself) and, request by request, forwards, delays, answers with an
 * error status instead of forwarding, resets the connection, or truncates the response body.
 * Loopback only; every decision is made by a plan the test supplies, so runs are reproducible.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer with this status without forwarding (the server never sees the request). */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Close the connection without answering, before forwarding. */
  | { kind: 'reset' }
  /** Forward, let the server apply it, then close the connection without answering. */
  | { kind: 'reset-after-forward' }
  /** Forward after a delay. */
  | { kind: 'delay'; ms: number }
  /** Forward, then send only the first `bytes` of the response body and close. */
  | { kind: 'truncate'; bytes: number };

export interface ProxiedRequest {
  /** 1-based count of requests seen by this proxy. */
  n: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export type FaultPlan = (request: ProxiedRequest) => Fault | undefined;

export interface FaultProxy {
  endpoint: string;
  port: number;
  /** What the proxy did, by fault kind ('forward' for clean passes). */
  counts: Record<string, number>;
  setPlan(plan: FaultPlan): void;
  stop(): Promise<void>;
}

/** A plan that faults a fraction of requests, chosen by a seeded generator (reproducible). */
export function randomFaults(seed: number, rate: number, faults: readonly Fault[]): FaultPlan {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: tiny, fast, and the same sequence for the same seed.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  return () => (next() < rate ? faults[Math.floor(next() * faults.length)] : undefined);
}

export async function startFaultProxy(
  target: string,
  initialPlan: FaultPlan = () => undefined,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  let plan = initialPlan;
  let n = 0;
  const counts: Record<string, number> = {};
  const sockets = new Set<import('node:net').Socket>();

  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    after?: (upstreamRes: http.IncomingMessage) => void,
  ) => {
    const proxied = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        if (after) return after(upstreamRes);
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  };

  const server = http.createServer((req, res) => {
    const fault = plan({
      n: ++n,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
    });
    const kind = fault?.kind ?? 'forward';
    counts[kind] = (counts[kind] ?? 0) + 1;
    switch (fault?.kind) {
      case undefined:
        return forward(req, res);
      case 'status':
        req.resume();
        req.on('end', () => {
          res.writeHead(fault.status, { 'content-type': 'application/xml', ...fault.headers });
          res.end(fault.body ?? '');
        });
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'reset-after-forward':
        return forward(req, res, (upstreamRes) => {
          upstreamRes.resume();
          upstreamRes.on('end', () => req.socket.destroy());
        });
      case 'delay':
        setTimeout(() => forward(req, res), fault.ms);
        return;
      case 'truncate':
        return forward(req, res, (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          let sent = 0;
          upstreamRes.on('data', (chunk: Buffer) => {
            const room = fault.bytes - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += chunk.length;
            if (sent >= fault.bytes) {
              upstreamRes.destroy();
              req.socket.destroy();
            }
          });
          upstreamRes.on('end', () => req.socket.destroy());
        });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    counts,
    setPlan: (next) => {
      plan = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** S3's throttling answer (what a busy bucket sends). */
export const s3SlowDown: Fault = {
  kind: 'status',
  status: 503,
  headers: { 'retry-after': '0' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};

/** An internal error of the XML (S3) or JSON (Lambda, ECR) protocols, by status only. */
export const serverError: Fault = {
  kind: 'status',
  status: 500,
  body: '<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>',
};

/** Lambda/ECR-style throttling (JSON protocols). */
export const jsonThrottle: Fault = {
  kind: 'status',
  status: 429,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' },
  body: '{"__type":"TooManyRequestsException","message":"Rate exceeded"}',
};
