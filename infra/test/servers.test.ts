/**
 * The servers' user data, as `cdk synth` writes it, run unchanged on test hosts: Debian 12 with
 * real systemd, booted on this machine (tools/testkit testHost.ts). The proxy and the blog are
 * installed from their service folders exactly as on EC2, and a request for blog.<domain> to the
 * proxy host reaches the blog host. Fulcrum's server is installed the same way from its real
 * folder and units, with a stand-in Docker (below), and pm.<domain> reaches it.
 *
 * Stand-ins, for what no test host has (each is a fidelity gap, see the infra README):
 * - S3: `aws s3 cp s3://<bucket>/<key> <file>` copies the bundle this test zipped the way the CDK
 *   asset zips the folder (the real awscli is installed; a wrapper earlier on PATH answers);
 *   every other `aws` command runs the real awscli against moto (through a relay), which holds
 *   the template's Parameter Store parameters and Secrets Manager secrets, the secrets' values
 *   generated here as CloudFormation would;
 * - EBS: Fulcrum's data volume is a file at the NVMe path its volume id names; the user data
 *   makes the file system on it for real, and a `mount` wrapper skips mounting it (no loop
 *   devices here), so the database's files land on the host's disk;
 * - the SSM agent: a no-op `amazon-ssm-agent` command, so the user data skips installing it;
 * - Docker, on Fulcrum's host: Fulcrum's image cannot be built here and no engine runs here. The
 *   testkit's stand-in (installDockerStandIn: an empty `docker.io` package, a `docker.service`
 *   that does nothing, a `docker` command that pulls by digest from a local OCI registry and runs
 *   the image's command; the database container idles), and a stand-in Fulcrum image (a web
 *   server on 3000 with a sign-in page) that Fulcrum's deploy.sh rolls out;
 * - CloudFormation: this test fills the template's Ref, Fn::Sub and Fn::GetAtt (region, account,
 *   the servers' private addresses = the test hosts' addresses).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  installDockerStandIn,
  pushStandInImage,
  startMoto,
  startRegistry,
  startRelay,
  startTestHost,
  webServerImage,
  type Moto,
  type Registry,
  type Relay,
  type TestHost,
} from '../../tools/testkit/src';
import { SERVER_BASE_PACKAGES } from '../lib/constructs/user-data';
import { synthTier } from './helpers';

jest.setTimeout(900_000);

const SERVICES = resolve(__dirname, '..', '..', 'services');
const REGION = 'eu-west-1';
const ACCOUNT = '111111111111';
const ADDRESSES = {
  blog: '10.254.21.2',
  proxy: '10.254.22.2',
  fulcrum: '10.254.23.2',
  // No host answers there: nginx only needs the address to start, and nothing asks it.
  rocketchat: '10.254.24.2',
} as const;
type Server = keyof typeof ADDRESSES;

/** A CloudFormation value with its intrinsic functions filled in; fails on one it does not know. */
function resolveValue(
  value: unknown,
  privateIps: Record<string, string>,
  refs: Record<string, string> = {},
): string {
  if (typeof value === 'string') return value;
  const record = value as Record<string, unknown>;
  const pseudo: Record<string, string> = { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT };
  if ('Fn::Join' in record) {
    const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveValue(part, privateIps, refs)).join(separator);
  }
  if ('Ref' in record && pseudo[record.Ref as string]) return pseudo[record.Ref as string] ?? '';
  if (typeof record.Ref === 'string' && record.Ref in refs) return refs[record.Ref] ?? '';
  if ('Fn::Sub' in record && typeof record['Fn::Sub'] === 'string') {
    return record['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
      const found = pseudo[name];
      if (found === undefined) throw new Error(`Fn::Sub of unknown \${${name}}`);
      return found;
    });
  }
  if ('Fn::GetAtt' in record) {
    const [resource, attribute] = record['Fn::GetAtt'] as [string, string];
    const ip = attribute === 'PrivateIp' ? privateIps[resource] : undefined;
    if (ip === undefined) throw new Error(`Fn::GetAtt ${resource}.${attribute} has no value here`);
    return ip;
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
}

