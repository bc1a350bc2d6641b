/**
 * A loopback HTTP proxy in front of moto that lets one object-creating request (PutObject,
 * CompleteMultipartUpload) through at a time, and everything else freely.
 *
 * Why: moto checks `If-None-Match: *` and then writes, without a lock, so two writes that arrive
 * at the same instant both succeed there (verified with moto 5.2.1), while S3 makes the check and
 * the write one atomic step. Serialising the writes gives moto S3's semantics for this test; the
 * action's requests and moto's answers are otherwise untouched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Proxy {
  endpoint: string;
  /** Object-creating requests seen, in arrival order. */
  writes: number;
  stop(): Promise<void>;
}

export async function serializingProxy(target: string): Promise<Proxy> {
  const upstream = new URL(target);
  let queue: Promise<unknown> = Promise.resolve();
  const state = { writes: 0 };
  const forward = (req: http.IncomingMessage, res: http.ServerResponse) =>
    new Promise<void>((resolve) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
        },
      );
      out.on('error', () => {
        res.destroy();
        resolve();
      });
      req.pipe(out);
    });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const isWrite =
      (req.method === 'PUT' && !url.searchParams.has('partNumber')) ||
      (req.method === 'POST' && url.searchParams.has('uploadId'));
    if (!isWrite) return void forward(req, res);
    state.writes++;
    // Buffer the request while waiting its turn, so the client is not left half-sent.
    req.pause();
    queue = queue.then(() => {
      req.resume();
      return forward(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get writes() {
      return state.writes;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
