/**
 * One table of bad inputs across the actions, each run as the runner runs it (the committed
 * bundle) against moto and the local OCI registry. Every row must fail with an ::error:: that
 * names the input and says what to do, and leave the local AWS and the registry exactly as they
 * were: the state is snapshotted before the table and compared after every row. Values with shell
 * metacharacters also prove they stay data: the file they would create never appears.
 */
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  repoRoot,
  runAction,
  startMoto,
  startRegistry,
  type Moto,
  type Registry,
} from '@pipelines/testkit';
import { badInputTable, replaceBlock, recordedBlock } from '../src/figures';
import {
  createBucket,
  createFunction,
  createLambdaRole,
  makeLayout,
  makeZip,
  sha256Hex,
} from '../src/fixtures';
import { localAwsClients, snapshot, type LocalAwsClients, type Snapshot } from '../src/localState';
import { execFileSync } from 'node:child_process';

jest.setTimeout(240_000);

let moto: Moto;
let registry: Registry;
let clients: LocalAwsClients;
let dir: string;
let before: Snapshot;

const FN = 'mint-KatanaLambda';
const BUCKET = 'pipelines-artifacts-lower';
const REPO = 'pipelines/blog';
const OTHER_SHA = 'ab'.repeat(32);

/** Paths in the work dir, filled in beforeAll. */
const f = {
  zip: '',
  zipSha: '',
  empty: '',
  directory: '',
  textAsZip: '',
  layout: '',
  corruptLayout: '',
  textImage: '',
  notAnImageTar: '',
  workspace: '',
  pwned: '',
  versionId: '',
};

interface Row {
  action: string;
  case: string;
  inputs: () => Record<string, string>;
  /** The input the ::error:: must name. */
  input: string;
  /** What the ::error:: must say to do. */
  fix: RegExp;
  cwd?: () => string;
  env?: () => Record<string, string>;
}

const s3 = (inputs: Record<string, string>) => ({
  file: f.zip,
  bucket: BUCKET,
  key: 'mint/katana-lambda.zip',
  ...inputs,
});
const deploy = (inputs: Record<string, string>) => ({
  'function-name': FN,
  's3-bucket': BUCKET,
  's3-key': 'mint/katana-lambda.zip',
  's3-object-version': f.versionId,
  'expected-sha256': f.zipSha,
  ...inputs,
});
const push = (inputs: Record<string, string>) => ({
  image: f.layout,
  repository: REPO,
  tags: 'mint-1',
  registry: registry.host,
  ...inputs,
});
const drop = (o: Record<string, string>, key: string) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
const guard = (inputs: Record<string, string>) => ({
  environment: 'prod',
  'github-token': 'ghs_not_a_real_token',
  repository: 'example/pipelines',
  'min-reviewers': '1',
  ...inputs,
});