/** The data volumes' ids, as EC2 would give them. */
const volumeId = (n: number) => `vol-0${String(n).padStart(16, '0')}`;

interface Synthesized {
  /** Each server's user data, as the instance would receive it. */
  readonly userData: Record<Server, string>;
  /** The Network stack's String parameters, by name. */
  readonly parameters: Record<string, string>;
  /** The names of its Secrets Manager secrets (CloudFormation generates their values). */
  readonly secrets: string[];
  /** The stack's region, where the settings live. */
  readonly region: string;
}

function synthesizedServers(): Synthesized {
  const { templates, config } = synthTier({ tier: 'lower' });
  const resources = templates.network.toJSON().Resources as Record<
    string,
    {
      Type: string;
      Properties: { UserData?: { 'Fn::Base64': unknown }; Name?: string; Value?: string };
    }
  >;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const instances = ofType('AWS::EC2::Instance');
  const serverOf = (id: string) => /^(proxy|blog|fulcrum|rocketchat)Server/.exec(id)?.[1] as Server;
  const privateIps = Object.fromEntries(instances.map(([id]) => [id, ADDRESSES[serverOf(id)]]));
  const refs = Object.fromEntries(ofType('AWS::EC2::Volume').map(([id], i) => [id, volumeId(i)]));
  return {
    userData: Object.fromEntries(
      instances.map(([id, r]) => [
        serverOf(id),
        resolveValue(r.Properties.UserData?.['Fn::Base64'], privateIps, refs),
      ]),
    ) as Record<Server, string>,
    parameters: Object.fromEntries(
      ofType('AWS::SSM::Parameter').map(([, r]) => [r.Properties.Name, r.Properties.Value]),
    ) as Record<string, string>,
    secrets: ofType('AWS::SecretsManager::Secret').map(([, r]) => r.Properties.Name ?? ''),
    region: config.region,
  };
}

/** A value as Secrets Manager generates one with ExcludePunctuation: letters and digits. */
const generatedSecret = () =>
  randomBytes(48)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');

/** What CloudFormation would create: the parameters, and the secrets with generated values. */
function createSettings(moto: Moto, synthesized: Synthesized): Record<string, string> {
  const aws = (...args: string[]) =>
    execFileSync('aws', [...args, '--endpoint-url', moto.endpoint], {
      // The region the servers ask (their settings file's AWS_REGION: the stack's own).
      env: { ...process.env, ...moto.awsEnv(synthesized.region) },
      encoding: 'utf8',
    });
  for (const [name, value] of Object.entries(synthesized.parameters)) {
    // As JSON: the CLI would fetch a --value that looks like a URL.
    const input = JSON.stringify({ Name: name, Value: value, Type: 'String' });
    aws('ssm', 'put-parameter', '--cli-input-json', input);
  }
  const values: Record<string, string> = {};
  for (const name of synthesized.secrets) {
    values[name] = generatedSecret();
    aws('secretsmanager', 'create-secret', '--name', name, '--secret-string', values[name]);
  }
  return values;
}

// What the CDK asset leaves out of a service's folder (service-server.ts ASSET_EXCLUDES).
const ASSET_EXCLUDES = ['node_modules/*', '.cache/*', 'public/*', 'dist/*', 'coverage/*', 'test/*'];

/**
 * The service's folder zipped as the asset is; `extra` is a folder whose files are added on top
 * (the built site the pipeline ships with the blog).
 */
function bundle(service: string, extra?: string): string {
  const zip = join(mkdtempSync(join(tmpdir(), 'servers-bundle-')), `${service}.zip`);
  execFileSync('zip', ['-qr', zip, '.', '-x', ...ASSET_EXCLUDES, '*.test.ts'], {
    cwd: join(SERVICES, service),
  });
  if (extra) execFileSync('zip', ['-qr', zip, '.'], { cwd: extra });
  return zip;
}

