/**
 * The retry settings each action really uses, checked by counting requests and recording the
 * delays the retry loop asks for (a swapped sleep), never by measuring time:
 * - every AWS SDK client (s3-upload, lambda-deploy, ecr-push's ECR API calls) comes from
 *   awsClientConfig: the SDK's standard retry mode, 5 attempts per call;
 * - lambda-deploy's waits and conflict retries: jittered exponential backoff from 500 ms, capped at
 *   10 s per wait, and stopped by the deadline set from `timeout-seconds`;
 * - ecr-push's registry requests: 4 attempts, jittered backoff from 500 ms capped at 8 s, and a
 *   server's Retry-After honoured up to that cap.
 * The whole of each job is capped by its `timeout-minutes` in pipeline.yml.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { S3Client, GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { parse } from 'yaml';
import { awsClientConfig } from '@pipelines/action-kit/aws';
import { RetriesExhaustedError } from '@pipelines/action-kit/retry';
import { updateCode } from '@pipelines/lambda-deploy/src/lambda';
import { getInputs as lambdaInputs } from '@pipelines/lambda-deploy/src/inputs';
import { RegistryClient } from '@pipelines/ecr-push/src/registry/client';
import { resolveEndpoint, type RegistryEndpoint } from '@pipelines/ecr-push/src/registry/endpoint';
import { repoRoot } from '@pipelines/testkit';

/** A loopback server answering each request with the next of `answers` (the last one repeats). */
async function scriptedServer(
  answers: Array<{ status: number; headers?: Record<string, string>; body?: string }>,
) {
  let hits = 0;
  const server = http.createServer((req, res) => {
    const answer = answers[Math.min(hits, answers.length - 1)]!;
    hits++;
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    hits: () => hits,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const slowDown = {
  status: 503,
  headers: { 'content-type': 'application/xml' },
  body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};

describe('the AWS SDK clients of every action', () => {
  it.each(['s3', 'lambda', 'ecr'])(
    '%s: standard retry mode with 5 attempts per call',
    (service) => {
      const config = awsClientConfig(service, { region: 'us-east-1', action: 'test' }, {});
      expect(config).toMatchObject({ maxAttempts: 5, retryMode: 'standard' });
    },
  );

  it('stops after 5 attempts when S3 keeps answering 503 SlowDown (bounded, then the error)', async () => {
    const server = await scriptedServer([slowDown]);
    const env = { AWS_ENDPOINT_URL: server.endpoint };
    const s3 = new S3Client({
      ...awsClientConfig('s3', { region: 'us-east-1', action: 'test' }, env),
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    try {
      const error = await s3
        .send(new GetBucketVersioningCommand({ Bucket: 'artifacts' }))
        .catch((e: unknown) => e);
      expect((error as { name?: string }).name).toBe('SlowDown');
      expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(5);
      expect(server.hits()).toBe(5);
    } finally {
      s3.destroy();
      await server.stop();
    }
  }, 60_000);

  it('retries a transient 503 SlowDown and returns the answer', async () => {
    const server = await scriptedServer([
      slowDown,
      {
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>',
      },
    ]);
    const s3 = new S3Client({
      ...awsClientConfig('s3', { region: 'us-east-1', action: 'test' }, {}),
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    try {
      const out = await s3.send(new GetBucketVersioningCommand({ Bucket: 'artifacts' }));
      expect(out.Status).toBe('Enabled');
      expect(server.hits()).toBe(2);
    } finally {
      s3.destroy();
      await server.stop();
    }
  }, 60_000);
});

describe("lambda-deploy's waits and conflict retries", () => {
  // A stand-in client: moto never answers ResourceConflictException (its updates finish at once),
  // so only a stub can show a conflict that outlasts the deadline.
  const conflicting = {
    send: async () => {
      throw Object.assign(new Error('An update is in progress'), {
        name: 'ResourceConflictException',
      });
    },
  } as unknown as LambdaClient;

  function clock(start: number) {
    let now = start;
    const slept: number[] = [];
    return {
      slept,
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    };
  }

  it('backs off exponentially with jitter, each wait at most 10 s, and gives up at the deadline', async () => {
    const timeoutSeconds = 300;
    const c = clock(1_000_000);
    const error = await updateCode(
      {
        lambda: conflicting,
        deadline: 1_000_000 + timeoutSeconds * 1000,
        log: () => undefined,
        sleep: c.sleep,
        now: c.now,
      },
      'mint-KatanaLambda',
      { kind: 's3', bucket: 'b', key: 'k', version: 'v' },
      undefined,
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as Error).message).toMatch(/timed out/);
    // Each delay is within its exponential cap: 500, 1000, 2000, ... up to 10 s (full jitter).
    c.slept.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(10_000, 500 * 2 ** i));
    });
    // The total never passes the deadline the timeout sets.
    expect(c.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(timeoutSeconds * 1000);
    // Jitter: the delays are not all their caps.
    expect(c.slept.some((ms, i) => ms !== Math.min(10_000, 500 * 2 ** i))).toBe(true);
  });

  it('takes the deadline from timeout-seconds: 300 by default, 10 to 3600 allowed', () => {
    const base = {
      'INPUT_FUNCTION-NAME': 'mint-KatanaLambda',
      'INPUT_ZIP-FILE': 'x.zip',
      AWS_REGION: 'us-east-1',
    };
    expect(lambdaInputs(base).timeoutSeconds).toBe(300);
    expect(lambdaInputs({ ...base, 'INPUT_TIMEOUT-SECONDS': '3600' }).timeoutSeconds).toBe(3600);
    expect(() => lambdaInputs({ ...base, 'INPUT_TIMEOUT-SECONDS': '3601' })).toThrow(
      /timeout-seconds/,
    );
  });
});

describe("ecr-push's registry requests", () => {
  const endpointOf = (url: string) => resolveEndpoint(url, false) as RegistryEndpoint;
  const recorder = () => {
    const slept: number[] = [];
    return { slept, sleep: async (ms: number) => void slept.push(ms) };
  };
  const unavailable = (retryAfter?: string) => ({
    status: 503,
    headers: {
      'content-type': 'application/json',
      ...(retryAfter ? { 'retry-after': retryAfter } : {}),
    },
    body: JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'busy' }] }),
  });

  it('honours Retry-After: waits what the registry asked before the next attempt', async () => {
    const server = await scriptedServer([unavailable('2'), { status: 404 }]);
    const { slept, sleep } = recorder();
    try {
      const client = new RegistryClient(endpointOf(server.endpoint), { sleep });
      await expect(client.headBlob('blog', `sha256:${'a'.repeat(64)}`)).resolves.toBeUndefined();
      expect(slept).toEqual([2000]);
      expect(server.hits()).toBe(2);
    } finally {
      await server.stop();
    }
  });

  it('caps a Retry-After longer than 8 s at 8 s, and stops after 4 attempts', async () => {
    const server = await scriptedServer([unavailable('120')]);
    const { slept, sleep } = recorder();
    try {
      const client = new RegistryClient(endpointOf(server.endpoint), { sleep });
      await expect(client.headBlob('blog', `sha256:${'a'.repeat(64)}`)).rejects.toThrow(
        /after 4 attempt/,
      );
      expect(slept).toEqual([8000, 8000, 8000]);
      expect(server.hits()).toBe(4);
    } finally {
      await server.stop();
    }
  });

  it('without Retry-After, backs off with full jitter under an exponential cap from 500 ms', async () => {
    const server = await scriptedServer([unavailable()]);
    const { slept, sleep } = recorder();
    try {
      const client = new RegistryClient(endpointOf(server.endpoint), { sleep });
      await expect(client.headBlob('blog', `sha256:${'a'.repeat(64)}`)).rejects.toThrow();
      expect(slept).toHaveLength(3);
      slept.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(500 * 2 ** i));
    } finally {
      await server.stop();
    }
  });

  it('does not retry an answer (a 4xx other than 408 and 429)', async () => {
    const server = await scriptedServer([{ status: 401, body: '{"errors":[{"code":"DENIED"}]}' }]);
    const { slept, sleep } = recorder();
    try {
      const client = new RegistryClient(endpointOf(server.endpoint), { sleep });
      await expect(client.headBlob('blog', `sha256:${'a'.repeat(64)}`)).rejects.toThrow(/401/);
      expect(slept).toEqual([]);
      expect(server.hits()).toBe(1);
    } finally {
      await server.stop();
    }
  });
});

describe('the jobs that run these actions', () => {
  const workflow = parse(
    readFileSync(path.join(repoRoot, '.github', 'workflows', 'pipeline.yml'), 'utf8'),
  ) as { jobs: Record<string, { 'timeout-minutes'?: number; steps?: Array<{ uses?: string }> }> };

  it('each has a timeout-minutes of at most 30, which caps all retries of the job', () => {
    const jobs = Object.entries(workflow.jobs).filter(([, job]) =>
      (job.steps ?? []).some((s) =>
        /^\.\/actions\/(s3-upload|lambda-deploy|ecr-push)$/.test(s.uses ?? ''),
      ),
    );
    expect(jobs.map(([name]) => name).sort()).toEqual(
      ['deploy', 'deploy-with-approval', 'images', 'upload'].sort(),
    );
    for (const [name, job] of jobs) {
      expect({ name, timeout: (job['timeout-minutes'] ?? 360) <= 30 }).toEqual({
        name,
        timeout: true,
      });
    }
  });
});
