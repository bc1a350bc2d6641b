/**
 * Renders the proxy config (and the hosts snippet) to files.
 *   pnpm --filter @pipelines/proxy run render -- --out pipelines.conf [--hosts hosts.txt]
 *     [--domain D] [--chat host:port] [--blog host:port] [--pm host:port] [--proxy-address IP]
 * The domain defaults to project.domain in environments.yml.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { projectDomain } from './domain';
import { defaults, hostsSnippet, renderConfig } from './render';

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      hosts: { type: 'string' },
      domain: { type: 'string' },
      chat: { type: 'string' },
      blog: { type: 'string' },
      pm: { type: 'string' },
      'proxy-address': { type: 'string', default: '127.0.0.1' },
      'ssl-certificate': { type: 'string' },
      'ssl-certificate-key': { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out is required: the file to write the nginx config to.');
  const domain = values.domain ?? projectDomain();
  const base = defaults(domain);
  const options = {
    ...base,
    upstreams: {
      chat: values.chat ?? base.upstreams.chat,
      blog: values.blog ?? base.upstreams.blog,
      pm: values.pm ?? base.upstreams.pm,
    },
    sslCertificate: values['ssl-certificate'] ?? base.sslCertificate,
    sslCertificateKey: values['ssl-certificate-key'] ?? base.sslCertificateKey,
  };
  writeFileSync(values.out, renderConfig(options));
  if (values.hosts) writeFileSync(values.hosts, hostsSnippet(domain, values['proxy-address']));
}

try {
  main();
} catch (error) {
  process.stderr.write(`::error::${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
