/**
 * Renders the proxy's nginx config from nginx/pipelines.conf.template and its snippets.
 * Placeholders are {{name}} (nginx's own $variables are left alone). Every value is checked
 * before it reaches the config, and a placeholder without a value is an error, never an empty
 * string in the output.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ProxyOptions {
  /** The project domain: hosts are chat.<domain>, blog.<domain>, pm.<domain>. */
  readonly domain: string;
  /** host:port of each service's server (each listens on 3000 in production). */
  readonly upstreams: { readonly chat: string; readonly blog: string; readonly pm: string };
  /** nginx `listen` addresses. Production: 80 and 443. */
  readonly httpListen: string;
  readonly httpsListen: string;
  /** The port HTTPS is reachable on from outside (redirects name it unless it is 443). */
  readonly httpsPublicPort: number;
  readonly sslCertificate: string;
  readonly sslCertificateKey: string;
  readonly logDir: string;
  readonly acmeRoot: string;
  /** Fulcrum attachment limit (nginx size syntax). */
  readonly pmMaxBodySize: string;
}

export const HOSTS = ['chat', 'blog', 'pm'] as const;

export function defaults(domain: string): ProxyOptions {
  return {
    domain,
    upstreams: { chat: 'chat-server:3000', blog: 'blog-server:3000', pm: 'pm-server:3000' },
    httpListen: '80',
    httpsListen: '443',
    httpsPublicPort: 443,
    sslCertificate: `/etc/letsencrypt/live/${domain}/fullchain.pem`,
    sslCertificateKey: `/etc/letsencrypt/live/${domain}/privkey.pem`,
    logDir: '/var/log/nginx',
    acmeRoot: '/var/www/letsencrypt',
    pmMaxBodySize: '50m',
  };
}

const DOMAIN = /^(?=.{1,240}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOST_PORT = /^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const LISTEN = /^((\d{1,3}\.){3}\d{1,3}:|\[[0-9a-f:]+\]:)?\d{1,5}$/;
const FILE_PATH = /^\/[A-Za-z0-9._\-/]+$/;
const SIZE = /^\d+[kKmMgG]?$/;

/** Every problem with the options, each naming the option and the fix; empty when valid. */
export function problems(options: ProxyOptions): string[] {
  const found: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) found.push(message);
  };
  check(
    DOMAIN.test(options.domain),
    `domain "${options.domain}" is not a lower-case DNS name like pipelines.example.com`,
  );
  for (const host of HOSTS) {
    const value = options.upstreams[host];
    check(
      HOST_PORT.test(value),
      `upstream ${host} "${value}" must be host:port, e.g. 10.0.1.20:3000`,
    );
  }
  check(
    LISTEN.test(options.httpListen),
    `httpListen "${options.httpListen}" must be a port or address:port`,
  );
  check(
    LISTEN.test(options.httpsListen),
    `httpsListen "${options.httpsListen}" must be a port or address:port`,
  );
  check(
    Number.isInteger(options.httpsPublicPort) &&
      options.httpsPublicPort > 0 &&
      options.httpsPublicPort < 65536,
    `httpsPublicPort ${options.httpsPublicPort} must be a TCP port (1-65535)`,
  );
  for (const key of ['sslCertificate', 'sslCertificateKey', 'logDir', 'acmeRoot'] as const) {
    check(
      FILE_PATH.test(options[key]),
      `${key} "${options[key]}" must be an absolute path without spaces or quotes`,
    );
  }
  check(
    SIZE.test(options.pmMaxBodySize),
    `pmMaxBodySize "${options.pmMaxBodySize}" must be an nginx size like 50m`,
  );
  return found;
}

/** Replaces {{name}} with values[name]; throws on a placeholder that has no value. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`The template uses {{${name}}}, which has no value.`);
    return value;
  });
}

const templateDir = path.resolve(__dirname, '..', 'nginx');
const read = (name: string) =>
  readFileSync(path.join(templateDir, name), 'utf8').replace(/\n$/, '');

export function renderConfig(options: ProxyOptions): string {
  const found = problems(options);
  if (found.length > 0) throw new Error(`Cannot render the proxy config:\n- ${found.join('\n- ')}`);
  const values: Record<string, string> = {
    domain: options.domain,
    upstream_chat: options.upstreams.chat,
    upstream_blog: options.upstreams.blog,
    upstream_pm: options.upstreams.pm,
    http_listen: options.httpListen,
    https_listen: options.httpsListen,
    https_port_suffix: options.httpsPublicPort === 443 ? '' : `:${options.httpsPublicPort}`,
    ssl_certificate: options.sslCertificate,
    ssl_certificate_key: options.sslCertificateKey,
    log_dir: options.logDir,
    acme_root: options.acmeRoot,
    pm_max_body_size: options.pmMaxBodySize,
  };
  // Snippets first (they hold placeholders too), then the whole file.
  const snippets = {
    tls: fill(read('tls.snippet'), values),
    security_headers: read('security-headers.snippet'),
    proxy_headers: read('proxy-headers.snippet'),
  };
  return fill(read('pipelines.conf.template'), { ...values, ...snippets }) + '\n';
}

/** /etc/hosts lines for running without DNS (as in the notes): every host at the proxy's address. */
export function hostsSnippet(domain: string, proxyAddress: string): string {
  if (!DOMAIN.test(domain)) throw new Error(`domain "${domain}" is not a lower-case DNS name`);
  if (!/^[0-9a-f.:]+$/i.test(proxyAddress))
    throw new Error(`"${proxyAddress}" is not an IP address`);
  return [
    `# Pipelines: the reverse proxy answers for every service host (no DNS needed).`,
    `${proxyAddress} ${HOSTS.map((h) => `${h}.${domain}`).join(' ')}`,
    '',
  ].join('\n');
}
