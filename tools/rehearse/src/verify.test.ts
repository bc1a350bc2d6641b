import { judge, type Claims, type Observation } from './verify';

const claims: Claims = {
  environment: 'mint',
  functionName: 'mint-KatanaLambda',
  bucket: 'pipelines-artifacts-lower',
  key: 'mint/katana-lambda.zip',
  versionId: 'v1',
  repository: 'pipelines/blog',
  digest: 'sha256:dd',
};
const good: Observation = {
  functionSha256: 'aa',
  objectSha256: 'aa',
  registryServesDigest: true,
};

describe('judge (was the deploy real?)', () => {
  it('passes when the function runs the uploaded version and the registry serves the digest', () => {
    expect(judge(claims, good)).toEqual({ deployed: true, problems: [] });
  });

  it.each<[string, Partial<Claims>, Partial<Observation>, RegExp]>([
    [
      'function runs other code',
      {},
      { functionSha256: 'bb' },
      /runs bb, not the uploaded package aa/,
    ],
    [
      'version does not exist',
      {},
      { objectSha256: undefined, objectError: 'NoSuchVersion' },
      /no version v1.*NoSuchVersion/,
    ],
    ['no VersionId reported', { versionId: undefined }, {}, /no S3 VersionId/],
    [
      'registry lacks the digest',
      {},
      { registryServesDigest: false },
      /registry does not serve pipelines\/blog@sha256:dd/,
    ],
    ['function missing', {}, { functionSha256: undefined }, /does not exist/],
  ])('fails when the %s', (_, claimed, seen, problem) => {
    const verdict = judge({ ...claims, ...claimed }, { ...good, ...seen });
    expect(verdict.deployed).toBe(false);
    expect(verdict.problems.join('\n')).toMatch(problem);
  });

  it('at the hold: passes while the function still runs the placeholder, fails if it changed', () => {
    expect(
      judge(claims, { ...good, functionSha256: 'placeholder' }, { expectUnchanged: 'placeholder' })
        .problems,
    ).toEqual([]);
    expect(judge(claims, good, { expectUnchanged: 'placeholder' }).problems.join()).toMatch(
      /changed before approval/,
    );
  });
});
