/**
 * A real OCI registry (Debian's docker-registry, the CNCF distribution server) with its own
 * config and storage in a temp dir, on a free loopback port. Never the system service on 5000.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemTool } from './paths';
import { answers, startServer, type Server } from './processes';

export interface Registry extends Server {
  /** host:port, as image references name it. */
  readonly host: string;
}

export async function startRegistry(): Promise<Registry> {
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
