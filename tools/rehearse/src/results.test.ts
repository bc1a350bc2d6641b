import {
  jobOutput,
  jobOutputSources,
  listedImages,
  pipelineResults,
  stepOutput,
  type StepOutputs,
} from './results';

const workflow = `
on: push
jobs:
  resolve:
    runs-on: ubuntu-latest
    outputs:
      environment: \${{ steps.resolve.outputs.environment }}
      bucket: \${{ steps.resolve.outputs.bucket }}
      mixed: "prefix-\${{ steps.resolve.outputs.bucket }}"
    steps: [{ id: resolve, run: 'true' }]
  cache:
    runs-on: ubuntu-latest
    steps: [{ id: restore, run: 'true' }]
  upload:
    runs-on: ubuntu-latest
    outputs:
      bucket: \${{ steps.upload.outputs.bucket }}
      key: \${{ steps.upload.outputs.key }}
      version-id: \${{ steps.upload.outputs.version-id }}
    steps: [{ id: upload, run: 'true' }]
  images:
    runs-on: ubuntu-latest
    outputs:
      digest: \${{ steps.push.outputs.digest }}
      image-uri: \${{ steps.push.outputs.image-uri }}
    steps: [{ id: push, run: 'true' }]
`;

const outputs = (entries: Record<string, Record<string, Record<string, string>>>): StepOutputs =>
  new Map(
    Object.entries(entries).map(([job, steps]) => [job, new Map(Object.entries(steps))] as const),
  );

describe('reading the pipeline results by job id and step id', () => {
  const sources = jobOutputSources(workflow);

  it.each([
    ['upload', 'version-id', { job: 'upload', step: 'upload', name: 'version-id' }],
    ['images', 'image-uri', { job: 'images', step: 'push', name: 'image-uri' }],
    ['resolve', 'environment', { job: 'resolve', step: 'resolve', name: 'environment' }],
    ['resolve', 'mixed', undefined],
    ['cache', 'key', undefined],
    ['nosuchjob', 'key', undefined],
  ])('job %s output %s is read from %j', (job, name, ref) => {
    expect(sources.get(job)?.get(name)).toEqual(ref);
  });

  const log = outputs({
    resolve: { resolve: { environment: 'mint', bucket: 'from-resolve' } },
    cache: { restore: { key: 'cache-key-not-the-package' } },
    upload: { upload: { bucket: 'artifacts', key: 'mint/pkg.zip', 'version-id': '' } },
  });

  it.each([
    [{ job: 'upload', step: 'upload', name: 'key' }, 'mint/pkg.zip'],
    [{ job: 'upload', step: 'upload', name: 'version-id' }, undefined],
    [{ job: 'upload', step: 'other', name: 'key' }, undefined],
    [{ job: 'cache', step: 'restore', name: 'key' }, 'cache-key-not-the-package'],
  ])('step output %j is %s (empty counts as unset)', (ref, value) => {
    expect(stepOutput(log, ref)).toBe(value);
  });

  it.each([
    ['upload', 'key', 'mint/pkg.zip'],
    ['resolve', 'bucket', 'from-resolve'],
    ['cache', 'key', undefined],
  ])("job %s's output %s is %s", (job, name, value) => {
    expect(jobOutput(log, sources, job, name)).toBe(value);
  });

  it.each([
    [
      'the upload job reports where the package went; a cache step named key is not read',
      log,
      { environment: 'mint', bucket: 'artifacts', key: 'mint/pkg.zip' },
    ],
    [
      'without upload outputs, bucket falls back to the resolve job',
      outputs({ resolve: { resolve: { environment: 'prod', bucket: 'from-resolve' } } }),
      { environment: 'prod', bucket: 'from-resolve' },
    ],
    [
      'the images job reports the digest and image URI',
      outputs({ images: { push: { digest: 'sha256:ab', 'image-uri': 'r/x@sha256:ab' } } }),
      { digest: 'sha256:ab', imageUri: 'r/x@sha256:ab' },
    ],
    ['nothing ran', outputs({}), {}],
  ])('%s', (_case, stepOutputs, results) => {
    expect(pipelineResults(stepOutputs, sources)).toEqual(results);
  });
});

describe('listedImages', () => {
  it('reads the list of images release-candidate outputs, entries as written', () => {
    const listed = '[{"service":"blog","repository":"pipelines/blog","digest":"sha256:ab"}]';
    expect(listedImages(listed)).toEqual([
      { service: 'blog', repository: 'pipelines/blog', digest: 'sha256:ab' },
    ]);
  });

  it.each([undefined, 'not json', '{"service":"blog"}', '[null, 3, "x"]'])(
    'reads %j as no images',
    (json) => {
      expect(listedImages(json)).toEqual([]);
    },
  );
});
