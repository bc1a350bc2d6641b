import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ARTIFACT_PATTERN,
  commandComment,
  imageReleases,
  invocationMeaning,
  lastLines,
  parseReleases,
  releaseVerdict,
  SHA256_PATTERN,
  targetsFor,
  type ServerResult,
} from './decide';

const SHA = 'ab'.repeat(32);
const S3 =
  's3://artifacts/mint/releases/blog-site.tar.gz?versionId=3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY';
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/pipelines/fulcrum@sha256:${'c'.repeat(64)}`;

describe('parseReleases', () => {
  it('reads one release per line, in order, skipping blanks and comments', () => {
    expect(
      parseReleases(
        `\n# the proxy first\nproxy ${S3} ${SHA}\n  blog   ${S3}  ${SHA}  \nfulcrum ${IMAGE}\n`,
      ),
    ).toEqual([
      { service: 'proxy', artifact: S3, sha256: SHA },
      { service: 'blog', artifact: S3, sha256: SHA },
      { service: 'fulcrum', artifact: IMAGE, sha256: '' },
    ]);
  });

  it.each([
    [
      'an unknown service',
      `fulcrum-db ${IMAGE}`,
      /line 1 .* names the unknown service "fulcrum-db".*Use one of blog, proxy, fulcrum, rocketchat/,
    ],
    [
      'a bare S3 key',
      `blog s3://artifacts/mint/blog-site.tar.gz ${SHA}`,
      /malformed artifact for blog.*never a bare key/,
    ],
    ['an S3 release without its sha256', `proxy ${S3}`, /no valid sha256 for proxy/],
    ['an upper-case sha256', `proxy ${S3} ${SHA.toUpperCase()}`, /no valid sha256 for proxy/],
    [
      'an image by tag',
      'rocketchat registry.example.com/chat:latest',
      /malformed image for rocketchat.*never by tag/,
    ],
    ['an image with a sha256', `fulcrum ${IMAGE} ${SHA}`, /gives fulcrum a sha256/],
    ['a quote in the artifact', `blog s3://artifacts/x'y?versionId=v ${SHA}`, /malformed artifact/],
    [
      'a service twice',
      `blog ${S3} ${SHA}\nblog ${S3} ${SHA}`,
      /line 2 .* deploys blog a second time/,
    ],
    ['four fields', `blog ${S3} ${SHA} extra`, /more than three fields/],
  ])('refuses %s, naming the input, the line and the fix', (_, text, message) => {
    expect(() => parseReleases(text)).toThrow(/^Input "releases" /);
    expect(() => parseReleases(text)).toThrow(message);
  });
});

describe('the patterns the action checks before sending', () => {
  const document = JSON.parse(
    readFileSync(
      path.join(__dirname, '..', '..', '..', 'services', 'lib', 'deploy-document.json'),
      'utf8',
    ),
  ) as { parameters: Record<string, { allowedPattern?: string; allowedValues?: string[] }> };

  it('are the deploy document allowedPatterns, so SSM never refuses what the action let through', () => {
    expect(document.parameters.artifact?.allowedPattern).toBe(ARTIFACT_PATTERN);
    expect(document.parameters.sha256?.allowedPattern).toBe(SHA256_PATTERN);
    expect(document.parameters.service?.allowedValues).toEqual([
      'blog',
      'proxy',
      'fulcrum',
      'rocketchat',
    ]);
  });
});

describe('targetsFor', () => {
  it('targets the servers with both tags', () => {
    expect(targetsFor('mint', 'blog')).toEqual([
      { Key: 'tag:pipelines:environment', Values: ['mint'] },
      { Key: 'tag:pipelines:service', Values: ['blog'] },
    ]);
  });
});

const server = (status: string, responseCode: number): ServerResult => ({
  instanceId: 'i-0123456789abcdef0',
  service: 'blog',
  artifact: S3,
  status,
  statusDetails: status,
  responseCode,
  outputTail: '',
});
const release = { service: 'blog' as const, artifact: S3, sha256: SHA };

describe('releaseVerdict', () => {
  it('is ok when every targeted server succeeded', () => {
    expect(releaseVerdict('mint', release, [server('Success', 0), server('Success', 0)])).toEqual({
      ok: true,
    });
  });

  it('fails on zero targets, naming both tags and the fix', () => {
    const verdict = releaseVerdict('mint', release, []);
    expect(verdict).toEqual({
      ok: false,
      reason: expect.stringContaining(
        'no instance is tagged pipelines:environment=mint and pipelines:service=blog',
      ),
    });
  });

  it.each([
    [1, 'rolled back (exit 1)'],
    [2, 'refused the input (exit 2): nothing was changed'],
  ])('tells exit %i apart', (code, words) => {
    const verdict = releaseVerdict('mint', release, [server('Failed', code)]);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain(words);
  });

  it('names a server the role may not reach, or whose agent is offline', () => {
    expect(invocationMeaning('Failed', -1, 'Access Denied')).toContain(
      "the deploy role may send it only to its environment's servers",
    );
    expect(invocationMeaning('TimedOut', -1, 'Delivery Timed Out')).toContain(
      'is its SSM agent online?',
    );
  });

  it('names a cancelled or timed-out server', () => {
    expect(invocationMeaning('Cancelled', -1)).toContain('cancelled before deploy.sh ran');
    expect(invocationMeaning('TimedOut', -1)).toContain('timed out');
  });
});

describe('commandComment and lastLines', () => {
  it("is the run's URL when it fits SSM's 100 characters, else the run id", () => {
    expect(
      commandComment({
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '42',
      }),
    ).toBe('https://github.com/o/r/actions/runs/42');
    expect(commandComment({ GITHUB_REPOSITORY: `o/${'r'.repeat(100)}`, GITHUB_RUN_ID: '42' })).toBe(
      'pipelines run 42',
    );
  });

  it('keeps the last non-empty lines', () => {
    expect(lastLines('a\nb\n\nc\nd\ne\nf\n', 3)).toBe('d\ne\nf');
  });
});

describe('imageReleases', () => {
  const image = (service: string, uri = IMAGE) => ({
    repository: `pipelines/${service}`,
    service,
    digest: `sha256:${'c'.repeat(64)}`,
    'image-uri': uri,
    size: 1,
  });
  const ROCKET = IMAGE.replace('fulcrum', 'rocketchat');

  it.each([
    ['no input', '', []],
    ['only the blog image (its server does not run it)', JSON.stringify([image('blog')]), []],
    [
      "fulcrum's and rocketchat's images, in the given order",
      JSON.stringify([image('blog'), image('rocketchat', ROCKET), image('fulcrum')]),
      [
        { service: 'rocketchat', artifact: ROCKET, sha256: '' },
        { service: 'fulcrum', artifact: IMAGE, sha256: '' },
      ],
    ],
  ])('%s', (_, json, releases) => {
    expect(imageReleases(json)).toEqual(releases);
  });

  it.each([
    ['not JSON', '[{', /Input "images" is not JSON/],
    ['not an array', '{}', /is not a JSON array/],
    ['an entry without a service', '[{}]', /entry 1 has no service/],
    [
      'an image by tag',
      JSON.stringify([image('fulcrum', 'registry/pipelines/fulcrum:latest')]),
      /entry 1 \(fulcrum\) has no image-uri by digest/,
    ],
    [
      'a service twice',
      JSON.stringify([image('fulcrum'), image('fulcrum')]),
      /lists fulcrum twice/,
    ],
  ])('refuses %s', (_, json, message) => {
    expect(() => imageReleases(json)).toThrow(message);
  });
});
