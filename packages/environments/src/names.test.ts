import { environmentNames, isGitRefName, isS3Bucket, isS3Key } from './names';

describe('isGitRefName (git check-ref-format)', () => {
  it.each([
    'refs/heads/master',
    'refs/tags/v1.2.3',
    'refs/heads/feature/x',
    'refs/heads/$(id)',
    'refs/heads/ünï',
  ])('accepts %s', (ref) => expect(isGitRefName(ref)).toBe(true));
  it.each([
    '',
    '@',
    'refs/heads/a b',
    'refs/heads/a\nb',
    'refs/heads/a..b',
    'refs/heads/a~1',
    'refs/heads/a^',
    'refs/heads/a:b',
    'refs/heads/a?',
    'refs/heads/a*',
    'refs/heads/a[',
    'refs/heads/a\\b',
    'refs/heads/a@{1}',
    'refs/heads/.hidden',
    'refs/heads/x.lock',
    'refs/heads/x.',
    'refs/heads//x',
    'refs/heads/',
    '/refs/heads/x',
    `refs/heads/${'a'.repeat(1100)}`,
  ])('refuses %j', (ref) => expect(isGitRefName(ref)).toBe(false));
});

describe('S3 names', () => {
  it('keys: safe characters, no empty or dot folders, 1024 bytes at most', () => {
    expect(isS3Key('mint/katana-lambda.zip')).toBe(true);
    expect(isS3Key('/mint/x.zip')).toBe(false);
    expect(isS3Key('mint//x.zip')).toBe(false);
    expect(isS3Key('mint/../x.zip')).toBe(false);
    expect(isS3Key('mint/a b.zip')).toBe(false);
    expect(isS3Key('a'.repeat(1025))).toBe(false);
  });

  it('buckets: 3-63 lowercase characters, not an IP address', () => {
    expect(isS3Bucket('pipelines-artifacts-lower')).toBe(true);
    expect(isS3Bucket('ab')).toBe(false);
    expect(isS3Bucket('Upper')).toBe(false);
    expect(isS3Bucket('a..b')).toBe(false);
    expect(isS3Bucket('192.168.1.1')).toBe(false);
  });
});

describe('environmentNames', () => {
  const templates = { artifactKey: '{tier}/{environment}/k.zip', functionName: '{environment}-Fn' };
  it('fills {environment} and {tier}', () => {
    expect(environmentNames(templates, 'qa', 'lower')).toEqual({
      artifactKey: 'lower/qa/k.zip',
      functionName: 'qa-Fn',
    });
  });
  it('says why a name Lambda would refuse is refused', () => {
    expect(environmentNames(templates, 'q'.repeat(62), 'lower').problem).toMatch(/Lambda refuses/);
  });
});
