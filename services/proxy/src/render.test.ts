import { defaults, fill, hostsSnippet, problems, renderConfig } from './render';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectDomain } from './domain';

const domain = projectDomain();

describe('projectDomain', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'proxy-domain-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('reads project.domain from an environments file', () => {
    const file = path.join(dir, 'environments.yml');
    writeFileSync(file, 'version: 1\nproject:\n  name: x\n  domain: fork.example.org\n');
    expect(projectDomain(file)).toBe('fork.example.org');
  });

  test('fails with the fix when project.domain is missing', () => {
    const file = path.join(dir, 'environments.yml');
    writeFileSync(file, 'version: 1\nproject:\n  name: x\n');
    expect(() => projectDomain(file)).toThrow(/has no project\.domain/);
  });

  test('the repository environments.yml names a domain the renderer accepts', () => {
    expect(problems(defaults(domain))).toEqual([]);
  });
});

test('renders one HTTPS server block per host under the domain', () => {
  const config = renderConfig(defaults('example.org'));
  for (const host of ['chat', 'blog', 'pm']) {
    expect(config).toMatch(new RegExp(`server_name ${host}\\.example\\.org;`));
  }
  expect(config).not.toMatch(/\{\{|\}\}/);
  expect(config).toContain('return 301 https://$host$request_uri;');
});

test('a non-standard public HTTPS port is kept in the redirect', () => {
  const config = renderConfig({ ...defaults(domain), httpsPublicPort: 8443 });
  expect(config).toContain('return 301 https://$host:8443$request_uri;');
});

test('upstream addresses are configurable', () => {
  const config = renderConfig({
    ...defaults(domain),
    upstreams: { chat: '10.0.1.10:3000', blog: '10.0.2.10:3000', pm: '10.0.3.10:3000' },
  });
  expect(config).toMatch(/upstream pipelines_chat \{\s+server 10\.0\.1\.10:3000;/);
  expect(config).toMatch(/upstream pipelines_pm \{\s+server 10\.0\.3\.10:3000;/);
});

test.each([
  [{ domain: 'Bad Domain' }, /domain "Bad Domain"/],
  [
    { upstreams: { chat: 'nohost', blog: 'b:1', pm: 'p:1' } },
    /upstream chat "nohost" must be host:port/,
  ],
  [{ sslCertificate: 'relative.pem' }, /sslCertificate "relative.pem" must be an absolute path/],
  [{ logDir: '/var/log; evil' }, /logDir/],
  [{ pmMaxBodySize: '50 MB' }, /pmMaxBodySize/],
  [{ httpsPublicPort: 70000 }, /httpsPublicPort/],
])('refuses %j, naming the option', (override, message) => {
  const options = { ...defaults(domain), ...override };
  expect(problems(options).join('\n')).toMatch(message);
  expect(() => renderConfig(options)).toThrow(/Cannot render the proxy config/);
});

test('a placeholder without a value is an error, not an empty string', () => {
  expect(() => fill('listen {{port}};', {})).toThrow(/\{\{port\}\}/);
  expect(fill('a $host {{x}}', { x: '1' })).toBe('a $host 1');
});

test('the hosts snippet maps every service host to the proxy address', () => {
  expect(hostsSnippet('pipelines.example.com', '10.0.0.5')).toContain(
    '10.0.0.5 chat.pipelines.example.com blog.pipelines.example.com pm.pipelines.example.com',
  );
  expect(() => hostsSnippet('pipelines.example.com', 'evil; rm')).toThrow(/not an IP address/);
});