/** The built blog if there is one, else a small site of the same shape. */
function builtSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'servers-site-'));
  const built = join(SERVICES, 'blog', 'public');
  if (existsSync(join(built, 'index.html'))) {
    cpSync(built, join(dir, 'public'), { recursive: true });
  } else {
    mkdirSync(join(dir, 'public'));
    writeFileSync(join(dir, 'public', 'index.html'), '<h1>Pipelines blog</h1>\n');
    writeFileSync(join(dir, 'public', '404.html'), '<h1>Not found</h1>\n');
  }
  return dir;
}

/**
 * Puts the stand-ins and the bundle in place, runs the user data, and returns its log. `aws` is
 * the local AWS the host reaches (moto through a relay), for every command but the bundle's copy.
 */
async function provision(host: TestHost, script: string, zip: string, aws?: Relay): Promise<void> {
  const download = /aws s3 cp 's3:\/\/([^/]+)\/([^']+)'/.exec(script);
  if (!download) throw new Error('The user data downloads no bundle from S3');
  const stored = join(host.root, 'var/lib/test-s3', download[1] ?? '', download[2] ?? '');
  mkdirSync(dirname(stored), { recursive: true });
  cpSync(zip, stored);
  const standIn = (name: string, body: string) => {
    const file = join(host.root, 'usr/local/bin', name);
    writeFileSync(file, `#!/bin/bash\n${body}\n`);
    chmodSync(file, 0o755);
  };
  const localAws = aws
    ? `AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing exec /usr/bin/aws --endpoint-url ${aws.endpoint} "$@"`
    : 'echo "stand-in aws: only s3 cp" >&2; exit 2';
  standIn(
    'aws',
    `if [ "$1 $2" = "s3 cp" ] && [[ "$3" == s3://* ]]; then cp "/var/lib/test-s3/\${3#s3://}" "$4"; exit; fi\n${localAws}`,
  );
  standIn('amazon-ssm-agent', 'exit 0');
  // The data volume: a file where the NVMe device would be (the user data waits for it).
  const volume = /volume='(vol-[0-9a-f]+)'/.exec(script)?.[1];
  if (volume) {
    await host.run(
      `mkdir -p /dev/disk/by-id && truncate -s 64M /dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volume.replace('-', '')}`,
    );
    const path = /mountpoint -q (\S+) \|\| mount/.exec(script)?.[1] ?? '';
    standIn('mount', `[ "$*" = "${path}" ] && exit 0\nexec /usr/bin/mount "$@"`);
  }
  writeFileSync(join(host.root, 'root/user-data.sh'), script, { mode: 0o700 });
  const result = await host.exec('/root/user-data.sh > /var/log/user-data.log 2>&1');
  if (result.code !== 0) {
    const log = await host.exec('tail -40 /var/log/user-data.log');
    throw new Error(`The user data failed on ${host.name} (exit ${result.code}):\n${log.stdout}`);
  }
}

/** An HTTPS request from this machine to the proxy host, by name (its certificate is self-signed). */
function curl(args: string[]): { status: number; headers: string; body: string } {
  const result = spawnSync('curl', ['-sk', '--max-time', '10', '-D', '-', ...args], {
    encoding: 'utf8',
  });
  const [headers = '', body = ''] = result.stdout.split('\r\n\r\n');
  return { status: Number(/^HTTP\/\S+ (\d+)/.exec(headers)?.[1] ?? 0), headers, body };
}

