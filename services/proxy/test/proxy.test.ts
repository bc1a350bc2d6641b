/**
 * The proxy config for real: rendered, checked by `nginx -t`, then served by nginx on loopback
 * in front of stand-in upstreams, reached with the Host names a browser would send.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import {
  chromiumDom,
  headlessChromiumFlags,
  repoRoot,
  systemTool,
  toolPath,
  until,
} from '@pipelines/testkit';
import { projectDomain } from '../src';
import {
  jsonUpstream,
  nginxTest,
  plainRequest,
  selfSignedCertificate,
  startProxy,
  staticUpstream,
  writeConfigs,
  type Answer,
  type Proxy,
  type Upstream,
} from './harness';

const run = promisify(execFile);
const domain = projectDomain();
const blogPublic = path.join(repoRoot, 'services', 'blog', 'public');
const prefix = mkdtempSync(path.join(os.tmpdir(), 'proxy-'));
let certificate: { cert: string; key: string };
let ca: Buffer;
let chat: Upstream;
let blog: Upstream;
let pm: Upstream;
let proxy: Proxy;

/** The built blog is what the blog server serves; build it when this checkout has not yet. */
function ensureBlogBuilt(): void {
  execFileSync('bash', [path.join(repoRoot, 'services', 'blog', 'scripts', 'ensure-built.sh')], {
    env: { ...process.env, PATH: `${path.dirname(toolPath('pnpm'))}:${process.env.PATH}` },
    stdio: 'pipe',
  });
}

beforeAll(async () => {
  ensureBlogBuilt();
  certificate = selfSignedCertificate(prefix, domain);
  ca = readFileSync(certificate.cert);
  chat = await jsonUpstream('chat', true);
  blog = await staticUpstream('blog', blogPublic);
  pm = await jsonUpstream('pm');
  proxy = await startProxy(prefix, domain, certificate, {
    chat: chat.address,
    blog: blog.address,
    pm: pm.address,
  });
}, 300_000);

afterAll(async () => {
  await proxy?.stop();
  await Promise.all([chat, blog, pm].map((u) => u?.close()));
  rmSync(prefix, { recursive: true, force: true });
});

