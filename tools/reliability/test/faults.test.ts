/**
 * The actions' committed bundles, run the way the runner runs them, with the testkit's fault
 * proxy between them and the local AWS (moto) and the local OCI registry: connection resets before
 * and after the server acted, latency, 500, 503 SlowDown with Retry-After, 429 throttling and
 * truncated bodies. Every run must end in success with the right result, or in a failure with an
 * ::error:: that left nothing wrong behind. Plans are seeded: the same faults hit the same
 * requests on every run of this file.
 */
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { GetAliasCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  repoRoot,
  runAction,
  startFaultProxy,
  startMoto,
  startRegistry,
  type ActionRun,
  type FaultProxy,
  type Moto,
  type Registry,
} from '@pipelines/testkit';
import { faultTable, recordedBlock, replaceBlock, type FaultRow } from '../src/figures';
import {
  createBucket,
  createFunction,
  createLambdaRole,
  makeLayout,
  makePackage,
  makeZip,
  sha256Hex,
} from '../src/fixtures';
import { localAwsClients, type LocalAwsClients } from '../src/localState';
import {
  addRun,
  classify,
  emptyTally,
  sumTallies,
  type RunFacts,
  type Tally,
} from '../src/outcome';
import {
  FAULT_KINDS,
  faultFor,
  planFor,
  seedOf,
  shapesFor,
  type FaultKind,
  type PlanShape,
} from '../src/plans';

jest.setTimeout(300_000);

const BUCKET = 'faults-artifacts';
const REPOSITORY = 'faults/blog';
const ACTIONS = ['s3-upload', 'lambda-deploy', 'ecr-push'] as const;
type ActionName = (typeof ACTIONS)[number];
const hexOf = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('hex');

let moto: Moto;
let registry: Registry;
let clients: LocalAwsClients;
let dir: string;
const proxies = {} as Record<'s3' | 'lambda' | 'ecrApi' | 'registry', FaultProxy>;
const tallies = new Map<string, Tally>();

/** Faults that made a request fail (latency does not). */
const failing = (proxy: FaultProxy, before: Record<string, number>) =>
  Object.entries(proxy.counts)
    .filter(([kind]) => kind !== 'forward' && kind !== 'delay')
    .reduce((n, [kind, count]) => n + count - (before[kind] ?? 0), 0);

beforeAll(async () => {
  [moto, registry] = await Promise.all([startMoto(), startRegistry()]);
  clients = localAwsClients(moto.endpoint);
  dir = mkdtempSync(path.join(os.tmpdir(), 'reliability-faults-'));
  proxies.s3 = await startFaultProxy(moto.endpoint);
  proxies.lambda = await startFaultProxy(moto.endpoint);
  proxies.ecrApi = await startFaultProxy(moto.endpoint);
  proxies.registry = await startFaultProxy(registry.endpoint);
  await createLambdaRole(moto.endpoint);
  await createBucket(clients, BUCKET, 'Enabled');
  await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
}, 60_000);

afterAll(async () => {
  for (const proxy of Object.values(proxies)) await proxy?.stop();
  clients?.s3.destroy();
  clients?.lambda.destroy();
  clients?.ecr.destroy();
  await Promise.all([moto?.stop(), registry?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
  report();
});

const awsEnv = (endpoint: string) => ({ ...moto.awsEnv(), AWS_ENDPOINT_URL: endpoint });
const run = (action: ActionName, inputs: Record<string, string>, endpoint: string) =>
  runAction({ action: `actions/${action}`, inputs, env: awsEnv(endpoint), timeoutMs: 120_000 });

async function objectSha256(key: string, versionId: string): Promise<string> {
  const got = await clients.s3.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: key, VersionId: versionId }),
  );
  return sha256Hex(await got.Body!.transformToByteArray());
}

