/**
 * The committed bundles, run the way the runner runs them, against moto: s3-upload's outputs feed
 * lambda-deploy, as in the pipeline. moto has no fault injection and no RevisionId checks, so the
 * alias race and the post-move failure go through the testkit's fault proxy, answering as Lambda
 * would (412 PreconditionFailedException, 403 AccessDeniedException).
 */
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createFunction,
  createLambdaRole,
  createVersionedBucket,
  destroyLocalAwsClients,
  localAwsClients,
  runAction,
  startFaultProxy,
  startMoto,
  type Fault,
  type FaultProxy,
  type LocalAwsClients,
  type Moto,
} from '@pipelines/testkit';

// Each test runs bundles in child processes against a shared 2-core machine: allow for load.
jest.setTimeout(60_000);

const BUCKET = 'artifacts-lower';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const hexOf = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('hex');

/** Lambda's JSON error answer, as the real service sends it. */
const lambdaError = (status: number, type: string, message: string): Fault => ({
  kind: 'status',
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: JSON.stringify({ Type: 'User', message }),
});

describe('lambda-deploy against moto', () => {
  let moto: Moto;
  let proxy: FaultProxy;
  let clients: LocalAwsClients;
  let lambda: LambdaClient;
  let s3: S3Client;
  let role: string;
  let dir: string;
  let zipN = 0;
  let fnN = 0;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    dir = mkdtempSync(path.join(os.tmpdir(), 'lambda-deploy-it-'));
    clients = localAwsClients(moto.endpoint, 'us-east-1');
    ({ lambda, s3 } = clients);
    // moto checks that the execution role exists.
    role = await createLambdaRole(clients.iam, 'lambda');
    await createVersionedBucket(s3, BUCKET);
  });
  afterAll(async () => {
    if (clients) destroyLocalAwsClients(clients);
    await proxy?.stop();
    await moto?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => proxy.setPlan(() => undefined));

  /** A small, real zip holding a handler that returns `label`. */
  function makeZip(label: string): { file: string; bytes: Buffer; sha256: string } {
    const work = path.join(dir, `zip-${++zipN}`);
    execFileSync('mkdir', ['-p', work]);
    writeFileSync(
      path.join(work, 'index.js'),
      `exports.handler = async () => ${JSON.stringify(label)};\n`,
    );
    const file = path.join(dir, `package-${zipN}.zip`);
    execFileSync('zip', ['-q', '-X', file, 'index.js'], { cwd: work });
    const bytes = readFileSync(file);
    return { file, bytes, sha256: sha256(bytes) };
  }

  /** A function running `initial`, with alias live on version 1 when asked. */
  async function makeFunction(withAlias: boolean): Promise<string> {
    const name = `mint-KatanaLambda-${++fnN}`;
    await createFunction(lambda, { name, zip: makeZip('initial').bytes, role });
    if (withAlias) {
      const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
      await lambda.send(
        new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: v1.Version }),
      );
    }
    return name;
  }

  const env = (endpoint = moto.endpoint) => ({ ...moto.awsEnv(), AWS_ENDPOINT_URL: endpoint });

  async function upload(file: string, key: string) {
    const run = await runAction({
      action: 'actions/s3-upload',
      inputs: { file, bucket: BUCKET, key },
      env: env(),
    });
    expect(run.errors).toEqual([]);
    return run.outputs;
  }

  const deploy = (inputs: Record<string, string>, endpoint?: string) =>
    runAction({ action: 'actions/lambda-deploy', inputs, env: env(endpoint) });

  /** Deploys an S3 object version behind alias live, as the pipeline does. */
  const deployLive = (fn: string, key: string, versionId: string, sha: string, endpoint?: string) =>
    deploy(
      {
        'function-name': fn,
        's3-bucket': BUCKET,
        's3-key': key,
        's3-object-version': versionId,
        'expected-sha256': sha,
        alias: 'live',
      },
      endpoint,
    );

  const aliasVersion = async (FunctionName: string) =>
    (await lambda.send(new GetAliasCommand({ FunctionName, Name: 'live' }))).FunctionVersion;
  const publishedVersions = async (FunctionName: string) =>
    ((await lambda.send(new ListVersionsByFunctionCommand({ FunctionName }))).Versions ?? [])
      .map((v) => v.Version)
      .filter((v) => v !== '$LATEST');

  it('deploys the uploaded object version: CodeSha256 equals the package sha256, a version is published, the alias moves', async () => {
    const fn = await makeFunction(true);
    const pkg = makeZip('release-1');
    const up = await upload(pkg.file, `mint/${fn}.zip`);
    const run = await deploy({
      'function-name': fn,
      's3-bucket': up.bucket ?? '',
      's3-key': up.key ?? '',
      's3-object-version': up['version-id'] ?? '',
      'expected-sha256': up.sha256 ?? '',
      alias: 'live',
    });

    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toEqual({
      version: '2',
      'code-sha256': pkg.sha256,
      'previous-version': '1',
      'function-arn': `arn:aws:lambda:us-east-1:123456789012:function:${fn}:2`,
    });
    const config = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: 'live' }),
    );
    expect(hexOf(config.CodeSha256)).toBe(pkg.sha256);
    expect(await aliasVersion(fn)).toBe('2');
    expect(run.summary).toContain(pkg.sha256);
    expect(run.summary).toContain(up['version-id']);

    // The same deploy again: nothing new is published and the alias stays.
    const again = await deployLive(fn, up.key ?? '', up['version-id'] ?? '', pkg.sha256);
    expect(again.errors).toEqual([]);
    expect(again.outputs).toMatchObject({ version: '2', 'previous-version': '2' });
    expect(await publishedVersions(fn)).toEqual(['1', '2']);
  });

  it('deploys a local zip and publishes without an alias (the code it replaced kept as version 1)', async () => {
    const fn = await makeFunction(false);
    const pkg = makeZip('from-zip');
    const run = await deploy({ 'function-name': fn, 'zip-file': pkg.file });

    expect(run.errors).toEqual([]);
    expect(run.outputs).toMatchObject({
      version: '2',
      'code-sha256': pkg.sha256,
      'previous-version': '',
    });
    const config = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: '2' }),
    );
    expect(hexOf(config.CodeSha256)).toBe(pkg.sha256);
    expect(await publishedVersions(fn)).toEqual(['1', '2']);
  });

  const codeOf = async (FunctionName: string) =>
    hexOf((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName }))).CodeSha256);

  it('refuses a planted version whose metadata claims the package sha256: s3-upload does not skip it, lambda-deploy does not deploy it, the function is unchanged', async () => {
    const fn = await makeFunction(true);
    const initial = await codeOf(fn);
    const pkg = makeZip('approved');
    const key = `prod/${fn}.zip`;
    // Someone who may write the key plants other bytes, with metadata claiming the package's
    // (public, deterministic) sha256. (moto stores a forged ChecksumSHA256 too, without checking
    // it; real S3 refuses a PUT whose bytes do not match the checksum sent, so only metadata is
    // planted here.)
    const planted = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: Buffer.alloc(pkg.bytes.length, 1),
        Metadata: { sha256: pkg.sha256 },
      }),
    );

    const up = await upload(pkg.file, key);
    expect(up.uploaded).toBe('true');
    expect(up['version-id']).not.toBe(planted.VersionId);

    const run = await deployLive(fn, key, planted.VersionId ?? '', pkg.sha256);
    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toContain(`not expected-sha256 ${pkg.sha256}`);
    expect(run.errors.join('\n')).toContain('Nothing was changed');
    expect(await codeOf(fn)).toBe(initial);
    expect(await publishedVersions(fn)).toEqual(['1']);
    expect(await aliasVersion(fn)).toBe('1');
    expect(run.outputs).toEqual({});
  });

  it('after an update that loaded other code, restores the previous code, publishes nothing and leaves the alias', async () => {
    const fn = await makeFunction(true);
    const key = `mint/${fn}.zip`;
    const first = makeZip('first-release');
    const upFirst = await upload(first.file, key);
    const deployed = await deployLive(fn, key, upFirst['version-id'] ?? '', first.sha256);
    expect(deployed.outputs.version).toBe('2');
    const approved = makeZip('approved');
    const later = makeZip('pushed-later');
    const up = await upload(approved.file, key);
    await upload(later.file, key);
    // We ask for the approved version; moto ignores S3ObjectVersion and loads the newest object,
    // exactly the swap the sha256 check after the update exists to catch.
    const run = await deployLive(fn, key, up['version-id'] ?? '', approved.sha256);

    expect(run.exitCode).not.toBe(0);
    const said = run.errors.join('\n');
    expect(said).toContain(`hex ${later.sha256}`);
    expect(said).toContain(`the package's sha256 is ${approved.sha256}`);
    expect(said).toContain(
      `$LATEST was restored to the code of version 2 (sha256 ${first.sha256})`,
    );
    expect(await codeOf(fn)).toBe(first.sha256);
    expect(await publishedVersions(fn)).toEqual(['1', '2']);
    expect(await aliasVersion(fn)).toBe('2');
    expect(run.outputs).toEqual({});
  });

  it('rolls back by pointing the alias at a published version whose code has the expected sha256', async () => {
    const fn = await makeFunction(true);
    const initial = await codeOf(fn);
    const pkg = makeZip('release');
    const up = await upload(pkg.file, `mint/${fn}.zip`);
    await deployLive(fn, up.key ?? '', up['version-id'] ?? '', pkg.sha256);
    expect(await aliasVersion(fn)).toBe('2');

    const wrong = await deploy({
      'function-name': fn,
      version: '1',
      alias: 'live',
      'expected-sha256': pkg.sha256,
    });
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.errors.join('\n')).toContain('Nothing was changed');
    expect(await aliasVersion(fn)).toBe('2');

    const run = await deploy({
      'function-name': fn,
      version: '1',
      alias: 'live',
      'expected-sha256': initial,
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs).toMatchObject({ version: '1', 'previous-version': '2' });
    expect(await aliasVersion(fn)).toBe('1');
    expect(await codeOf(fn)).toBe(pkg.sha256); // $LATEST untouched
    expect(run.summary).toContain('live: 2 → 1');
  });

  it('fails clearly for a function that does not exist', async () => {
    const pkg = makeZip('orphan');
    const up = await upload(pkg.file, 'mint/orphan.zip');
    const run = await deploy({
      'function-name': 'mint-NoSuchFunction',
      's3-bucket': BUCKET,
      's3-key': 'mint/orphan.zip',
      's3-object-version': up['version-id'] ?? '',
      'expected-sha256': pkg.sha256,
    });

    expect(run.exitCode).not.toBe(0);
    expect(run.errors).toEqual([
      'Could not read function "mint-NoSuchFunction": it does not exist. Create it first (infra/), or check function-name and aws-region',
    ]);
  });

  it('refuses to deploy from S3 without an object version, before any AWS call', async () => {
    const before = proxy.counts.forward ?? 0;
    const run = await deploy(
      {
        'function-name': 'mint-KatanaLambda',
        's3-bucket': BUCKET,
        's3-key': 'mint/k.zip',
        'expected-sha256': 'a'.repeat(64),
      },
      proxy.endpoint,
    );

    expect(run.exitCode).not.toBe(0);
    expect(run.errors[0]).toContain('Input "s3-object-version" is required');
    expect(run.errors[0]).toContain('never the latest');
    expect(proxy.counts.forward ?? 0).toBe(before);
  });

  it('refuses to move an alias that moved since the deploy read it (compare-before-set)', async () => {
    const fn = await makeFunction(true);
    const pkg = makeZip('racing');
    const up = await upload(pkg.file, `mint/${fn}.zip`);
    // Lambda's answer when the alias's RevisionId is no longer the one we read.
    proxy.setPlan((request) =>
      request.method === 'PUT' && request.path.includes(`/functions/${fn}/aliases/live`)
        ? lambdaError(
            412,
            'PreconditionFailedException',
            'The Revision Id provided does not match the latest Revision Id.',
          )
        : undefined,
    );
    const run = await deploy(
      {
        'function-name': fn,
        's3-bucket': BUCKET,
        's3-key': up.key ?? '',
        's3-object-version': up['version-id'] ?? '',
        'expected-sha256': pkg.sha256,
        alias: 'live',
      },
      proxy.endpoint,
    );

    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toContain('alias "live" moved during this deploy');
    expect(run.errors.join('\n')).toContain('Version 2 is published but the alias was left alone');
    expect(await aliasVersion(fn)).toBe('1');
  });

  it('rolls the alias back when the check after moving it fails', async () => {
    const fn = await makeFunction(true);
    const pkg = makeZip('rollback');
    const up = await upload(pkg.file, `mint/${fn}.zip`);
    let aliasMoved = false;
    proxy.setPlan((request) => {
      if (request.method === 'PUT' && request.path.includes(`/functions/${fn}/aliases/live`)) {
        if (aliasMoved) return undefined; // the roll-back itself goes through
        aliasMoved = true;
        return undefined;
      }
      // Reading the code through the alias, after the move, is refused.
      return aliasMoved && request.method === 'GET' && request.path.includes('Qualifier=live')
        ? lambdaError(
            403,
            'AccessDeniedException',
            'not authorized to perform lambda:GetFunctionConfiguration',
          )
        : undefined;
    });
    const run = await deploy(
      {
        'function-name': fn,
        's3-bucket': BUCKET,
        's3-key': up.key ?? '',
        's3-object-version': up['version-id'] ?? '',
        'expected-sha256': pkg.sha256,
        alias: 'live',
      },
      proxy.endpoint,
    );

    expect(aliasMoved).toBe(true);
    expect(run.exitCode).not.toBe(0);
    expect(run.errors.join('\n')).toContain(
      'not authorized to perform lambda:GetFunctionConfiguration',
    );
    expect(run.errors.join('\n')).toContain('The alias was rolled back to version 1');
    expect(await aliasVersion(fn)).toBe('1');
    expect(await publishedVersions(fn)).toEqual(['1', '2']);
  });
});
