/**
 * The input checks every deploy.sh shares (deploy-lib.sh), run in bash: what is accepted, what
 * it is read as, and that anything else is refused with exit 2 and a message naming the fix.
 * The deploys themselves run on test hosts: infra/test/rollout.test.ts.
 */
import { spawnSync } from 'node:child_process';
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

test('shellcheck finds nothing in the deploy scripts, the install scripts and the Docker stand-in', () => {
  const scripts = [
    'lib/deploy-lib.sh',
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
