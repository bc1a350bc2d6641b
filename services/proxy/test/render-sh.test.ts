/**
 * render.sh (what the server runs: bash and envsubst) and src/render.ts (what the tests and the
 * CLI use) must write the same config for the same settings, and refuse the same bad ones.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaults, renderConfig, type ProxyOptions } from '../src/render';

const SCRIPT = path.resolve(__dirname, '..', 'render.sh');

/** The environment the user data gives render.sh for these options. */
function settings(options: ProxyOptions): Record<string, string> {
  return {
    DOMAIN: options.domain,
    CHAT_UPSTREAM: options.upstreams.chat,
    BLOG_UPSTREAM: options.upstreams.blog,
    PM_UPSTREAM: options.upstreams.pm,
    HTTP_LISTEN: options.httpListen,
    HTTPS_LISTEN: options.httpsListen,
    HTTPS_PUBLIC_PORT: String(options.httpsPublicPort),
    SSL_CERTIFICATE: options.sslCertificate,
    SSL_CERTIFICATE_KEY: options.sslCertificateKey,
    LOG_DIR: options.logDir,
    ACME_ROOT: options.acmeRoot,
    PM_MAX_BODY_SIZE: options.pmMaxBodySize,
  };
}

function renderSh(env: Record<string, string | undefined>) {
  const result = spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const production = {
  ...defaults('pipelines.example.com'),
  upstreams: { chat: '10.0.2.10:3000', blog: '10.0.3.10:3000', pm: '10.0.4.10:3000' },
};
const local: ProxyOptions = {
  ...defaults('fork.example.org'),
  upstreams: { chat: '127.0.0.1:4101', blog: 'blog-server:3000', pm: '[::1]:4103' },
  httpListen: '127.0.0.1:8080',
  httpsListen: '[::1]:8443',
  httpsPublicPort: 8443,
  sslCertificate: '/tmp/certs/cert.pem',
  sslCertificateKey: '/tmp/certs/key.pem',
  logDir: '/tmp/logs',
  acmeRoot: '/tmp/acme',
  pmMaxBodySize: '200M',
};

describe('render.sh', () => {
  it.each([
    ['production settings', production],
    ['a local run on other ports and paths', local],
  ])('writes what renderConfig writes, for %s', (_name, options) => {
    const result = renderSh(settings(options));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(renderConfig(options));
  });

  it('uses the same defaults as renderConfig for the settings the infra does not give', () => {
    const { DOMAIN, CHAT_UPSTREAM, BLOG_UPSTREAM, PM_UPSTREAM } = settings(production);
    const result = renderSh({ DOMAIN, CHAT_UPSTREAM, BLOG_UPSTREAM, PM_UPSTREAM });
    expect(result.stdout).toBe(renderConfig(production));
  });

  it('refuses bad settings with the same messages, and writes nothing', () => {
    const bad: ProxyOptions = {
      ...production,
      domain: 'Not A Domain',
      upstreams: { ...production.upstreams, pm: '10.0.4.10' },
      httpsPublicPort: 70000,
      logDir: 'relative/logs',
      pmMaxBodySize: 'lots',
    };
    let expected = '';
    try {
      renderConfig(bad);
    } catch (error) {
      expected = (error as Error).message;
    }
    const result = renderSh(settings(bad));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd()).toBe(expected);
  });

  it('refuses a template placeholder it has no value for', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-render-sh-'));
    cpSync(path.resolve(__dirname, '..', 'nginx'), dir, { recursive: true });
    const template = path.join(dir, 'pipelines.conf.template');
    writeFileSync(template, `${readFileSync(template, 'utf8')}# {{no_such_value}}\n`);
    const result = spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, PIPELINES_PROXY_TEMPLATES: dir, ...settings(production) },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('The template uses {{no_such_value}}, which has no value.');
  });
});