/** s3-upload: the output version holds the file's bytes; no version of the key holds others. */
async function s3UploadRun(name: string, fault: FaultKind, shape: PlanShape, seed: number) {
  const multipart = shape.shape !== 'scattered' || shape.rate > 0.3;
  const pkg = makePackage(dir, name, multipart ? 6 * 1024 * 1024 : 48 * 1024);
  const key = `s3/${name}.zip`;
  const before = { ...proxies.s3.counts };
  proxies.s3.setPlan(planFor(faultFor(fault, 's3'), shape, seed));
  const result = await run(
    's3-upload',
    { file: pkg.file, bucket: BUCKET, key, 'part-size-mb': '5' },
    proxies.s3.endpoint,
  );
  proxies.s3.setPlan(() => undefined);
  const leftovers = async () => {
    const problems: string[] = [];
    const uploads = await clients.s3.send(
      new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }),
    );
    for (const u of uploads.Uploads ?? []) problems.push(`orphan multipart upload ${u.UploadId}`);
    const versions = await clients.s3.send(
      new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }),
    );
    for (const v of versions.Versions ?? []) {
      // A version the server stored although its answer was lost is fine if it is these bytes.
      const got = await objectSha256(key, v.VersionId!);
      if (got !== pkg.sha256) problems.push(`version ${v.VersionId} holds ${got}, not the package`);
    }
    return problems;
  };
  const debris = await leftovers();
  const success: string[] = [...debris];
  if (result.exitCode === 0) {
    const versionId = result.outputs['version-id'] ?? '';
    if (result.outputs.sha256 !== pkg.sha256)
      success.push(`sha256 output ${result.outputs.sha256}`);
    const stored = versionId ? await objectSha256(key, versionId) : '(no version-id)';
    if (stored !== pkg.sha256) success.push(`version ${versionId} holds ${stored}`);
  }
  return facts(result, success, debris, failing(proxies.s3, before));
}

/** lambda-deploy: CodeSha256 is the package's and the alias serves it; or the alias did not move. */
async function lambdaDeployRun(name: string, fault: FaultKind, shape: PlanShape, seed: number) {
  const fn = `faults-${name}`.slice(0, 64);
  await createFunction(clients, fn, makeZip(dir, `${name}-initial`));
  const pkg = makeZip(dir, `${name}-release`);
  const key = `lambda/${fn}.zip`;
  const put = await clients.s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: pkg.bytes }),
  );
  const before = { ...proxies.lambda.counts };
  proxies.lambda.setPlan(planFor(faultFor(fault, 'lambda'), shape, seed));
  const result = await run(
    'lambda-deploy',
    {
      'function-name': fn,
      's3-bucket': BUCKET,
      's3-key': key,
      's3-object-version': put.VersionId ?? '',
      'expected-sha256': pkg.sha256,
      alias: 'live',
      'timeout-seconds': '60',
    },
    proxies.lambda.endpoint,
  );
  proxies.lambda.setPlan(() => undefined);
  const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
  const served = await clients.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: 'live' }),
  );
  const success: string[] = [];
  if (result.exitCode === 0) {
    if (result.outputs['code-sha256'] !== pkg.sha256) success.push('code-sha256 output differs');
    if (alias.FunctionVersion !== result.outputs.version) {
      success.push(`alias at ${alias.FunctionVersion}, output version ${result.outputs.version}`);
    }
    if (hexOf(served.CodeSha256) !== pkg.sha256) {
      success.push(`alias serves ${hexOf(served.CodeSha256)}, not the package ${pkg.sha256}`);
    }
  }
  const failure =
    alias.FunctionVersion === '1'
      ? []
      : [`alias moved to ${alias.FunctionVersion} by a failed run`];
  return facts(result, success, failure, failing(proxies.lambda, before));
}

