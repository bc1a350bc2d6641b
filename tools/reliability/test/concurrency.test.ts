/**
 * Two deploys to one function and alias at once. The workflow serialises deploys per environment
 * (its concurrency groups, asserted below); the action itself refuses to move an alias that moved
 * under it (compare before set), so the deploy that finishes later never silently undoes the
 * other. The interleaving is forced, not left to timing: a gate between deploy B and moto holds
 * B's second read of the alias (the one just before it moves it) until deploy A has finished.
 */
import { GetAliasCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot, runAction, startMoto, type Moto } from '@pipelines/testkit';
import { loadEnvironments, concreteEnvironments } from '@pipelines/environments';
import { createFunction, createLambdaRole, makeZip } from '../src/fixtures';
import { localAwsClients, type LocalAwsClients } from '../src/localState';

jest.setTimeout(120_000);

/** A forwarding proxy that holds the requests `hold` picks until `release()` is called. */
async function startGate(target: string, hold: (method: string, url: string) => boolean) {
  const upstream = new URL(target);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let onHeld: () => void = () => undefined;
  const held = new Promise<void>((r) => (onHeld = r));
  const server = http.createServer((req, res) => {
    const forward = () => {
      const proxied = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      proxied.on('error', () => res.destroy());
      req.pipe(proxied);
    };
    if (hold(req.method ?? 'GET', req.url ?? '/')) {
      onHeld();
      void released.then(forward);
    } else forward();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    release,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('two lambda-deploy runs against one function and alias', () => {
  let moto: Moto;
  let clients: LocalAwsClients;
  let dir: string;
  beforeAll(async () => {
    moto = await startMoto();
    clients = localAwsClients(moto.endpoint);
    dir = mkdtempSync(path.join(os.tmpdir(), 'reliability-concurrency-'));
    await createLambdaRole(moto.endpoint);
  }, 60_000);
  afterAll(async () => {
    clients?.lambda.destroy();
    clients?.s3.destroy();
    clients?.ecr.destroy();
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the one whose alias moved under it refuses, and the other deploy keeps the alias', async () => {
    const fn = 'mint-KatanaLambda';
    await createFunction(clients, fn, makeZip(dir, 'initial'));
    const a = makeZip(dir, 'release-a');
    const b = makeZip(dir, 'release-b');
    let aliasReads = 0;
    const gate = await startGate(moto.endpoint, (method, url) => {
      if (method !== 'GET' || !url.includes(`/functions/${fn}/aliases/live`)) return false;
      return ++aliasReads === 2; // B's re-read just before it would move the alias
    });
    const deploy = (zip: typeof a, endpoint: string) =>
      runAction({
        action: 'actions/lambda-deploy',
        inputs: { 'function-name': fn, 'zip-file': zip.file, alias: 'live' },
        env: { ...moto.awsEnv(), AWS_ENDPOINT_URL: endpoint },
      });
    try {
      const runB = deploy(b, gate.endpoint);
      await gate.held;
      const runA = await deploy(a, moto.endpoint);
      gate.release();
      const resultB = await runB;

      expect(runA.errors).toEqual([]);
      expect(runA.exitCode).toBe(0);
      expect(resultB.exitCode).not.toBe(0);
      expect(resultB.errors.join('\n')).toMatch(
        /alias "live" moved during this deploy: it pointed at version 1 when the deploy started and points at version \d+ now/,
      );
      // The alias is where A put it and serves A's code: B did not silently win or undo it.
      const alias = await clients.lambda.send(
        new GetAliasCommand({ FunctionName: fn, Name: 'live' }),
      );
      expect(alias.FunctionVersion).toBe(runA.outputs.version);
      const served = await clients.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: 'live' }),
      );
      expect(Buffer.from(served.CodeSha256 ?? '', 'base64').toString('hex')).toBe(a.sha256);
      expect(resultB.outputs).toEqual({});
    } finally {
      gate.release();
      await gate.stop();
    }
  });
});

describe("the workflow's concurrency groups", () => {
  interface Job {
    environment?: string | { name: string };
    concurrency?: { group: string; 'cancel-in-progress'?: boolean };
    steps?: Array<{ uses?: string }>;
  }
  const workflow = parse(
    readFileSync(path.join(repoRoot, '.github', 'workflows', 'pipeline.yml'), 'utf8'),
  ) as { concurrency: { group: string; 'cancel-in-progress': boolean }; jobs: Record<string, Job> };
  const deployJobs = Object.entries(workflow.jobs).filter(([, job]) =>
    (job.steps ?? []).some((s) => s.uses === './actions/lambda-deploy'),
  );
  const environments = concreteEnvironments(
    loadEnvironments(path.join(repoRoot, 'environments.yml')),
  ).map((e) => e.name);
  /** The group and environment a job would have for a ref resolving to `env`. */
  const evaluate = (template: string, env: string) =>
    template.replace(/\$\{\{\s*needs\.resolve\.outputs\.environment\s*\}\}/g, env);
  const environmentOf = (job: Job) =>
    typeof job.environment === 'string' ? job.environment : (job.environment?.name ?? '');

  it('puts every job that deploys Lambda in a deploy group of its environment, never cancelling a running deploy', () => {
    expect(deployJobs.map(([name]) => name).sort()).toEqual(['deploy', 'deploy-with-approval']);
    for (const [name, job] of deployJobs) {
      expect({ name, group: job.concurrency?.group }).toEqual({
        name,
        group: expect.stringMatching(/^deploy-/),
      });
      expect(job.concurrency?.['cancel-in-progress']).toBe(false);
      for (const env of environments) {
        expect(evaluate(job.concurrency!.group, env)).toBe(
          `deploy-${evaluate(environmentOf(job), env)}`,
        );
      }
    }
  });

  it('gives two deploys to one environment the same group, from either job, and different environments different groups', () => {
    const [, deploy] = deployJobs.find(([n]) => n === 'deploy')!;
    const [, approval] = deployJobs.find(([n]) => n === 'deploy-with-approval')!;
    expect(evaluate(deploy.concurrency!.group, 'prod')).toBe(
      evaluate(approval.concurrency!.group, 'prod'),
    );
    const groups = environments.map((env) => evaluate(deploy.concurrency!.group, env));
    expect(new Set(groups).size).toBe(environments.length);
  });

  it('has no run-level group, so a run waiting for a reviewer holds back no later push to the same ref', () => {
    // GitHub keeps one pending run per group: a run-level group would park every later push to
    // master behind the one waiting for approval. Only the deploy jobs are grouped (above).
    expect(workflow.concurrency).toBeUndefined();
  });
});