/** HTTPS to the proxy with SNI and Host set to `host`, verifying the test certificate. */
function secureRequest(
  host: string,
  options: {
    path?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    /** Another nginx than the suite's. */
    via?: Proxy;
    /** The client's own loopback address (all of 127.0.0.0/8 is this machine). */
    from?: string;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: (options.via ?? proxy).httpsPort,
        ...(options.from ? { localAddress: options.from } : {}),
        servername: host,
        ca,
        path: options.path ?? '/',
        method: options.method ?? 'GET',
        headers: { host, ...options.headers },
        timeout: 5000,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

test('nginx -t accepts the rendered config', () => {
  // A second copy of the config (its own prefix) so the check does not touch the running one.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-t-'));
  try {
    const main = writeConfigs(dir, {
      domain,
      httpPort: 8080,
      httpsPort: 8443,
      ...certificate,
      upstreams: { chat: chat.address, blog: blog.address, pm: pm.address },
    });
    expect(() => nginxTest(dir, main)).not.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nginx -t refuses a config whose certificate does not exist', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-t-'));
  try {
    const main = writeConfigs(dir, {
      domain,
      httpPort: 8080,
      httpsPort: 8443,
      cert: path.join(dir, 'missing.pem'),
      key: certificate.key,
      upstreams: { chat: chat.address, blog: blog.address, pm: pm.address },
    });
    expect(() => nginxTest(dir, main)).toThrow(/missing\.pem/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.each(['chat', 'pm'])(
  'https://%s.<domain> reaches its own upstream with forwarding headers',
  async (name) => {
    const answer = await secureRequest(`${name}.${domain}`, { path: '/some/page?x=1' });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-upstream']).toBe(name);
    const seen = JSON.parse(answer.body);
    expect(seen).toMatchObject({ upstream: name, url: '/some/page?x=1' });
    expect(seen.headers).toMatchObject({
      host: `${name}.${domain}`,
      'x-forwarded-proto': 'https',
      'x-real-ip': '127.0.0.1',
    });
  },
);

test('https://blog.<domain> reaches the blog upstream and gets the built site', async () => {
  const answer = await secureRequest(`blog.${domain}`);
  expect(answer.status).toBe(200);
  expect(answer.headers['x-upstream']).toBe('blog');
  expect(answer.body).toContain('<title data-gatsby-head="true">Pipelines blog</title>');
});

test('answers carry the security headers and hide the upstream technology', async () => {
  const answer = await secureRequest(`pm.${domain}`);
  expect(answer.headers).toMatchObject({
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'strict-origin-when-cross-origin',
  });
  expect(answer.headers['x-powered-by']).toBeUndefined();
  expect(answer.headers.server).toBe('nginx');
});

test.each(['chat', 'blog', 'pm'])(
  'http://%s.<domain> redirects to HTTPS, keeping path and query',
  async (name) => {
    const answer = await plainRequest(
      `http://127.0.0.1:${proxy.httpPort}`,
      `${name}.${domain}`,
      '/a/b?c=d',
    );
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe(`https://${name}.${domain}:${proxy.httpsPort}/a/b?c=d`);
  },
);

// certbot's HTTP-01 challenge (decision 0010): Let's Encrypt fetches the token over plain HTTP,
// so it must be served from the webroot, not redirected.
test.each(['chat', 'blog', 'pm'])(
  'http://%s.<domain>/.well-known/acme-challenge/<token> serves the token from the webroot',
  async (name) => {
    const dir = path.join(prefix, 'acme', '.well-known', 'acme-challenge');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `token-${name}`), `proof-${name}`);
    const answer = await plainRequest(
      `http://127.0.0.1:${proxy.httpPort}`,
      `${name}.${domain}`,
      `/.well-known/acme-challenge/token-${name}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(`proof-${name}`);
  },
);

test('an unknown host over HTTP gets the connection closed without an answer', async () => {
  await expect(
    plainRequest(`http://127.0.0.1:${proxy.httpPort}`, 'evil.example.net'),
  ).rejects.toThrow(/socket hang up|ECONNRESET/);
});

test('an unknown host over HTTPS has its TLS handshake refused', async () => {
  const outcome = await new Promise<string>((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: proxy.httpsPort,
      servername: 'evil.example.net',
      ca,
    });
    socket.on('secureConnect', () => {
      socket.destroy();
      resolve('handshake completed');
    });
    socket.on('error', (error) => resolve(error.message));
  });
  expect(outcome).toMatch(/unrecognized name|alert/i);
});

test('a known TLS name followed by an unknown Host header is refused too', async () => {
  await expect(
    secureRequest(`chat.${domain}`, { headers: { host: 'evil.example.net' } }),
  ).rejects.toThrow(/socket hang up|ECONNRESET/);
});

test('a websocket upgrade to chat passes through and echoes', async () => {
  // ws hands TLS options (servername: the SNI) to tls.connect; its own type leaves them out.
  const options: WebSocket.ClientOptions & tls.ConnectionOptions = {
    headers: { host: `chat.${domain}` },
    servername: `chat.${domain}`,
    ca,
  };
  const socket = new WebSocket(`wss://127.0.0.1:${proxy.httpsPort}/websocket`, options);
  const reply = await new Promise<string>((resolve, reject) => {
    socket.on('open', () => socket.send('ping'));
    socket.on('message', (data) => resolve(data.toString()));
    socket.on('error', reject);
  });
  socket.close();
  expect(reply).toBe(`chat echo (chat.${domain}): ping`);
});

test('pm accepts a 10 MB upload and refuses one over 50 MB with 413', async () => {
  const upload = await secureRequest(`pm.${domain}`, {
    method: 'POST',
    body: Buffer.alloc(10 * 1024 * 1024, 1),
  });
  expect(upload.status).toBe(200);
  expect(JSON.parse(upload.body).bytes).toBe(10 * 1024 * 1024);
  // nginx judges the declared length before reading any of the body.
  const tooBig = await new Promise<number>((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: proxy.httpsPort,
        servername: `pm.${domain}`,
        ca,
        method: 'POST',
        headers: { host: `pm.${domain}`, 'content-length': String(51 * 1024 * 1024) },
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.flushHeaders();
  });
  expect(tooBig).toBe(413);
});

test('each host writes its own access log', async () => {
  await secureRequest(`blog.${domain}`, { path: '/access-log-probe/' });
  const probeLine = new RegExp(
    `"blog\\.${domain.replace(/\./g, '\\.')}" "GET /access-log-probe/ HTTP/1.1" 404`,
  );
  // nginx writes a request's log line after it has sent the answer (its log phase ends the
  // request), so the line can come a moment after the response arrived: wait for it, then look.
  const blogLog = () => readFileSync(path.join(proxy.logDir, 'blog.access.log'), 'utf8');
  const log = await until('see the probe in blog.access.log', 10_000, () =>
    probeLine.test(blogLog()) ? blogLog() : undefined,
  ).catch(() => blogLog());
  expect(log).toMatch(probeLine);
  expect(readFileSync(path.join(proxy.logDir, 'refused.access.log'), 'utf8')).toContain(
    'evil.example.net',
  );
});

test('the built blog, served through the proxy, opens in headless Chromium with its title', async () => {
  const artifacts = path.join(repoRoot, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const screenshot = path.join(artifacts, 'blog.png');
  rmSync(screenshot, { force: true });
  const url = `https://blog.${domain}:${proxy.httpsPort}/`;
  const flags = [
    // The blog host resolves to the proxy on loopback; every other name resolves nowhere.
    `--host-resolver-rules=MAP blog.${domain} 127.0.0.1, MAP * ~NOTFOUND`,
    // The certificate is the test's self-signed one (its chain is verified by the tests above).
    '--ignore-certificate-errors',
    '--window-size=1000,700',
  ];
  // Asynchronously: the stand-in upstreams live in this process and must keep answering.
  const dom = await chromiumDom(url, flags);
  expect(dom).toMatch(/<title[^>]*>Pipelines blog<\/title>/);
  expect(dom).toContain('One server into four');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
  try {
    await run(
      systemTool('/usr/bin/chromium'),
      [
        ...headlessChromiumFlags(profile),
        ...flags,
        '--virtual-time-budget=5000',
        `--screenshot=${screenshot}`,
        url,
      ],
      { timeout: 90_000 },
    );
    // A PNG, and not a blank one: a page with text compresses to more than a few hundred bytes.
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(5000);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}, 200_000);

test('a client-sent X-Forwarded-For or X-Real-IP never reaches the upstream: it sees the real address', async () => {
  for (const name of ['chat', 'pm'] as const) {
    const answer = await secureRequest(`${name}.${domain}`, {
      headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1', 'x-real-ip': '203.0.113.7' },
    });
    expect(answer.status).toBe(200);
    const seen = JSON.parse(answer.body);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
  }
});

describe('rate limits (a second nginx, so the suite’s own requests are not limited)', () => {
  let limited: Proxy;
  const limitedPrefix = mkdtempSync(path.join(os.tmpdir(), 'proxy-limits-'));
  beforeAll(async () => {
    limited = await startProxy(limitedPrefix, domain, certificate, {
      chat: chat.address,
      blog: blog.address,
      pm: pm.address,
    });
  });
  afterAll(async () => {
    await limited?.stop();
    rmSync(limitedPrefix, { recursive: true, force: true });
  });

  /** Statuses of up to `max` requests, `parallel` at a time, stopping after the first 429. */
  async function burst(
    max: number,
    parallel: number,
    request: (i: number) => Promise<Answer>,
  ): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < max && !statuses.includes(429); i += parallel) {
      const batch = Array.from({ length: parallel }, (_, j) => request(i + j));
      statuses.push(...(await Promise.all(batch)).map((answer) => answer.status));
    }
    return statuses;
  }

  test('a burst from one client gets 429 however it spoofs X-Forwarded-For; another client is not affected', async () => {
    const statuses = await burst(600, 10, (i) =>
      secureRequest(`pm.${domain}`, {
        via: limited,
        from: '127.0.0.2',
        headers: { 'x-forwarded-for': `198.51.100.${i % 250}` },
      }),
    );
    expect(statuses.slice(0, 100).every((status) => status === 200)).toBe(true);
    expect(statuses).toContain(429);

    const other = await secureRequest(`pm.${domain}`, { via: limited, from: '127.0.0.3' });
    expect(other.status).toBe(200);
  });

  test.each([
    ['pm', '/users/sign_in', '127.0.0.4'],
    ['chat', '/api/v1/login', '127.0.0.5'],
  ])(
    'sign-ins to %s%s get 429 after a burst of 5; the page itself is not limited',
    async (name, login, from) => {
      const post = () =>
        secureRequest(`${name}.${domain}`, { via: limited, from, method: 'POST', path: login });
      // One at a time, so that the first six are the ones the burst lets through.
      const statuses = await burst(30, 1, post);
      expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(statuses).toContain(429);

      const page = await secureRequest(`${name}.${domain}`, { via: limited, from, path: login });
      expect(page.status).toBe(200);
    },
  );
});
