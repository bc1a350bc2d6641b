/**
 * A real OCI registry (Debian's docker-registry, the CNCF distribution server) with its own
 * config and storage in a temp dir, on a free loopback port. Never the system service on 5000.
 * With `ecr`, it is reached through a proxy that answers as Amazon ECR does (ecrRegistry.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEcrProxy, type EcrProxyOptions } from './ecrRegistry';
import { systemTool } from './paths';
import { answers, startServer, type Server } from './processes';

export interface Registry extends Server {
  /** host:port, as image references name it. */
  readonly host: string;
  /** With `ecr`: the spec-following registry behind the ECR proxy, for reading back directly. */
  readonly upstream?: Registry;
}

export interface RegistryOptions {
  /** Answer as Amazon ECR does (true: every repository exists, immutable tags). */
  ecr?: true | EcrProxyOptions;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const plain = await startPlainRegistry();
  if (!options.ecr) return plain;
  const proxy = await startEcrProxy(plain.endpoint, options.ecr === true ? {} : options.ecr);
  return {
    name: 'docker-registry (as ECR)',
    pid: plain.pid,
    port: proxy.port,
    endpoint: proxy.endpoint,
    host: proxy.host,
    upstream: plain,
    async stop() {
      await proxy.stop();
      await plain.stop();
    },
  };
}

/** The registry behind a proxy that answers as Amazon ECR does. */
export function startEcrRegistry(options: EcrProxyOptions = {}): Promise<Registry> {
  return startRegistry({ ecr: options });
}

async function startPlainRegistry(): Promise<Registry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  const configPath = path.join(dir, 'config.yml');
  const server = await startServer({
    name: 'docker-registry',
    command: systemTool('/usr/bin/docker-registry'),
    args: (port) => {
      writeFileSync(
        configPath,
        [
          'version: 0.1',
          'log:',
          '  level: warn',
          '  accesslog:',
          '    disabled: true',
          'storage:',
          '  filesystem:',
          `    rootdirectory: ${path.join(dir, 'data')}`,
          '  delete:',
          '    enabled: true',
          'http:',
          `  addr: 127.0.0.1:${port}`,
          '',
        ].join('\n'),
      );
      return ['serve', configPath];
    },
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none' },
    ready: (endpoint) => answers(`${endpoint}/v2/`),
  });
  return {
    ...server,
    host: `127.0.0.1:${server.port}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
