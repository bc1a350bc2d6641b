/**
 * Each server's deploy script (services/<name>/deploy.sh), run as the pipeline's rollout runs it,
 * on a Debian 12 test host (tools/testkit testHost.ts) where the service was installed by the
 * same user data commands the infra synthesizes (serviceUserData). One host per server, each
 * reused for all of its tests, in order: release A, release B, a release C that fails its health
 * check (rolled back to B), B again (nothing changes), bad input (refused, nothing changes).
 *
 * Real here: the scripts, the AWS CLI on the host fetching S3 object versions from moto, nginx,
 * systemd and the units, the release folders and links. Stood in (each is a fidelity gap, see
 * docs/fidelity.md): Docker (tools/testkit standins/docker: pulls by digest from a local OCI
 * registry and runs the image's command, no isolation), and the images of Fulcrum and
 * Rocket.Chat (small web servers answering their health paths). moto and the registry listen on
 * loopback; the hosts reach them through relays on their links.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createVersionedBucket,
  destroyLocalAwsClients,
  installDockerStandIn,
  localAwsClients,
  pushStandInImage,
  putReleaseVersion,
  startMoto,
  startRegistry,
  startRelay,
  startTestHost,
  type ExecResult,
  type LocalAwsClients,
  type Moto,
  type Registry,
  type Relay,
  type S3ReleaseVersion,
  type TestHost,
  webServerImage,
} from '../../tools/testkit/src';
import { APP_SERVICES } from '../lib/stacks/network-stack';
import { SERVER_BASE_PACKAGES, serviceUserData } from '../lib/constructs/user-data';

jest.setTimeout(900_000);

const SERVICES = resolve(__dirname, '..', '..', 'services');
const PACK = join(SERVICES, 'lib', 'pack-release.sh');
const DOMAIN = 'pipelines.example.com';
const BUCKET = 'rollout-artifacts';
// The rootfs servers.test.ts uses too (one cached build).
const PACKAGES = [...SERVER_BASE_PACKAGES, 'nginx'];
// Short health checks: the broken release fails in seconds.
const HEALTH = 'PIPELINES_HEALTH_ATTEMPTS=6 PIPELINES_HEALTH_INTERVAL=1';

let moto: Moto;
let registry: Registry;
let aws: LocalAwsClients;

beforeAll(async () => {
  moto = await startMoto();
  registry = await startRegistry();
  aws = localAwsClients(moto.endpoint);
  await createVersionedBucket(aws.s3, BUCKET);
});
afterAll(async () => {
  destroyLocalAwsClients(aws);
  await registry?.stop();
  await moto?.stop();
});

/** A release of the files (paths relative to its top), packed as the pipeline packs it. */
function tarGz(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'rollout-release-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, 'files', name, '..'), { recursive: true });
      writeFileSync(join(dir, 'files', name), text);
    }
    execFileSync('bash', [PACK, join(dir, 'files'), join(dir, 'release.tar.gz')]);
    return readFileSync(join(dir, 'release.tar.gz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type S3Release = S3ReleaseVersion;

/** Uploads a release to the versioned bucket (the AWS CLI): the exact object version and its sha256. */
function upload(key: string, body: Buffer): S3Release {
  const file = join(mkdtempSync(join(tmpdir(), 'rollout-upload-')), 'release.tar.gz');
  writeFileSync(file, body);
  const release = putReleaseVersion(moto, BUCKET, key, file);
  rmSync(file);
  return release;
}

/** Releases A, B and C as deploy.sh's arguments; a release's id is its sha256's first 16 digits. */
function s3Releases(s3: Record<string, S3Release>) {
  const args = (release: S3Release | undefined) => [release?.uri ?? '', release?.sha256 ?? ''];
  return {
    a: args(s3.a),
    b: args(s3.b),
    c: args(s3.c),
    id: ([, sha]: string[]) => (sha ?? '').slice(0, 16),
  };
}

/** A host with one service installed by the user data's commands, as on EC2. */
class ServerUnderTest {
  host!: TestHost;
  s3!: Relay;
  images!: Relay;

  constructor(
    readonly service: string,
    readonly address: string,
    readonly environment: Record<string, string>,
  ) {}

  async start(options: { docker?: boolean } = {}): Promise<void> {
    this.host = await startTestHost({
      name: `r${this.service.slice(0, 9)}`,
      address: this.address,
      packages: PACKAGES,
    });
    this.s3 = await startRelay(this.host.machineAddress, moto.port);
    this.images = await startRelay(this.host.machineAddress, registry.port);
    if (options.docker) await installDockerStandIn(this.host);
    const zip = join(this.host.root, 'root', 'bundle.zip');
    execFileSync('zip', ['-qr', zip, '.', '-x', 'node_modules/*', 'test/*', '*.test.ts'], {
      cwd: join(SERVICES, this.service),
    });
    const packages = APP_SERVICES.find((app) => app.service === this.service)?.packages ?? [
      'nginx',
    ];
    const commands = serviceUserData({
      service: this.service,
      role: 'app',
      bundlePath: '/root/bundle.zip',
      packages,
      environment: this.environment,
    });
    writeFileSync(join(this.host.root, 'root', 'install.sh'), commands.join('\n'), {
      mode: 0o700,
    });
    await this.host.run(
      '/root/install.sh > /var/log/install.log 2>&1 || { tail -30 /var/log/install.log; exit 1; }',
    );
  }

  async stop(): Promise<void> {
    await this.s3?.stop();
    await this.images?.stop();
    await this.host?.stop();
  }

  /** Runs deploy.sh as the rollout does: as root, with the role's credentials and region. */
  deploy(...args: string[]): Promise<ExecResult> {
    const quoted = args.map((arg) => `'${arg.replaceAll("'", `'"'"'`)}'`).join(' ');
    return this.host.exec(
      `AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_ENDPOINT_URL_S3=${this.s3.endpoint} ${HEALTH} bash /opt/pipelines/${this.service}/deploy.sh ${quoted}`,
    );
  }

  /** What a change would show: the release folders with their times, the links, the settings. */
  state(): Promise<string> {
    return this.host.run(
      `cd /opt/pipelines/${this.service} && ls -l --time-style=full-iso releases && readlink current previous || true; ls -la --time-style=full-iso /etc/pipelines /etc/nginx/conf.d; cat /etc/pipelines/*-image.env 2>/dev/null || true`,
    );
  }

  current(): Promise<string> {
    return this.host.run(`basename "$(readlink /opt/pipelines/${this.service}/current)"`);
  }

  /** An HTTP GET from inside the host. */
  get(url: string, ...curl: string[]): Promise<string> {
    return this.host.run(`curl --silent --max-time 10 ${curl.join(' ')} '${url}'`);
  }
}

/** The tests every server's deploy passes, given its releases A, B and the broken C. */
function describeRollout(
  server: ServerUnderTest,
  releases: () => { a: string[]; b: string[]; c: string[]; id: (release: string[]) => string },
  serves: () => Promise<string>,
): void {
  it('deploys release A, then release B, and serves each', async () => {
    const { a, b, id } = releases();
    const first = await server.deploy(...a);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await serves()).toContain('release A');
    expect(await server.current()).toBe(`${id(a)}\n`);

    const second = await server.deploy(...b);
    expect(second.code).toBe(0);
    expect(await serves()).toContain('release B');
    expect(await server.current()).toBe(`${id(b)}\n`);
  });

  it('rolls back to B and exits non-zero when release C fails its health check', async () => {
    const { b, c, id } = releases();
    const result = await server.deploy(...c);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not deploy release ${id(c)}`);
    expect(result.stderr).toContain(`rolled back to release ${id(b)}, which is healthy`);
    expect(await serves()).toContain('release B');
    expect(await server.current()).toBe(`${id(b)}\n`);
    // The failed release is gone; A and B are kept.
    expect(await server.host.run(`ls /opt/pipelines/${server.service}/releases`)).not.toContain(
      id(c),
    );
  });

  it('changes nothing when the current release is deployed again', async () => {
    const { b } = releases();
    const before = await server.state();
    const again = await server.deploy(...b);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('is already current: nothing to do');
    expect(await server.state()).toBe(before);
  });
}

/** Runs each bad input and expects it refused with its message and nothing changed. */
async function expectRefused(
  server: ServerUnderTest,
  cases: readonly (readonly [string[], RegExp])[],
): Promise<void> {
  const before = await server.state();
  for (const [args, message] of cases) {
    const result = await server.deploy(...args);
    expect({ args, code: result.code === 0 ? 0 : 'non-zero', stderr: result.stderr }).toEqual({
      args,
      code: 'non-zero',
      stderr: expect.stringMatching(message),
    });
  }
  expect(await server.state()).toBe(before);
}

const blogSite = (text: string) =>
  tarGz({
    'index.html': `<!doctype html><title>Pipelines blog</title><h1>${text}</h1>\n`,
    '404.html': '<h1>Not found</h1>\n',
    'posts/one/index.html': `<p>${text}: a post</p>\n`,
  });

describe('the blog server: static site releases from S3 object versions', () => {
  const server = new ServerUnderTest('blog', '10.254.31.2', { PORT: '3000', DOMAIN });
  const s3: Record<string, S3Release> = {};
  beforeAll(async () => {
    await server.start();
    s3.a = upload('mint/blog-site.tar.gz', blogSite('release A'));
    s3.b = upload('mint/blog-site.tar.gz', blogSite('release B'));
    // Built without its pages: nginx answers 403 for /, the health check fails.
    s3.c = upload('mint/blog-site.tar.gz', tarGz({ 'posts/one/index.html': 'release C' }));
  });
  afterAll(() => server.stop());

  it('serves the first release, made by install.sh, before any deploy', async () => {
    expect(await server.current()).toBe('bundled\n');
    expect(await server.get('http://127.0.0.1:3000/')).toContain('Pipelines blog');
  });

  describeRollout(
    server,
    () => s3Releases(s3),
    () => server.get('http://127.0.0.1:3000/'),
  );

  it('refuses a bare key, a missing or malformed sha256 and a wrong sha256, changing nothing', async () => {
    const { uri, sha256: sum } = s3.a!;
    const bare = `s3://${BUCKET}/mint/blog-site.tar.gz`;
    await expectRefused(server, [
      [
        [bare, sum],
        /the artifact must be one S3 object version, s3:\/\/<bucket>\/<key>\?versionId=<id>/,
      ],
      [[uri], /the expected sha256 "" is not 64 lower-case hex digits/],
      [[uri, sum.toUpperCase()], /is not 64 lower-case hex digits/],
      [[uri, 'f'.repeat(64)], new RegExp(`its sha256 is ${sum}, not the expected f{64}`)],
      [[`${uri}&x=1`, sum], /must be one S3 object version/],
      [[`s3://${BUCKET}/mint/blog-site.tar.gz?versionId=nosuchversion`, sum], /Could not fetch/],
    ]);
  });

  it('refuses to fetch without a region (no AWS_REGION, no instance metadata), changing nothing', async () => {
    const release = upload('mint/blog-site.tar.gz', blogSite('release F'));
    const before = await server.state();
    const result = await server.host.exec(
      `AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_ENDPOINT_URL_S3=${server.s3.endpoint} bash /opt/pipelines/blog/deploy.sh '${release.uri}' ${release.sha256}`,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Could not deploy: no AWS region');
    expect(await server.state()).toBe(before);
  });

  it("rolls back by hand with the runbook's commands, and back again", async () => {
    const [a, b] = [s3.a!.sha256.slice(0, 16), s3.b!.sha256.slice(0, 16)];
    const status = await server.host.run('bash /opt/pipelines/blog/deploy.sh --status');
    expect(status).toContain(`current: ${b}\nprevious: ${a}\n`);
    expect(status).toContain(`${a}  ${s3.a!.uri}`);
    expect(await server.host.run('readlink /opt/pipelines/blog/current')).toBe(`releases/${b}\n`);

    await server.host.run('bash /opt/pipelines/blog/deploy.sh --rollback');
    expect(await server.get('http://127.0.0.1:3000/')).toContain('release A');
    expect(await server.host.run('readlink /opt/pipelines/blog/current')).toBe(`releases/${a}\n`);
    await server.host.run('bash /opt/pipelines/blog/deploy.sh --rollback');
    expect(await server.get('http://127.0.0.1:3000/')).toContain('release B');
  });

  it('keeps the last PIPELINES_KEEP_RELEASES releases, and always the current and previous', async () => {
    const kept = ['D', 'E'].map((name) =>
      upload('mint/blog-site.tar.gz', blogSite(`release ${name}`)),
    );
    for (const release of kept) {
      const result = await server.deploy(release.uri, release.sha256);
      expect(result.code).toBe(0);
    }
    const keepOne = await server.host.exec(
      `PIPELINES_KEEP_RELEASES=1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_ENDPOINT_URL_S3=${server.s3.endpoint} bash /opt/pipelines/blog/deploy.sh '${s3.a!.uri}' ${s3.a!.sha256}`,
    );
    expect(keepOne.code).toBe(0);
    // A is current again (still on the server: not fetched), E previous; B, D, bundled are gone.
    expect((await server.host.run('ls /opt/pipelines/blog/releases')).split('\n').sort()).toEqual(
      ['', s3.a!.sha256.slice(0, 16), kept[1]!.sha256.slice(0, 16)].sort(),
    );
  });
});

/** The proxy's configuration as the pipeline packs it: render.sh and nginx/, edited by `edit`. */
function proxyConfig(edit: (template: string) => string = (t) => t): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'rollout-proxy-'));
  try {
    cpSync(join(SERVICES, 'proxy', 'nginx'), join(dir, 'nginx'), { recursive: true });
    cpSync(join(SERVICES, 'proxy', 'render.sh'), join(dir, 'render.sh'));
    const template = join(dir, 'nginx', 'pipelines.conf.template');
    writeFileSync(template, edit(readFileSync(template, 'utf8')));
    const files = Object.fromEntries(
      [
        'render.sh',
        ...execFileSync('ls', [join(dir, 'nginx')], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .map((name) => `nginx/${name}`),
      ].map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
    );
    return tarGz(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const REDIRECT = 'return 301 https://$host{{https_port_suffix}}$request_uri;';
/** A release whose redirect carries its name in the path, so a request shows which one runs. */
const namedRedirect = (name: string) => (template: string) =>
  template.replace(REDIRECT, `return 301 https://$host{{https_port_suffix}}/${name}$request_uri;`);

describe('the proxy server: configuration releases rendered on the server, nginx -t before switching', () => {
  const server = new ServerUnderTest('proxy', '10.254.32.2', {
    DOMAIN,
    // Nothing answers there: the proxy's own health does not depend on its upstreams.
    BLOG_UPSTREAM: '10.254.31.2:3000',
    CHAT_UPSTREAM: '10.254.34.2:3000',
    PM_UPSTREAM: '10.254.33.2:3000',
  });
  const s3: Record<string, S3Release> = {};
  beforeAll(async () => {
    await server.start();
    s3.a = upload('mint/proxy.tar.gz', proxyConfig(namedRedirect('release-A')));
    s3.b = upload('mint/proxy.tar.gz', proxyConfig(namedRedirect('release-B')));
    // Valid for nginx, but plain HTTP no longer redirects: the health check fails.
    s3.c = upload(
      'mint/proxy.tar.gz',
      proxyConfig((template) => template.replace(REDIRECT, 'return 404;')),
    );
  });
  afterAll(() => server.stop());

  /** Where plain HTTP for blog.<domain> is sent: shows the release running. */
  const redirect = async () =>
    (
      await server.get(
        'http://127.0.0.1/',
        '-o /dev/null',
        `-H 'Host: blog.${DOMAIN}'`,
        "-w '%{redirect_url}'",
      )
    ).replace('release-', 'release ');

  it('serves the configuration install.sh rendered, through the current link', async () => {
    expect(await server.current()).toBe('bundled\n');
    expect(await server.host.run('readlink /etc/nginx/conf.d/pipelines.conf')).toBe(
      '/opt/pipelines/proxy/current/pipelines.conf\n',
    );
    expect(await redirect()).toBe(`https://blog.${DOMAIN}/`);
  });

  describeRollout(server, () => s3Releases(s3), redirect);

  it('refuses a configuration nginx -t rejects, or an archive without render.sh, switching nothing', async () => {
    const invalid = upload(
      'mint/proxy.tar.gz',
      proxyConfig((template) => `${template}\nno_such_directive on;\n`),
    );
    const partial = upload('mint/proxy.tar.gz', tarGz({ 'nginx/readme': 'no renderer' }));
    const unrenderable = upload(
      'mint/proxy.tar.gz',
      proxyConfig((template) => template.replace('{{domain}}', '{{no_such_value}}')),
    );
    await expectRefused(server, [
      [
        [invalid.uri, invalid.sha256],
        /unknown directive "no_such_directive"[\s\S]*nothing was switched/,
      ],
      [[partial.uri, partial.sha256], /the archive has no render.sh/],
      [
        [unrenderable.uri, unrenderable.sha256],
        /\{\{no_such_value\}\}, which has no value[\s\S]*nothing was switched/,
      ],
    ]);
    expect(await redirect()).toBe(`https://blog.${DOMAIN}/release B/`);
  });
});

describe.each([
  {
    service: 'fulcrum',
    address: '10.254.33.2',
    health: '/users/sign_in',
    repository: 'pipelines/fulcrum',
    // Postgres runs in its own unit, with its data in /var/lib/fulcrum/postgres.
    databaseState:
      'systemctl show -p MainPID,ActiveEnterTimestamp fulcrum-postgres.service; ls -la --time-style=full-iso /var/lib/fulcrum/postgres',
  },
  {
    service: 'rocketchat',
    address: '10.254.34.2',
    health: '/api/info',
    repository: 'pipelines/rocketchat',
    // MongoDB runs beside Rocket.Chat in Compose (restarted with it), its data in a volume:
    // what matters is that nothing asks Compose to remove volumes (below).
    databaseState: 'true',
  },
])(
  'the $service server: images by digest',
  ({ service, address, health, repository, databaseState }) => {
    const server = new ServerUnderTest(service, address, { PORT: '3000', DOMAIN });
    const images: Record<string, string> = {};
    let databaseBefore = '';
    beforeAll(async () => {
      await server.start({ docker: true });
      databaseBefore = await server.host.run(databaseState);
      // Stand-ins of the app: web servers on 3000; C does not answer the health path.
      const ref = async (files: Record<string, string>) => {
        const digest = await pushStandInImage(registry.endpoint, repository, webServerImage(files));
        return `${server.images.address}/${repository}@${digest}`;
      };
      images.a = await ref({ [health.slice(1)]: `${service} release A\n` });
      images.b = await ref({ [health.slice(1)]: `${service} release B\n` });
      images.c = await ref({ 'index.html': 'no health path\n' });
    });
    afterAll(() => server.stop());

    it('runs nothing until the first deploy', async () => {
      expect((await server.host.exec(`systemctl is-active ${service}.service`)).stdout).toBe(
        'inactive\n',
      );
    });

    describeRollout(
      server,
      () => ({
        a: [images.a!],
        b: [images.b!],
        c: [images.c!],
        id: ([image]) => (image ?? '').split('@sha256:')[1]!.slice(0, 16),
      }),
      () => server.get(`http://127.0.0.1:3000${health}`),
    );

    it('refuses a tag, a short digest, a digest with a tag and a second argument, changing nothing', async () => {
      const [name, digest] = images.a!.split('@');
      await expectRefused(server, [
        [
          [`${name}:latest`],
          /the image must be <registry>\/<repository>@sha256:<digest>, with no tag/,
        ],
        [[`${name}@sha256:abc`], /with no tag/],
        [[`${name}:1.0@${digest}`], /with no tag/],
        [[`${repository}@${digest}`], /with no tag/],
        [[images.a!, 'f'.repeat(64)], /an image takes no second argument/],
      ]);
    });

    if (service === 'fulcrum') {
      it('publishes the database on loopback only when the app runs next to it', async () => {
        // systemd expands ${PUBLISH_ADDRESS} from the file install.sh wrote for the app role.
        expect(await server.host.run('cat /etc/pipelines/fulcrum-postgres-unit.env')).toBe(
          'PUBLISH_ADDRESS=127.0.0.1\n',
        );
        expect(await server.host.run('cat /var/log/test-docker.log')).toMatch(
          /run --rm --name fulcrum-postgres .*--publish 127\.0\.0\.1:5432:5432 /,
        );
      });

      it("refuses to deploy on Fulcrum's database server, changing nothing", async () => {
        const settings = '/etc/pipelines/fulcrum.env';
        await server.host.run(
          `cp ${settings} /root/settings && sed -i 's/^PIPELINES_ROLE=app$/PIPELINES_ROLE=db/' ${settings}`,
        );
        try {
          await expectRefused(server, [[[images.a!], /this is Fulcrum's database server/]]);
        } finally {
          await server.host.run(`cp /root/settings ${settings}`);
        }
      });
    }

    it('never touches the database: its container keeps running, its data is not removed', async () => {
      expect(await server.host.run(databaseState)).toBe(databaseBefore);
      // Compose's `down -v` (or `--volumes`) would delete MongoDB's volume.
      expect(await server.host.run('cat /var/log/test-docker.log')).not.toMatch(
        / (-v|--volumes)\b/,
      );
    });
  },
);
