import { getInputs, pushesOf } from './inputs';

const D = `sha256:${'e'.repeat(64)}`;
const env = (inputs: Record<string, string>) => ({
  AWS_REGION: 'us-east-1',
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
});

describe('getInputs', () => {
  it('reads a push with defaults', () => {
    expect(
      getInputs(env({ image: 'image.tar', repository: 'katana/web', tags: 'v1, v2\nv1' })),
    ).toEqual({
      image: 'image.tar',
      source: undefined,
      sources: [],
      repository: 'katana/web',
      tags: ['v1', 'v2'],
      registry: undefined,
      region: 'us-east-1',
      createRepository: false,
      kmsKey: undefined,
      concurrency: 4,
      chunkSizeMb: 16,
      insecureRegistry: false,
    });
  });

  it('reads a promote with a loopback registry override', () => {
    const inputs = getInputs(
      env({
        'source-image': `127.0.0.1:5000/lower/web@${D}`,
        repository: 'upper/web',
        registry: '127.0.0.1:5001',
      }),
    );
    expect(inputs.source).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'lower/web',
      digest: D,
    });
    expect(inputs.registry).toEqual({ host: '127.0.0.1:5001', baseUrl: 'http://127.0.0.1:5001' });
  });

  it('reads source-images as one promotion per image, each into the repository its reference names', () => {
    const inputs = getInputs(
      env({
        'source-images': `127.0.0.1:5000/pipelines/blog@${D}\n127.0.0.1:5000/pipelines/hello@${D}`,
        tags: 'prod-abc',
      }),
    );
    expect(pushesOf(inputs).map((p) => [p.repository, p.source?.repository, p.tags])).toEqual([
      ['pipelines/blog', 'pipelines/blog', ['prod-abc']],
      ['pipelines/hello', 'pipelines/hello', ['prod-abc']],
    ]);
    const one = getInputs(env({ image: 'a', repository: 'web' }));
    expect(pushesOf(one)).toEqual([one]);
  });

  it.each([
    [
      { repository: 'web' },
      'Input "image" is required but was not set (nor was source-image or source-images)',
    ],
    [
      { 'source-images': `r.io/web@${D}`, repository: 'web' },
      'Input "repository" is set together with source-images',
    ],
    [
      { 'source-images': `r.io/web@${D}, r.io/web@${D}` },
      'Input "source-images" names repository web twice',
    ],
    [{ 'source-images': `r.io/web@${D}, r.io/api:v1` }, 'by digest only'],
    [
      { 'source-image': `r.io/web@${D}`, 'source-images': `r.io/web@${D}` },
      'Input "source-images" is set together with source-image',
    ],
    [
      { image: 'a', 'source-image': `r.io/web@${D}`, repository: 'web' },
      'Input "source-image" is set together with image',
    ],
    [{ image: 'a' }, 'Input "repository" is required'],
    [{ image: 'a', repository: 'Web' }, 'Input "repository" is not valid'],
    [{ image: 'a', repository: 'katana__web' }, 'Input "repository" is not valid'],
    [{ image: 'a', repository: 'web', tags: 'ok, -bad' }, '"-bad" is not a tag'],
    [{ 'source-image': 'r.io/web:v1', repository: 'web' }, 'by digest only'],
    [
      { image: 'a', repository: 'web', registry: 'http://registry.example.com' },
      'Input "registry" is not valid',
    ],
    [{ image: 'a', repository: 'web', 'chunk-size-mb': '0' }, 'Input "chunk-size-mb" is not valid'],
    [{ image: 'a', repository: 'web', concurrency: '0' }, 'Input "concurrency" is not valid'],
    [
      { image: 'a', repository: 'web', 'create-repository': 'yes' },
      'Input "create-repository" is not valid',
    ],
  ])('refuses %j', (inputs, message) => {
    expect(() => getInputs(env(inputs))).toThrow(message);
  });
});