/** Every tag of the repository names a manifest whose blobs the registry has. */
async function danglingTags(): Promise<string[]> {
  const problems: string[] = [];
  const base = `${registry.endpoint}/v2/${REPOSITORY}`;
  const list = (await (await fetch(`${base}/tags/list`)).json()) as { tags?: string[] | null };
  for (const tag of list.tags ?? []) {
    const response = await fetch(`${base}/manifests/${tag}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    if (!response.ok) {
      problems.push(`tag ${tag}: manifest answers ${response.status}`);
      continue;
    }
    const manifest = (await response.json()) as {
      config: { digest: string };
      layers: { digest: string }[];
    };
    for (const blob of [manifest.config, ...manifest.layers]) {
      const head = await fetch(`${base}/blobs/${blob.digest}`, { method: 'HEAD' });
      if (head.status !== 200) problems.push(`tag ${tag}: blob ${blob.digest} is missing`);
    }
  }
  return problems;
}

/** ecr-push: the registry serves the pushed digest under the tag; or no tag names a broken image. */
async function ecrPushRun(name: string, fault: FaultKind, shape: PlanShape, seed: number) {
  const layout = makeLayout(dir, name);
  const tag = name;
  const before = { ...proxies.ecrApi.counts };
  const beforeRegistry = { ...proxies.registry.counts };
  proxies.ecrApi.setPlan(planFor(faultFor(fault, 'ecr-api'), shape, seed));
  proxies.registry.setPlan(planFor(faultFor(fault, 'registry'), shape, seed + 1));
  const result = await run(
    'ecr-push',
    {
      image: layout.dir,
      repository: REPOSITORY,
      tags: tag,
      registry: `127.0.0.1:${proxies.registry.port}`,
    },
    proxies.ecrApi.endpoint,
  );
  proxies.ecrApi.setPlan(() => undefined);
  proxies.registry.setPlan(() => undefined);
  const base = `${registry.endpoint}/v2/${REPOSITORY}`;
  const debris = await danglingTags();
  const success = [...debris];
  if (result.exitCode === 0) {
    if (result.outputs.digest !== layout.digest)
      success.push(`digest output ${result.outputs.digest}`);
    const byDigest = await fetch(`${base}/manifests/${layout.digest}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    const served = `sha256:${sha256Hex(Buffer.from(await byDigest.arrayBuffer()))}`;
    if (served !== layout.digest) success.push(`registry serves ${served} for ${layout.digest}`);
    const byTag = await fetch(`${base}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    if (byTag.headers.get('docker-content-digest') !== layout.digest) {
      success.push(`tag ${tag} names ${byTag.headers.get('docker-content-digest')}`);
    }
  }
  const faults = failing(proxies.ecrApi, before) + failing(proxies.registry, beforeRegistry);
  return facts(result, success, debris, faults);
}

function facts(
  result: ActionRun,
  successProblems: string[],
  failureProblems: string[],
  failingFaults: number,
): RunFacts & { result: ActionRun } {
  return {
    exitCode: result.exitCode,
    errors: result.errors,
    successProblems,
    failureProblems,
    failingFaults,
    result,
  };
}

const runners = {
  's3-upload': s3UploadRun,
  'lambda-deploy': lambdaDeployRun,
  'ecr-push': ecrPushRun,
};

describe.each(FAULT_KINDS.map((f) => [f]))('under %s', (fault) => {
  it('every run of s3-upload, lambda-deploy and ecr-push ends with the right result or a clean failure', async () => {
    const wrong: string[] = [];
    await Promise.all(
      ACTIONS.map(async (action) => {
        let tally = emptyTally();
        const shapes = shapesFor(seedOf(`${action}/${fault}`));
        for (const [i, shape] of shapes.entries()) {
          const name = `${fault}-${i}`.replace(/[^a-z0-9-]/g, '-');
          const seed = seedOf(`${action}/${fault}/${i}`);
          const f = await runners[action](name, fault, shape, seed);
          const { outcome, why } = classify(f);
          tally = addRun(tally, f, outcome);
          if (outcome === 'wrong') {
            wrong.push(
              `${action} ${name} (${JSON.stringify(shape)}): ${why.join('; ')}\n${f.result.stdout.slice(-2000)}`,
            );
          }
        }
        tallies.set(`${action}\t${fault}`, tally);
      }),
    );
    expect(wrong).toEqual([]);
  });
});

describe('the fault matrix as a whole', () => {
  it('made every action retry its way through faults, and made some runs fail (cleanly)', () => {
    const rows = [...tallies.values()];
    expect(rows).toHaveLength(ACTIONS.length * FAULT_KINDS.length);
    for (const action of ACTIONS) {
      const mine = [...tallies.entries()].filter(([k]) => k.startsWith(`${action}\t`));
      expect({ action, retried: sumTallies(mine.map(([, t]) => t)).retried > 0 }).toEqual({
        action,
        retried: true,
      });
    }
    const total = sumTallies(rows);
    expect(total.failedCleanly).toBeGreaterThan(0);
    expect(total.wrong).toBe(0);
  });
});

function report(): void {
  if (tallies.size === 0) return;
  const rows: FaultRow[] = ACTIONS.flatMap((action) =>
    FAULT_KINDS.flatMap((fault) => {
      const tally = tallies.get(`${action}\t${fault}`);
      return tally ? [{ action, fault, tally }] : [];
    }),
  );
  const table = faultTable(rows, sumTallies(rows.map((r) => r.tally)));
  console.log(`Fault matrix:\n${table}`);
  const out = path.join(repoRoot, 'test-artifacts', 'reliability');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'faults.json'), JSON.stringify(rows, null, 2));
  if (
    process.env.RELIABILITY_RECORD === '1' &&
    rows.length === ACTIONS.length * FAULT_KINDS.length
  ) {
    const page = path.join(repoRoot, 'docs', 'security.md');
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })
      .toString()
      .trim();
    const block = recordedBlock(
      {
        date: new Date().toISOString().slice(0, 10),
        commit,
        command:
          'RELIABILITY_RECORD=1 node24 node_modules/jest/bin/jest.js tools/reliability/test/faults.test.ts',
      },
      table,
    );
    writeFileSync(page, replaceBlock(readFileSync(page, 'utf8'), 'reliability:faults', block));
  }
}