const rows: Row[] = [
  // resolve-environment
  {
    action: 'resolve-environment',
    case: 'ref is a bare branch name, not a full ref',
    inputs: () => ({ ref: 'integration', config: 'environments.yml' }),
    input: 'ref',
    fix: /refs\/heads\/integration/,
  },
  {
    action: 'resolve-environment',
    case: 'ref with shell metacharacters and spaces: `refs/heads/x; touch <file>`',
    inputs: () => ({ ref: `refs/heads/x; touch ${f.pwned}`, config: 'environments.yml' }),
    input: 'ref',
    fix: /Pass a full ref/,
  },
  {
    action: 'resolve-environment',
    case: 'ref with `$(...)` command substitution and a space',
    inputs: () => ({ ref: `refs/tags/$(touch ${f.pwned})`, config: 'environments.yml' }),
    input: 'ref',
    fix: /Pass a full ref/,
  },
  {
    action: 'resolve-environment',
    case: 'ref with a trailing newline (a `ref: |` block)',
    inputs: () => ({ ref: 'refs/heads/master\n', config: 'environments.yml' }),
    input: 'ref',
    fix: /one line/,
  },
  {
    action: 'resolve-environment',
    case: 'config outside the workspace (`../`)',
    inputs: () => ({ ref: 'refs/heads/integration', config: '../environments.yml' }),
    input: 'config',
    fix: /relative to the repository root/,
  },
  {
    action: 'resolve-environment',
    case: 'config names a file that does not exist',
    inputs: () => ({ ref: 'refs/heads/integration', config: 'missing.yml' }),
    input: 'config',
    fix: /check the config input/,
    cwd: () => f.workspace,
  },
  {
    action: 'resolve-environment',
    case: 'environments.yml is not YAML',
    inputs: () => ({ ref: 'refs/heads/integration', config: 'not-yaml.yml' }),
    input: 'not-yaml.yml',
    fix: /Fix the YAML syntax/,
    cwd: () => f.workspace,
  },
  {
    action: 'resolve-environment',
    case: 'environments.yml lacks its environments',
    inputs: () => ({ ref: 'refs/heads/integration', config: 'no-environments.yml' }),
    input: 'no-environments.yml',
    fix: /Map environment names to/,
    cwd: () => f.workspace,
  },
  {
    action: 'resolve-environment',
    case: 'environments.yml routes one branch to two environments',
    inputs: () => ({ ref: 'refs/heads/integration', config: 'overlap.yml' }),
    input: 'overlap.yml',
    fix: /Keep the name in one place only/,
    cwd: () => f.workspace,
  },
  // s3-upload
  {
    action: 's3-upload',
    case: 'file missing',
    inputs: () => drop(s3({}), 'file'),
    input: 'file',
    fix: /Set file to the path of the package/,
  },
  {
    action: 's3-upload',
    case: 'file names nothing on disk',
    inputs: () => s3({ file: path.join(dir, 'nope.zip') }),
    input: 'file',
    fix: /Build and package first/,
  },
  {
    action: 's3-upload',
    case: 'file is empty',
    inputs: () => s3({ file: f.empty }),
    input: 'file',
    fix: /check the package step/,
  },
  {
    action: 's3-upload',
    case: 'file is a directory',
    inputs: () => s3({ file: f.directory }),
    input: 'file',
    fix: /zip the directory first/,
  },
  {
    action: 's3-upload',
    case: 'bucket is not a bucket name',
    inputs: () => s3({ bucket: 'Bad_Bucket!' }),
    input: 'bucket',
    fix: /Set bucket to the name/,
  },
  {
    action: 's3-upload',
    case: 'bucket with versioning suspended',
    inputs: () => s3({ bucket: 'artifacts-suspended' }),
    input: 'bucket',
    fix: /put-bucket-versioning --bucket artifacts-suspended --versioning-configuration Status=Enabled/,
  },
  {
    action: 's3-upload',
    case: 'bucket never versioned',
    inputs: () => s3({ bucket: 'artifacts-unversioned' }),
    input: 'bucket',
    fix: /put-bucket-versioning/,
  },
  {
    action: 's3-upload',
    case: 'bucket does not exist',
    inputs: () => s3({ bucket: 'artifacts-missing' }),
    input: 'bucket',
    fix: /Check the bucket name/,
  },
  {
    action: 's3-upload',
    case: 'key starts with /',
    inputs: () => s3({ key: '/mint/katana-lambda.zip' }),
    input: 'key',
    fix: /Set key to the object key/,
  },
  {
    action: 's3-upload',
    case: 'part-size-mb below S3 minimum (4)',
    inputs: () => s3({ 'part-size-mb': '4' }),
    input: 'part-size-mb',
    fix: /5 to 5120/,
  },
  {
    action: 's3-upload',
    case: 'concurrency 0',
    inputs: () => s3({ concurrency: '0' }),
    input: 'concurrency',
    fix: /1 to 16/,
  },
  {
    action: 's3-upload',
    case: 'tags not key=value',
    inputs: () => s3({ tags: 'release' }),
    input: 'tags',
    fix: /key=value/,
  },
  {
    action: 's3-upload',
    case: 'aws-region malformed',
    inputs: () => s3({ 'aws-region': 'mars; id' }),
    input: 'aws-region',
    fix: /us-east-1/,
  },
  // lambda-deploy
  {
    action: 'lambda-deploy',
    case: 'function-name missing',
    inputs: () => drop(deploy({}), 'function-name'),
    input: 'function-name',
    fix: /mint-KatanaLambda/,
  },
  {
    action: 'lambda-deploy',
    case: 'function-name with shell metacharacters',
    inputs: () => deploy({ 'function-name': `x;touch ${f.pwned}` }),
    input: 'function-name',
    fix: /Set function-name/,
  },
  {
    action: 'lambda-deploy',
    case: 'function does not exist',
    inputs: () => deploy({ 'function-name': 'qa-KatanaLambda' }),
    input: 'function-name',
    fix: /Create it first/,
  },
  {
    action: 'lambda-deploy',
    case: 's3-object-version missing (would deploy "latest")',
    inputs: () => drop(deploy({}), 's3-object-version'),
    input: 's3-object-version',
    fix: /version-id output/,
  },
  {
    action: 'lambda-deploy',
    case: 'expected-sha256 not hex',
    inputs: () => deploy({ 'expected-sha256': 'not-a-sha' }),
    input: 'expected-sha256',
    fix: /64 hex/,
  },
  {
    action: 'lambda-deploy',
    case: 'expected-sha256 missing for an S3 deploy',
    inputs: () => drop(deploy({}), 'expected-sha256'),
    input: 'expected-sha256',
    fix: /sha256 output/,
  },
  {
    action: 'lambda-deploy',
    case: 'zip-file together with the S3 object',
    inputs: () => deploy({ 'zip-file': f.zip }),
    input: 'zip-file',
    fix: /one source/,
  },
  {
    action: 'lambda-deploy',
    case: 'zip-file that is not the package it claims (sha256 differs)',
    inputs: () => ({ 'function-name': FN, 'zip-file': f.textAsZip, 'expected-sha256': OTHER_SHA }),
    input: 'expected-sha256',
    fix: /Deploy the package that was approved/,
  },
  {
    action: 'lambda-deploy',
    case: 'zip-file is empty',
    inputs: () => ({ 'function-name': FN, 'zip-file': f.empty }),
    input: 'zip-file',
    fix: /Check the package step/,
  },
  {
    action: 'lambda-deploy',
    case: 'alias with publish false',
    inputs: () => deploy({ alias: 'live', publish: 'false' }),
    input: 'alias',
    fix: /set publish: true/,
  },
  {
    action: 'lambda-deploy',
    case: 'alias all digits',
    inputs: () => deploy({ alias: '12' }),
    input: 'alias',
    fix: /alias name such as live/,
  },
  {
    action: 'lambda-deploy',
    case: 'timeout-seconds out of range (5)',
    inputs: () => deploy({ 'timeout-seconds': '5' }),
    input: 'timeout-seconds',
    fix: /10 to 3600/,
  },
  {
    action: 'lambda-deploy',
    case: 'publish not a boolean',
    inputs: () => deploy({ publish: 'yes' }),
    input: 'publish',
    fix: /true or false/,
  },
  // ecr-push
  {
    action: 'ecr-push',
    case: 'repository missing',
    inputs: () => drop(push({}), 'repository'),
    input: 'repository',
    fix: /katana\/web/,
  },
  {
    action: 'ecr-push',
    case: 'repository not a repository name',
    inputs: () => push({ repository: 'Blog Images' }),
    input: 'repository',
    fix: /Set repository/,
  },
  {
    action: 'ecr-push',
    case: 'repository does not exist (create-repository false)',
    inputs: () => push({ repository: 'pipelines/absent' }),
    input: 'repository',
    fix: /create-repository: true/,
  },
  {
    action: 'ecr-push',
    case: 'neither image nor source-image',
    inputs: () => drop(push({}), 'image'),
    input: 'image',
    fix: /Set exactly one/,
  },
  {
    action: 'ecr-push',
    case: 'image names nothing on disk',
    inputs: () => push({ image: path.join(dir, 'nope-image') }),
    input: 'image',
    fix: /OCI layout directory/,
  },
  {
    action: 'ecr-push',
    case: 'image is a text file, not an image archive',
    inputs: () => push({ image: f.textImage }),
    input: 'image',
    fix: /OCI layout directory/,
  },
  {
    action: 'ecr-push',
    case: 'image is a tar that holds no image',
    inputs: () => push({ image: f.notAnImageTar }),
    input: 'image',
    fix: /OCI layout directory/,
  },
  {
    action: 'ecr-push',
    case: 'image layout with a corrupt layer (hash differs from its name)',
    inputs: () => push({ image: f.corruptLayout }),
    input: 'image',
    fix: /unmodified/,
  },
  {
    action: 'ecr-push',
    case: 'tags with shell metacharacters',
    inputs: () => push({ tags: `$(touch ${f.pwned})` }),
    input: 'tags',
    fix: /A-Z a-z 0-9/,
  },
  {
    action: 'ecr-push',
    case: 'source-image by tag, not digest',
    inputs: () => ({
      ...drop(push({}), 'image'),
      'source-image': `${registry.host}/pipelines/blog:latest`,
    }),
    input: 'source-image',
    fix: /@sha256:<digest>/,
  },
  {
    action: 'ecr-push',
    case: 'chunk-size-mb out of range (0)',
    inputs: () => push({ 'chunk-size-mb': '0' }),
    input: 'chunk-size-mb',
    fix: /1 to 1024 MiB/,
  },
  {
    action: 'ecr-push',
    case: 'registry with a path',
    inputs: () => push({ registry: 'registry.example.com/v2/evil' }),
    input: 'registry',
    fix: /give host\[:port\]/,
  },
  // environment-guard
  {
    action: 'environment-guard',
    case: 'environment with shell metacharacters',
    inputs: () => guard({ environment: `prod$(touch ${f.pwned})` }),
    input: 'environment',
    fix: /environment:/,
  },
  {
    action: 'environment-guard',
    case: 'min-reviewers 0',
    inputs: () => guard({ 'min-reviewers': '0' }),
    input: 'min-reviewers',
    fix: /1 to 6/,
  },
  {
    action: 'environment-guard',
    case: 'repository not owner/repo',
    inputs: () => guard({ repository: 'pipelines' }),
    input: 'repository',
    fix: /owner\/repo/,
  },
  {
    action: 'environment-guard',
    case: 'github-token empty',
    inputs: () => guard({ 'github-token': '' }),
    input: 'github-token',
    fix: /actions: read/,
  },
];

