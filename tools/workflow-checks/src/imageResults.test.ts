/**
 * .github/scripts/image-results.sh, run for real (bash, jq): each `images` matrix leg writes its
 * result, and the jobs after the matrix read every result back, in environments.yml's order, or
 * fail when a leg's result is missing (a matrix job has only one set of outputs, the last leg's).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScript } from './scripts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'image-results-'));
  dirs.push(dir);
  return dir;
};

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const IMAGES = JSON.stringify([
  { repository: 'pipelines/blog', service: 'blog' },
  { repository: 'pipelines/hello', service: 'hello' },
]);

/** An OCI layout whose manifest lists a config of `config` bytes and layers of `layers` bytes. */
function layout(config: number, layers: number[]): string {
  const dir = tempDir();
  const manifest = JSON.stringify({
    config: { size: config },
    layers: layers.map((size) => ({ size })),
  });
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(dir, 'blobs', 'sha256', 'c'.repeat(64)), manifest);
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ manifests: [{ digest: digest('c') }] }),
  );
  return dir;
}

function write(results: string, repository: string, service: string, d: string) {
  const run = runScript(
    'image-results.sh',
    {
      REPOSITORY: repository,
      SERVICE: service,
      DIGEST: d,
      IMAGE_URI: `registry.example/${repository}@${d}`,
      RESULTS: results,
      LAYOUT: layout(100, [1000, 20]),
    },
    ['write'],
  );
  expect(run.status).toBe(0);
}

describe('image-results.sh', () => {
  test('reads every leg back in the order of resolve, with the first image for the record', () => {
    const results = tempDir();
    // The legs finish in any order.
    write(results, 'pipelines/hello', 'hello', digest('b'));
    write(results, 'pipelines/blog', 'blog', digest('a'));
    const run = runScript('image-results.sh', { IMAGES, RESULTS: results }, ['read']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.outputs.images ?? '')).toEqual([
      {
        repository: 'pipelines/blog',
        service: 'blog',
        digest: digest('a'),
        'image-uri': `registry.example/pipelines/blog@${digest('a')}`,
        size: 1120,
      },
      {
        repository: 'pipelines/hello',
        service: 'hello',
        digest: digest('b'),
        'image-uri': `registry.example/pipelines/hello@${digest('b')}`,
        size: 1120,
      },
    ]);
    expect(run.outputs['image-uris']).toBe(
      `registry.example/pipelines/blog@${digest('a')},registry.example/pipelines/hello@${digest('b')}`,
    );
    expect(run.outputs).toMatchObject({
      'image-digest': digest('a'),
      'image-uri': `registry.example/pipelines/blog@${digest('a')}`,
      'image-size': '1120',
    });
  });

  test.each<[string, (results: string) => void, RegExp]>([
    [
      'a leg left no result',
      (results) => write(results, 'pipelines/blog', 'blog', digest('a')),
      /no result for pipelines\/hello/,
    ],
    [
      'a result resolve did not list',
      (results) => {
        write(results, 'pipelines/blog', 'blog', digest('a'));
        write(results, 'pipelines/hello', 'hello', digest('b'));
        write(results, 'pipelines/other', 'other', digest('c'));
      },
      /a result for pipelines\/other, which resolve did not list/,
    ],
    [
      'a push that reported no digest',
      (results) => {
        write(results, 'pipelines/blog', 'blog', digest('a'));
        write(results, 'pipelines/hello', 'hello', 'none');
      },
      /no digest for pipelines\/hello/,
    ],
  ])('fails when %s, and outputs nothing', (_case, arrange, message) => {
    const results = tempDir();
    arrange(results);
    const run = runScript('image-results.sh', { IMAGES, RESULTS: results }, ['read']);
    expect(run.status).toBe(1);
    expect(run.log).toMatch(message);
    expect(run.outputs).toEqual({});
  });
});
