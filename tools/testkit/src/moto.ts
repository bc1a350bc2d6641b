/** moto in server mode: the local AWS API (S3, Lambda, ECR, STS, IAM). */
import { toolPath } from './paths';
import { answers, startServer, type Server } from './processes';

export interface Moto extends Server {
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Environment for an SDK or the AWS CLI talking to this server. */
  awsEnv(region?: string): Record<string, string>;
}

export async function startMoto(): Promise<Moto> {
  const server = await startServer({
    name: 'moto',
    command: toolPath('moto_server'),
    args: (port) => ['-H', '127.0.0.1', '-p', String(port)],
    // Lambda functions run without Docker here (none is available); see docs/design.md.
    env: { ...process.env, MOTO_DOCKER_NETWORK_MODE: '', LAMBDA_DOCKER_NETWORK: '' },
    ready: (endpoint) => answers(`${endpoint}/moto-api/data.json`),
  });
  const configure = async () => {
    const response = await fetch(`${server.endpoint}/moto-api/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lambda: { use_docker: false } }),
    });
    if (!response.ok) throw new Error(`moto config failed: ${response.status}`);
  };
  await configure();
  return {
    ...server,
    async reset() {
      const response = await fetch(`${server.endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
      await configure();
    },
    awsEnv(region = 'us-east-1') {
      return {
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    },
  };
}