beforeAll(async () => {
  [moto, registry] = await Promise.all([startMoto(), startRegistry()]);
  clients = localAwsClients(moto.endpoint);
  dir = mkdtempSync(path.join(os.tmpdir(), 'reliability-bad-input-'));
  const zip = makeZip(dir, 'release');
  f.zip = zip.file;
  f.zipSha = zip.sha256;
  f.empty = path.join(dir, 'empty.zip');
  writeFileSync(f.empty, '');
  f.directory = path.join(dir, 'a-directory.zip');
  mkdirSync(f.directory);
  f.textAsZip = path.join(dir, 'text.zip');
  writeFileSync(f.textAsZip, 'this is not a zip\n');
  f.layout = makeLayout(dir, 'good').dir;
  const corrupt = makeLayout(dir, 'corrupt');
  const layer = path.join(corrupt.dir, 'blobs', 'sha256', corrupt.blobs[1]!.slice(7));
  writeFileSync(layer, Buffer.concat([readFileSync(layer).subarray(1), Buffer.from('x')]));
  f.corruptLayout = corrupt.dir;
  f.textImage = path.join(dir, 'image.tar');
  writeFileSync(f.textImage, 'FROM scratch\n');
  const notImage = path.join(dir, 'not-image');
  mkdirSync(notImage);
  writeFileSync(path.join(notImage, 'readme.txt'), 'hello\n');
  f.notAnImageTar = path.join(dir, 'not-image.tar');
  execFileSync('tar', ['--create', `--file=${f.notAnImageTar}`, '-C', notImage, '.']);
  f.pwned = path.join(dir, 'pwned');
  // A workspace holding broken copies of environments.yml.
  f.workspace = path.join(dir, 'workspace');
  mkdirSync(f.workspace);
  const good = readFileSync(path.join(repoRoot, 'environments.yml'), 'utf8');
  writeFileSync(
    path.join(f.workspace, 'not-yaml.yml'),
    'version: 1\nenvironments: [mint\n  tier: : lower\n',
  );
  writeFileSync(
    path.join(f.workspace, 'no-environments.yml'),
    good.slice(0, good.indexOf('\nenvironments:')) + '\n',
  );
  writeFileSync(
    path.join(f.workspace, 'overlap.yml'),
    good.replace(
      '  amy:\n    tier: lower\n',
      '  amy:\n    tier: lower\n    branches: [integration]\n',
    ),
  );

  // The local AWS the pipeline would find: buckets, the function with its alias, the repository.
  await createLambdaRole(moto.endpoint);
  await createBucket(clients, BUCKET, 'Enabled');
  await createBucket(clients, 'artifacts-suspended', 'Suspended');
  await createBucket(clients, 'artifacts-unversioned', 'never');
  const put = await clients.s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: 'mint/katana-lambda.zip', Body: zip.bytes }),
  );
  f.versionId = put.VersionId ?? '';
  await createFunction(clients, FN, makeZip(dir, 'initial'));
  await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: REPO }));
  before = await snapshot(clients, registry.endpoint);
}, 60_000);

