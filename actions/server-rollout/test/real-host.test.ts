/**
 * The whole path of a rollout on a real server: the committed bundle sends the deploy document
 * (services/lib/deploy-document.json) to the SSM Run Command stand-in, which runs it as root on a
 * Debian 12 test host where the blog was installed by the infra's own user data commands; the
 * host's deploy.sh fetches the release by VersionId from moto (through a relay on the host's
 * link) with the AWS CLI, checks its sha256, switches and checks its health. Then what the host
 * serves is read. Stood in: the SSM agent (the stand-in runs the script in the host with the
 * environment an instance role and the agent would give), and S3 (moto). One host, reused.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createVersionedBucket,
  destroyLocalAwsClients,
  localAwsClients,
  putReleaseVersion,
  repoRoot,
  runAction,
  startMoto,
  startRelay,
  startSsmRunCommand,
  startTestHost,
  testHostInstance,
  type Moto,
  type Relay,
  type SsmRunCommand,
  type TestHost,
} from '@pipelines/testkit';
import { SERVER_BASE_PACKAGES, serviceUserData } from '../../../infra/lib/constructs/user-data';

jest.setTimeout(900_000);

const BUCKET = 'rollout-artifacts';
const KEY = 'mint/releases/blog-site.tar.gz';
const DOCUMENT = readFileSync(
  path.join(repoRoot, 'services', 'lib', 'deploy-document.json'),
  'utf8',
);

let moto: Moto;
let host: TestHost;
let s3: Relay;
let ssm: SsmRunCommand;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'server-rollout-host-'));
  moto = await startMoto();
  const aws = localAwsClients(moto.endpoint);
  await createVersionedBucket(aws.s3, BUCKET);
  destroyLocalAwsClients(aws);
  // The rootfs infra/test/servers.test.ts and rollout.test.ts use (one cached build).
  host = await startTestHost({
    name: 'srblog',
    address: '10.254.41.2',
    packages: [...SERVER_BASE_PACKAGES, 'nginx'],
  });
  s3 = await startRelay(host.machineAddress, moto.port);
  // The blog installed as on EC2: its bundle and the user data's commands.
  execFileSync(
    'zip',
    [
      '-qr',
      path.join(host.root, 'root', 'bundle.zip'),
      '.',
      '-x',
      'node_modules/*',
      'test/*',
      '*.test.ts',
    ],
    {
      cwd: path.join(repoRoot, 'services', 'blog'),
    },
  );
  const install = serviceUserData({
    service: 'blog',
    role: 'app',
    bundlePath: '/root/bundle.zip',
    packages: ['nginx'],
    environment: { PORT: '3000', DOMAIN: 'pipelines.example.com' },
  });
  writeFileSync(path.join(host.root, 'root', 'install.sh'), install.join('\n'), { mode: 0o700 });
  await host.run(
    '/root/install.sh > /var/log/install.log 2>&1 || { tail -30 /var/log/install.log; exit 1; }',
  );
  ssm = await startSsmRunCommand({
    documents: { 'pipelines-deploy': DOCUMENT },
    instances: [
      testHostInstance(
        host,
        'i-0000000000000b10a',
        { 'pipelines:environment': 'mint', 'pipelines:service': 'blog' },
        // What the instance role and the agent give a command on EC2 (here: moto's operator key
        // and its endpoint through the relay), and short health checks for the broken release.
        {
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_SSM_REGION_NAME: 'us-east-1',
          AWS_ENDPOINT_URL_S3: s3.endpoint,
          PIPELINES_HEALTH_ATTEMPTS: '6',
          PIPELINES_HEALTH_INTERVAL: '1',
        },
      ),
    ],
  });
});
afterAll(async () => {
  await ssm?.stop();
  await s3?.stop();
  await host?.stop();
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

let releases = 0;
/** A blog site packed as the pipeline packs it and uploaded: the rollout's release line. */
function uploadSite(files: Record<string, string>): string {
  const dir = path.join(work, `site-${++releases}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'public', name)), { recursive: true });
    writeFileSync(path.join(dir, 'public', name), text);
  }
  const archive = path.join(dir, 'blog-site.tar.gz');
  execFileSync('bash', [
    path.join(repoRoot, 'services', 'lib', 'pack-release.sh'),
    path.join(dir, 'public'),
    archive,
  ]);
  const { uri, sha256 } = putReleaseVersion(moto, BUCKET, KEY, archive);
  return `blog ${uri} ${sha256}`;
}

const rollout = (releasesText: string) =>
  runAction({
    action: 'actions/server-rollout',
    inputs: { environment: 'mint', document: 'pipelines-deploy', releases: releasesText },
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    },
    timeoutMs: 300_000,
  });

const served = () => host.run("curl --silent --max-time 10 'http://127.0.0.1:3000/'");

describe('server-rollout on a real blog server', () => {
  it('deploys the release through SendCommand, and the server serves it', async () => {
    const result = await rollout(
      uploadSite({
        'index.html':
          '<!doctype html><title>Pipelines blog</title><h1>rolled out through SSM</h1>\n',
        '404.html': '<h1>Not found</h1>\n',
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(await served()).toContain('rolled out through SSM');
    expect(result.summary).toContain('| `i-0000000000000b10a` | blog |');
    expect(result.summary).toContain('Success (exit 0)');
  });

  it('reports a release that fails its health check as rolled back, and the server keeps serving the previous one', async () => {
    // Without index.html nginx answers 403 for /: the health check fails.
    const result = await rollout(uploadSite({ 'posts/one/index.html': 'broken release' }));
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain(
      'i-0000000000000b10a failed its health check and was rolled back (exit 1): the server runs its previous release',
    );
    expect(result.summary).toContain('Failed (exit 1)');
    expect(result.summary).toContain('rolled back to release');
    expect(await served()).toContain('rolled out through SSM');
  });
});
