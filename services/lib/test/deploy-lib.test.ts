/**
 * The input checks every deploy.sh shares (deploy-lib.sh), run in bash: what is accepted, what
 * it is read as, and that anything else is refused with exit 2 and a message naming the fix.
 * The deploys themselves run on test hosts: infra/test/rollout.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SERVICES = path.resolve(__dirname, '..', '..');
const LIB = path.join(SERVICES, 'lib', 'deploy-lib.sh');

/** Sources deploy-lib.sh and runs `body` with the input as $1. */
function bash(body: string, input: string) {
  const result = spawnSync(
    'bash',
    ['-c', `SERVICE=test; . "${LIB}"; ${body}`, 'deploy.sh', input],
    { encoding: 'utf8' },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const HEX = 'a'.repeat(64);

describe('an S3 artifact', () => {
  const parse = (input: string) =>
    bash('parse_s3_artifact "$1" && echo "$S3_BUCKET|$S3_KEY|$S3_VERSION"', input);

  test.each([
    [
      's3://b-1.x/mint/blog.tar.gz?versionId=3HL4kqtJlcp.X_r-o',
      'b-1.x|mint/blog.tar.gz|3HL4kqtJlcp.X_r-o',
    ],
    // A version id with characters a URI escapes.
    ['s3://bucket/k?versionId=a%2Bb%2Fc%3D', 'bucket|k|a+b/c='],
  ])('%s is read as bucket|key|version %s', (input, read) => {
    expect(parse(input)).toEqual({ code: 0, stdout: `${read}\n`, stderr: '' });
  });

  test.each([
    's3://bucket/mint/blog.tar.gz',
    's3://bucket/mint/blog.tar.gz?versionId=',
    's3://bucket/k?versionId=v&x=1',
    's3://Bucket/k?versionId=v',
    'https://bucket.s3.amazonaws.com/k?versionId=v',
    'mint/blog.tar.gz',
  ])('%s is refused', (input) => {
    const result = parse(input);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `Could not deploy "${input}": the artifact must be one S3 object version, s3://<bucket>/<key>?versionId=<id>.`,
    );
  });

  test.each(['', 'A'.repeat(64), 'a'.repeat(63), `${HEX}\n`])(
    'the sha256 %j is refused',
    (input) => {
      const result = bash('require_sha256 "$1"', input);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('is not 64 lower-case hex digits');
    },
  );
});

describe('an image', () => {
  const parse = (input: string) =>
    bash('parse_image_ref "$1" && echo "$IMAGE_REGISTRY|$IMAGE_DIGEST"', input);

  test.each([
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/pipelines/fulcrum@sha256:${HEX}`,
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    ],
    [`10.254.1.1:5000/pipelines/fulcrum@sha256:${HEX}`, '10.254.1.1:5000'],
    [`registry.rocket.chat/rocketchat/rocket.chat@sha256:${HEX}`, 'registry.rocket.chat'],
    [`localhost/a@sha256:${HEX}`, 'localhost'],
  ])('%s is read with the registry %s', (input, registry) => {
    expect(parse(input)).toEqual({ code: 0, stdout: `${registry}|${HEX}\n`, stderr: '' });
  });

  test.each([
    'registry.example/pipelines/fulcrum:latest',
    'registry.example/pipelines/fulcrum:7.6.1',
    `registry.example/pipelines/fulcrum:7.6.1@sha256:${HEX}`,
    `pipelines/fulcrum@sha256:${HEX}`,
    `registry.example/pipelines/fulcrum@sha256:${HEX.slice(1)}`,
    `registry.example/Pipelines/fulcrum@sha256:${HEX}`,
  ])('%s is refused', (input) => {
    const result = parse(input);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `Could not deploy "${input}": the image must be <registry>/<repository>@sha256:<digest>, with no tag.`,
    );
  });
});

describe('pack-release.sh', () => {
  const PACK = path.join(SERVICES, 'lib', 'pack-release.sh');
  const pack = (dir: string, out: string, ...paths: string[]) =>
    spawnSync('bash', [PACK, dir, out, ...paths], { encoding: 'utf8' });
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  test('the same files give the same archive, whatever their times and modes', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'pack-release-'));
    const site = path.join(work, 'site');
    mkdirSync(path.join(site, 'posts'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(site, 'index.html'), '<h1>blog</h1>\n', { mode: 0o600 });
    writeFileSync(path.join(site, 'posts', 'one.html'), 'one\n');
    expect(pack(site, path.join(work, 'first.tar.gz')).status).toBe(0);
    utimesSync(path.join(site, 'index.html'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(pack(site, path.join(work, 'second.tar.gz')).status).toBe(0);
    expect(sha256(path.join(work, 'second.tar.gz'))).toBe(sha256(path.join(work, 'first.tar.gz')));
    const listing = spawnSync('tar', ['-tvzf', path.join(work, 'first.tar.gz')], {
      encoding: 'utf8',
    });
    // Readable by nginx's workers, owned by root, at the epoch.
    expect(listing.stdout).toMatch(/^drwxr-xr-x 0\/0 +0 1970-01-01 00:00 \.\/posts\/$/m);
    expect(listing.stdout).toMatch(/^-rw-r--r-- 0\/0 +14 1970-01-01 00:00 \.\/index\.html$/m);
  });

  test('packs only the paths given (the proxy: render.sh and nginx/)', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'pack-release-'));
    const out = path.join(work, 'proxy.tar.gz');
    expect(pack(path.join(SERVICES, 'proxy'), out, 'render.sh', 'nginx').status).toBe(0);
    const names = spawnSync('tar', ['-tzf', out], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(names).toContain('render.sh');
    expect(names).toContain('nginx/pipelines.conf.template');
    expect(names.filter((name) => !name.startsWith('nginx/') && name !== 'render.sh')).toEqual([]);
  });

  test('refuses a folder that does not exist', () => {
    const result = pack('/nonexistent/public', '/tmp/never.tar.gz');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'Could not pack a release: /nonexistent/public is not a folder.',
    );
  });
});

test('shellcheck finds nothing in the deploy scripts, the install scripts and the Docker stand-in', () => {
  const scripts = [
    'lib/deploy-lib.sh',
    'lib/pack-release.sh',
    ...['blog', 'proxy', 'fulcrum', 'rocketchat'].flatMap((name) => [
      `${name}/deploy.sh`,
      `${name}/install.sh`,
    ]),
    'proxy/certificate.sh',
    '../tools/testkit/src/standins/docker',
  ];
  const result = spawnSync('shellcheck', ['-x', ...scripts], { cwd: SERVICES, encoding: 'utf8' });
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
});

// Bash applies redirections left to right: in `cmd <"$file" 2>/dev/null` the open of a missing
// file reports on the real stderr before stderr is silenced. A deploy whose stderr shows such a
// line (a /proc entry of a worker that just exited) reads as a failed one.
test('no deploy script silences stderr only after an input redirection that can fail', () => {
  const scripts = ['blog', 'proxy', 'fulcrum', 'rocketchat'].map((name) => `${name}/deploy.sh`);
  const late = scripts.flatMap((script) =>
    readFileSync(path.join(SERVICES, script), 'utf8')
      .split('\n')
      .map((line, index) => ({ where: `${script}:${index + 1}`, line }))
      .filter(({ line }) => /<\s*"?[$/][^|;&]*\s2>\/dev\/null/.test(line))
      .map(({ where }) => where),
  );
  expect(late).toEqual([]);
});

test('the silenced order is the one that keeps a missing file off stderr', () => {
  const early = bash('read -r line 2>/dev/null <"/nonexistent/$1" || true', 'x');
  const late = bash('read -r line <"/nonexistent/$1" 2>/dev/null || true', 'x');
  expect(early.stderr).toBe('');
  expect(late.stderr).toContain('No such file or directory');
});