describe('the proxy and blog servers, installed by their user data on Debian 12 test hosts', () => {
  const hosts: TestHost[] = [];
  let domain = '';
  let registry: Registry | undefined;
  let registryRelay: Relay | undefined;
  const packages = [...SERVER_BASE_PACKAGES, 'nginx'];

  let moto: Moto | undefined;
  let motoRelay: Relay | undefined;
  let settings: Synthesized;
  let secretValues: Record<string, string> = {};

  beforeAll(async () => {
    settings = synthesizedServers();
    const userData = settings.userData;
    moto = await startMoto();
    secretValues = createSettings(moto, settings);
    domain = /DOMAIN=([a-z0-9.-]+)/.exec(userData.proxy)?.[1] ?? '';
    const blog = await startTestHost({ name: 'blog', address: ADDRESSES.blog, packages });
    hosts.push(blog);
    const proxy = await startTestHost({ name: 'proxy', address: ADDRESSES.proxy, packages });
    hosts.push(proxy);
    const fulcrum = await startTestHost({ name: 'fulcrum', address: ADDRESSES.fulcrum, packages });
    hosts.push(fulcrum);
    await provision(blog, userData.blog, bundle('blog', builtSite()));
    await provision(proxy, userData.proxy, bundle('proxy'));
    registry = await startRegistry();
    registryRelay = await startRelay(fulcrum.machineAddress, registry.port);
    await installDockerStandIn(fulcrum);
    motoRelay = await startRelay(fulcrum.machineAddress, moto.port);
    await provision(fulcrum, userData.fulcrum, bundle('fulcrum'), motoRelay);
  });
  afterAll(async () => {
    await motoRelay?.stop();
    await moto?.stop();
    await registryRelay?.stop();
    await registry?.stop();
    for (const host of hosts) await host.stop();
  });

  it('serves the built site from the blog host on port 3000', async () => {
    const [blog] = hosts;
    await blog?.waitForUnit('nginx.service');
    const page = await fetch(`http://${ADDRESSES.blog}:3000/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Pipelines blog');
  });

  it('answers for blog.<domain> on the proxy host, over HTTPS, with what the blog host serves', async () => {
    await hosts[1]?.waitForUnit('nginx.service');
    const host = `blog.${domain}`;
    const response = curl(['--resolve', `${host}:443:${ADDRESSES.proxy}`, `https://${host}/`]);
    expect(response.status).toBe(200);
    expect(response.body).toContain('Pipelines blog');
    // The proxy's own headers, and the blog's caching policy passed through.
    expect(response.headers).toMatch(/strict-transport-security: max-age=31536000/i);
    expect(response.headers).toMatch(/cache-control: public, max-age=0, must-revalidate/i);
  });

  it('redirects plain HTTP to HTTPS and refuses unknown hosts', () => {
    const redirect = curl(['-H', `Host: blog.${domain}`, `http://${ADDRESSES.proxy}/posts/?a=1`]);
    expect(redirect.status).toBe(301);
    expect(redirect.headers).toMatch(
      new RegExp(`location: https://blog\\.${domain}/posts/\\?a=1`, 'i'),
    );
    expect(curl(['-H', 'Host: other.example.com', `http://${ADDRESSES.proxy}/`]).status).toBe(0);
  });

  it('wrote each server its settings file, readable by root only', async () => {
    const [blog, proxy] = hosts;
    expect(await proxy?.run('stat -c %a /etc/pipelines/proxy.env')).toBe('600\n');
    expect(await proxy?.run('cat /etc/pipelines/proxy.env')).toContain(
      `BLOG_UPSTREAM=${ADDRESSES.blog}:3000`,
    );
    expect(await blog?.run('grep ^PORT= /etc/pipelines/blog.env')).toBe('PORT=3000\n');
  });

  it("writes Fulcrum's settings from Parameter Store and Secrets Manager, whose values its user data never held", async () => {
    const fulcrum = hosts[2];
    if (!fulcrum) throw new Error('no fulcrum host');
    const app = await fulcrum.run('cat /etc/pipelines/fulcrum-app.env');
    const secret = (name: string) => secretValues[`pipelines/lower/fulcrum/${name}`] ?? '?';
    expect(app).toContain(`APP_HOST=pm.${domain}\n`);
    expect(app).toContain(`SECRET_KEY_BASE=${secret('secret-key-base')}\n`);
    expect(app).toContain(`SECRET_TOKEN=${secret('secret-token')}\n`);
    expect(app).toContain(
      `DATABASE_URL=postgresql://fulcrum:${secret('postgres-password')}@127.0.0.1:5432/`,
    );
    expect(await fulcrum.run('cat /etc/pipelines/fulcrum-postgres.env')).toContain(
      `POSTGRES_PASSWORD=${secret('postgres-password')}\n`,
    );
    expect(await fulcrum.run('stat -c %a /etc/pipelines/fulcrum-app.env')).toBe('600\n');
    for (const value of Object.values(secretValues)) {
      expect(settings.userData.fulcrum).not.toContain(value);
    }
  });

  it("keeps Fulcrum's database on its data volume, formatted by the user data, mounted at every boot", async () => {
    const fulcrum = hosts[2];
    if (!fulcrum) throw new Error('no fulcrum host');
    const device = (await fulcrum.run('ls /dev/disk/by-id/')).trim();
    expect(await fulcrum.run(`blkid -o value -s TYPE /dev/disk/by-id/${device}`)).toBe('ext4\n');
    expect(await fulcrum.run('grep " /var/lib/fulcrum " /etc/fstab')).toBe(
      `/dev/disk/by-id/${device} /var/lib/fulcrum ext4 defaults,x-systemd.device-timeout=10min 0 2\n`,
    );
    // The same commands again (an operator's re-run) neither format the volume again nor add a
    // second line.
    const label = await fulcrum.run(`e2label /dev/disk/by-id/${device}`);
    const lines = settings.userData.fulcrum.split('\n');
    const first = lines.findIndex((line) => line.startsWith('volume='));
    const last = lines.findIndex((line) => line.startsWith('mountpoint -q '));
    await fulcrum.run(lines.slice(first, last + 1).join('\n'));
    expect(await fulcrum.run(`e2label /dev/disk/by-id/${device}`)).toBe(label);
    expect(await fulcrum.run('grep -c " /var/lib/fulcrum " /etc/fstab')).toBe('1\n');
  });

  it("installs Fulcrum's units, which wait for a deployed image, then serve pm.<domain> through the proxy", async () => {
    const fulcrum = hosts[2];
    if (!fulcrum) throw new Error('no fulcrum host');
    await fulcrum.waitForUnit('fulcrum-postgres.service');
    await fulcrum.waitForUnit('fulcrum-health.timer');
    // No image deployed yet: fulcrum.service did not start.
    expect((await fulcrum.exec('systemctl is-active fulcrum.service')).stdout.trim()).toBe(
      'inactive',
    );
    expect(
      await fulcrum.run(
        'grep -c -E "^(SECRET_KEY_BASE|DATABASE_URL)=" /etc/pipelines/fulcrum-app.env',
      ),
    ).toBe('2\n');

    // A deploy: Fulcrum's deploy.sh rolls out a stand-in image by digest.
    if (!registry || !registryRelay) throw new Error('no registry');
    const digest = await pushStandInImage(
      registry.endpoint,
      'pipelines/fulcrum',
      webServerImage({ 'users/sign_in': 'Fulcrum stand-in: sign in\n' }),
    );
    const image = `${registryRelay.address}/pipelines/fulcrum@${digest}`;
    await fulcrum.run(`bash /opt/pipelines/fulcrum/deploy.sh ${image}`);
    await fulcrum.waitForUnit('fulcrum.service');
    // The health check (Fulcrum's real unit) passes against it.
    await fulcrum.run('systemctl start fulcrum-health.service');

    const host = `pm.${domain}`;
    const response = curl([
      '--retry',
      '10',
      '--retry-connrefused',
      '--retry-all-errors',
      '--retry-delay',
      '1',
      '--resolve',
      `${host}:443:${ADDRESSES.proxy}`,
      `https://${host}/users/sign_in`,
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toContain('Fulcrum stand-in: sign in');
  });
});
