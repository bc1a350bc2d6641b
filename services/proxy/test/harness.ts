/**
 * What the proxy's integration test runs: a self-signed certificate (openssl), stand-in
 * upstreams (node http servers on free loopback ports), and real nginx with the rendered config
 * on free loopback ports, in its own prefix with its own pid, logs and temp paths.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { freePort, startServer, systemTool, type Server } from '@pipelines/testkit';
import { defaults, renderConfig } from '../src';

export const NGINX = '/usr/sbin/nginx';

export function selfSignedCertificate(dir: string, domain: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const names = ['chat', 'blog', 'pm'].map((h) => `DNS:${h}.${domain}`).join(',');
  execFileSync(
    systemTool('/usr/bin/openssl'),
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${domain}`,
      '-addext',
      `subjectAltName=${names}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  );
  return { cert, key };
}

export interface Upstream {
  readonly name: string;
  readonly address: string;
  /** Bodies received (byte counts), to see uploads arrive. */
  readonly received: number[];
  close(): Promise<void>;
}

/** An upstream that answers JSON naming itself and echoing what nginx forwarded. */
export async function jsonUpstream(name: string, websocket = false): Promise<Upstream> {
  const received: number[] = [];
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      received.push(bytes);
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-upstream', name);
      res.setHeader('x-powered-by', 'stand-in');
      res.end(
        JSON.stringify({
          upstream: name,
          url: req.url,
          method: req.method,
          bytes,
          headers: req.headers,
        }),
      );
    });
  });
  if (websocket) {
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket, req) => {
      socket.on('message', (data) =>
        socket.send(`${name} echo (${req.headers.host}): ${data.toString()}`),
      );
    });
  }
  return listen(name, server, received);
}

/** An upstream serving a directory of static files (the built blog), like the blog's nginx. */
export async function staticUpstream(name: string, root: string): Promise<Upstream> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let file = path.join(
      root,
      path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''),
    );
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(root) || !existsSync(file)) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const types: Record<string, string> = {
      '.html': 'text/html; charset=utf-8',
      '.js': 'text/javascript',
      '.json': 'application/json',
      '.css': 'text/css',
    };
    res.setHeader('content-type', types[path.extname(file)] ?? 'application/octet-stream');
    res.setHeader('x-upstream', name);
    createReadStream(file).pipe(res);
  });
  return listen(name, server, []);
}

function listen(name: string, server: http.Server, received: number[]): Promise<Upstream> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        name,
        address: `127.0.0.1:${port}`,
        received,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface Proxy extends Server {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly prefix: string;
  readonly logDir: string;
  readonly mainConfig: string;
}

/** The rendered site config inside a minimal main config with everything under `prefix`. */
export function writeConfigs(
  prefix: string,
  options: {
    domain: string;
    httpPort: number;
    httpsPort: number;
    cert: string;
    key: string;
    upstreams: { chat: string; blog: string; pm: string };
  },
): string {
  const logDir = path.join(prefix, 'logs');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(path.join(prefix, 'acme'), { recursive: true });
  const site = renderConfig({
    ...defaults(options.domain),
    upstreams: options.upstreams,
    httpListen: `127.0.0.1:${options.httpPort}`,
    httpsListen: `127.0.0.1:${options.httpsPort}`,
    httpsPublicPort: options.httpsPort,
    sslCertificate: options.cert,
    sslCertificateKey: options.key,
    logDir,
    acmeRoot: path.join(prefix, 'acme'),
  });
  writeFileSync(path.join(prefix, 'pipelines.conf'), site);
  const temp = (name: string) => `${name}_temp_path ${path.join(prefix, name)};`;
  const main = path.join(prefix, 'nginx.conf');
  writeFileSync(
    main,
    [
      // As root, nginx would run its workers as "nobody", which cannot use this private prefix.
      process.getuid?.() === 0 ? `user ${os.userInfo().username};` : '',
      'worker_processes 1;',
      'daemon off;',
      `pid ${path.join(prefix, 'nginx.pid')};`,
      `error_log ${path.join(logDir, 'error.log')} warn;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${path.join(logDir, 'access.log')};`,
      `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
      `  include ${path.join(prefix, 'pipelines.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  return main;
}

/** `nginx -t` on a config; returns its output, throws with it when the test fails. */
export function nginxTest(prefix: string, mainConfig: string): string {
  return execFileSync(
    systemTool(NGINX),
    ['-t', '-p', prefix, '-e', path.join(prefix, 'logs', 'error.log'), '-c', mainConfig],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).toString();
}

/** Real nginx in the foreground (stopped by pid through the testkit), ready when HTTP redirects. */
export async function startProxy(
  prefix: string,
  domain: string,
  tls: { cert: string; key: string },
  upstreams: { chat: string; blog: string; pm: string },
): Promise<Proxy> {
  const httpsPort = await freePort();
  let httpPort = 0;
  let mainConfig = '';
  const server = await startServer({
    name: 'nginx',
    command: systemTool(NGINX),
    args: (port) => {
      httpPort = port;
      mainConfig = writeConfigs(prefix, { domain, httpPort: port, httpsPort, ...tls, upstreams });
      return ['-p', prefix, '-e', path.join(prefix, 'logs', 'error.log'), '-c', mainConfig];
    },
    ready: async (endpoint) => (await plainRequest(endpoint, `blog.${domain}`)).status === 301,
  });
  return { ...server, httpPort, httpsPort, prefix, logDir: path.join(prefix, 'logs'), mainConfig };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain-HTTP GET with a chosen Host header. */
export function plainRequest(endpoint: string, host: string, pathname = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${endpoint}${pathname}`, { headers: { host }, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
