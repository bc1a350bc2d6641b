/**
 * Lambda deploy: lambda-deploy's bundle vs `aws lambda update-function-code` followed by
 * `aws lambda wait function-updated-v2`, against one moto server through one recording proxy, so
 * both the time and the API calls each made are measured. Every run deploys a new package (a
 * fresh S3 version), as a pipeline run does.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createFunction,
  createLambdaRole,
  createVersionedBucket,
  destroyLocalAwsClients,
  localAwsClients,
  startMoto,
} from '@pipelines/testkit';
import { awsCli, startRecorder, timeAction, type Recorded } from '../local';
import { mustSucceed } from '../measure';
import type { Row, Section } from '../report';
import { formatMs, median, ratio } from '../stats';

const BUCKET = 'bench-packages';
const KEY = 'mint/katana-lambda.zip';
const FUNCTION = 'mint-KatanaLambda';

/** The API operation a request was, from Lambda's REST paths (and S3's for package checks). */
export function operationOf(request: Pick<Recorded, 'method' | 'path'>): string {
  const p = request.path.split('?')[0] ?? '';
  const fn = /^\/2015-03-31\/functions\/[^/]+(\/.*)?$/.exec(p);
  if (fn) {
    const rest = fn[1] ?? '';
    const m = request.method;
    if (rest === '' && m === 'GET') return 'GetFunction';
    if (rest === '/configuration' && m === 'GET') return 'GetFunctionConfiguration';
    if (rest === '/code' && m === 'PUT') return 'UpdateFunctionCode';
    if (rest === '/versions' && m === 'POST') return 'PublishVersion';
    if (rest === '/versions' && m === 'GET') return 'ListVersionsByFunction';
    if (rest.startsWith('/aliases/') && m === 'GET') return 'GetAlias';
    if (rest.startsWith('/aliases/') && m === 'PUT') return 'UpdateAlias';
    if (rest === '/aliases' && m === 'POST') return 'CreateAlias';
  }
  if (/^\/2015-03-31\//.test(p) || /^\/20\d\d-\d\d-\d\d\//.test(p)) return `${request.method} ${p}`;
  return request.method === 'HEAD' ? 'S3 HeadObject' : `S3 ${request.method}`;
}

/** "GetFunctionConfiguration, UpdateFunctionCode, 2× GetFunction" */
export function describeCalls(requests: readonly Recorded[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(operationOf(r), (counts.get(operationOf(r)) ?? 0) + 1);
  return [...counts].map(([op, n]) => (n > 1 ? `${n}× ${op}` : op)).join(', ');
}

/** The longest pause between two consecutive calls: a fixed sleep would show here. */
export function longestGap(requests: readonly Recorded[]): number {
  let gap = 0;
  for (let i = 1; i < requests.length; i++)
    gap = Math.max(gap, requests[i]!.at - requests[i - 1]!.at);
  return gap;
}

function makeZip(dir: string, label: string): Buffer {
  const work = path.join(dir, label);
  mkdirSync(work, { recursive: true });
  writeFileSync(
    path.join(work, 'index.js'),
    `exports.handler = async () => ${JSON.stringify(label)};\n`,
  );
  execFileSync('zip', ['-q', '-X', 'package.zip', 'index.js'], { cwd: work });
  return readFileSync(path.join(work, 'package.zip'));
}

interface Measured {
  ms: number;
  calls: Recorded[];
}

export async function lambdaSuite({ runs }: { runs: number }): Promise<Section> {
  const moto = await startMoto();
  const recorder = await startRecorder(moto.endpoint);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-lambda-'));
  const env = moto.awsEnv();
  const clients = localAwsClients(moto.endpoint, 'us-east-1');
  const { s3 } = clients;
  const rows: Row[] = [];
  try {
    // Set-up straight to moto (not through the recorder, not timed).
    await createVersionedBucket(s3, BUCKET);
    const role = await createLambdaRole(clients.iam, 'lambda');
    await createFunction(clients.lambda, { name: FUNCTION, zip: makeZip(dir, 'initial'), role });
    let n = 0;
    const newPackage = async () => {
      const bytes = makeZip(dir, `release-${++n}`);
      const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: bytes }));
      return {
        versionId: put.VersionId!,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    };
    const viaProxy = { ...env, AWS_ENDPOINT_URL: recorder.endpoint };

    const ours = async (): Promise<Measured> => {
      const pkg = await newPackage();
      recorder.reset();
      const { ms } = await timeAction('lambda-deploy', {
        action: 'actions/lambda-deploy',
        inputs: {
          'function-name': FUNCTION,
          's3-bucket': BUCKET,
          's3-key': KEY,
          's3-object-version': pkg.versionId,
          'expected-sha256': pkg.sha256,
          publish: 'false',
        },
        env: viaProxy,
        cwd: dir,
      });
      return { ms, calls: [...recorder.requests] };
    };
    const peer = async (): Promise<Measured> => {
      const pkg = await newPackage();
      recorder.reset();
      const update = mustSucceed(
        'aws lambda update-function-code',
        await awsCli(
          [
            'lambda',
            'update-function-code',
            '--function-name',
            FUNCTION,
            '--s3-bucket',
            BUCKET,
            '--s3-key',
            KEY,
            '--s3-object-version',
            pkg.versionId,
          ],
          viaProxy,
        ),
      );
      const wait = mustSucceed(
        'aws lambda wait function-updated-v2',
        await awsCli(
          ['lambda', 'wait', 'function-updated-v2', '--function-name', FUNCTION],
          viaProxy,
        ),
      );
      return { ms: update + wait, calls: [...recorder.requests] };
    };

    const oursRuns: Measured[] = [];
    const peerRuns: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      oursRuns.push(await ours());
      peerRuns.push(await peer());
    }
    const o = median(oursRuns.map((r) => r.ms));
    const p = median(peerRuns.map((r) => r.ms));
    const oCalls = median(oursRuns.map((r) => r.calls.length));
    const pCalls = median(peerRuns.map((r) => r.calls.length));
    const gap = Math.max(...oursRuns.map((r) => longestGap(r.calls)));
    rows.push({
      case: 'update code from an S3 version, wait until updated',
      ours: formatMs(o),
      peer: formatMs(p),
      ratio: `${ratio(o, p)}`,
      target: '(informational)',
    });
    rows.push({
      case: 'API calls per deploy',
      ours: `${oCalls}: ${describeCalls(oursRuns[0]!.calls)}`,
      peer: `${pCalls}: ${describeCalls(peerRuns[0]!.calls)}`,
      ratio: `${ratio(oCalls, pCalls)}`,
      target: `${gap < 500 ? 'met' : '**missed**'}: no fixed sleeps (longest pause between our calls ${formatMs(gap)})`,
    });
  } finally {
    destroyLocalAwsClients(clients);
    await recorder.stop();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Lambda deploy: lambda-deploy vs aws lambda update-function-code + wait',
    ours: 'lambda-deploy (dist bundle, publish false)',
    peer: 'aws lambda update-function-code + aws lambda wait function-updated-v2',
    rows,
    notes: [
      `Median of ${runs} run(s), alternating, each deploying a new S3 version of the package; calls counted by a recording proxy in front of moto.`,
      "Ours also reads the configuration first and verifies the deployed CodeSha256 against the package sha256 (moto ignores S3ObjectVersion, see docs/design.md); the CLI verifies nothing. The peer's time is two CLI processes, as a workflow step would run them.",
      "moto reports every update as finished at once, so neither waits here: the call counts show each tool's minimum.",
    ],
  };
}