afterAll(async () => {
  recordTable();
  clients?.s3.destroy();
  clients?.lambda.destroy();
  clients?.ecr.destroy();
  await Promise.all([moto?.stop(), registry?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the table has at least 30 bad inputs, across every committed action that takes input', () => {
  expect(rows.length).toBeGreaterThanOrEqual(30);
  expect(new Set(rows.map((r) => r.action))).toEqual(
    new Set(['resolve-environment', 's3-upload', 'lambda-deploy', 'ecr-push', 'environment-guard']),
  );
});

test('the snapshot sees what is there (so an unchanged snapshot means something)', () => {
  expect(before.buckets[BUCKET]?.versions).toHaveLength(1);
  expect(before.functions[FN]?.aliases).toEqual(['live->1']);
  expect(before.repositories).toEqual([REPO]);
  expect(sha256Hex(readFileSync(f.zip))).toBe(f.zipSha);
});

const failures: Array<{ action: string; case: string; input: string }> = [];

test.each(rows.map((r, i) => [`${i + 1}`, r.action, r.case, r] as const))(
  '%s. %s: %s fails naming the input and the fix, and changes nothing',
  async (_n, action, _case, row) => {
    const result = await runAction({
      action: `actions/${action}`,
      inputs: row.inputs(),
      env: {
        ...moto.awsEnv(),
        // environment-guard must never reach GitHub here: a closed loopback port.
        GITHUB_API_URL: 'http://127.0.0.1:9',
        ...row.env?.(),
      },
      ...(row.cwd ? { cwd: row.cwd() } : {}),
      timeoutMs: 60_000,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.errors.length).toBeGreaterThan(0);
    const message = result.errors.join('\n');
    if (process.env.RELIABILITY_DEBUG) console.log(`${row.case}: ${message}`);
    expect(message).toContain(row.input);
    expect(message).toMatch(row.fix);
    expect(existsSync(f.pwned)).toBe(false);
    expect(await snapshot(clients, registry.endpoint)).toEqual(before);
    failures.push({ action, case: row.case, input: row.input });
  },
);

/**
 * With RELIABILITY_RECORD=1, a run in which every row failed as it should rewrites the table in
 * docs/security.md. Done after all tests, from what they recorded, so that no test depends on
 * another having run (a filtered or partial run records nothing).
 */
function recordTable(): void {
  if (process.env.RELIABILITY_RECORD !== '1') return;
  if (failures.length !== rows.length) {
    console.warn(
      `Not recording: ${failures.length} of ${rows.length} bad inputs failed as expected in this run.`,
    );
    return;
  }
  const page = path.join(repoRoot, 'docs', 'security.md');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })
    .toString()
    .trim();
  const block = recordedBlock(
    {
      date: new Date().toISOString().slice(0, 10),
      commit,
      command:
        'RELIABILITY_RECORD=1 node24 node_modules/jest/bin/jest.js tools/reliability/test/badInput.test.ts',
    },
    `${rows.length} bad inputs, ${failures.length} failed with an \`::error::\` naming the input and the fix, with moto and the registry unchanged.\n\n${badInputTable(failures)}`,
  );
  writeFileSync(page, replaceBlock(readFileSync(page, 'utf8'), 'reliability:bad-input', block));
}
