import { judge, type Claims, type Observation } from './verify';

const claims: Claims = {
  environment: 'mint',
  functionName: 'mint-KatanaLambda',
  alias: 'live',
  bucket: 'pipelines-artifacts-lower',
  key: 'mint/katana-lambda.zip',
  versionId: 'v1',
  repository: 'pipelines/blog',
  digest: 'sha256:dd',
};
const good: Observation = {
  functionSha256: 'aa',
  alias: { version: '2', sha256: 'aa' },
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
    [
      'registry lacks one of the images the pipeline listed',
      {
        images: [
          { repository: 'pipelines/blog', digest: 'sha256:dd' },
          { repository: 'pipelines/hello', digest: 'sha256:ee' },
        ],
      },
      { registryServesDigest: false, unserved: ['pipelines/hello@sha256:ee'] },
      /registry does not serve pipelines\/hello@sha256:ee$/,
    ],
    ['function missing', {}, { functionSha256: undefined }, /does not exist/],
    ['alias missing', {}, { alias: undefined }, /alias mint-KatanaLambda:live does not exist/],
    [
      'alias points at $LATEST',
      {},
      { alias: { version: '$LATEST', sha256: 'aa' } },
      /points at \$LATEST, not a published version/,
    ],
    [
      'alias serves other code (the version it points at is not the package)',
      {},
      { alias: { version: '1', sha256: 'placeholder' } },
      /serves version 1 running placeholder, not the uploaded package aa/,
    ],
  ])('fails when the %s', (_, claimed, seen, problem) => {
    const verdict = judge({ ...claims, ...claimed }, { ...good, ...seen });
    expect(verdict.deployed).toBe(false);
    expect(verdict.problems.join('\n')).toMatch(problem);
  });

  it('at the hold: passes while the function and its alias still run the placeholder, fails if either changed', () => {
    const held: Observation = {
      ...good,
      functionSha256: 'placeholder',
      alias: { version: '1', sha256: 'placeholder' },
    };
    expect(judge(claims, held, { expectUnchanged: 'placeholder' }).problems).toEqual([]);
    expect(
      judge(
        claims,
        { ...held, alias: { version: '2', sha256: 'aa' } },
        { expectUnchanged: 'placeholder' },
      ).problems.join(),
    ).toMatch(/alias mint-KatanaLambda:live moved before approval/);
    expect(judge(claims, good, { expectUnchanged: 'placeholder' }).problems.join()).toMatch(
      /changed before approval/,
    );
  });
});
