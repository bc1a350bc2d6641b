import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvironments, resolveRef } from '@pipelines/environments';
import { withImageRepository } from '@pipelines/testkit';
import { outputsOf, summaryRows } from './summary';

const config = parseEnvironments(
  readFileSync(path.resolve(__dirname, '../../../environments.yml'), 'utf8'),
  'environments.yml',
);

describe('outputsOf', () => {
  it('gives every output as a string, empty names when the ref deploys nowhere', () => {
    expect(outputsOf(resolveRef(config, 'refs/heads/develop'), config)).toEqual({
      environment: '',
      tier: 'lower',
      build: 'false',
      deploy: 'false',
      approval: 'false',
      'upload-environment': '',
      'artifact-key': '',
      'function-name': '',
      'function-alias': '',
      bucket: '',
      images: '[{"repository":"pipelines/blog","service":"blog"}]',
      'environment-url': '',
      servers: 'false',
      'deploy-document': 'pipelines-deploy',
      'release-prefix': '',
    });
  });

  it.each([
    ['refs/heads/master', 'https://blog.pipelines.example.com'],
    ['refs/tags/RELEASE-7', 'https://blog.pipelines.example.com'],
    [
      'refs/heads/staging',
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/staging-KatanaLambda',
    ],
    [
      'refs/tags/int-a_b',
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/int-a_b-KatanaLambda',
    ],
  ])('gives %s the URL that opens what it deploys: %s', (ref, url) => {
    expect(outputsOf(resolveRef(config, ref), config)['environment-url']).toBe(url);
  });

  it('gives the environment names for a deploying ref', () => {
    expect(outputsOf(resolveRef(config, 'refs/heads/integration'), config)).toMatchObject({
      environment: 'mint',
      'artifact-key': 'mint/katana-lambda.zip',
      'function-name': 'mint-KatanaLambda',
      'function-alias': 'live',
      bucket: 'pipelines-artifacts-lower',
      'upload-environment': 'mint',
    });
  });

  it.each([
    ['refs/heads/integration', 'true', 'mint/releases/'],
    ['refs/tags/amy', 'false', 'amy/releases/'],
    ['refs/heads/staging', 'false', 'staging/releases/'],
    ['refs/tags/RELEASE-7', 'true', 'prod/releases/'],
  ])(
    'says whether %s rolls out to its tier’s servers (%s), and where its releases go',
    (ref, servers, prefix) => {
      expect(outputsOf(resolveRef(config, ref), config)).toMatchObject({
        servers,
        'deploy-document': 'pipelines-deploy',
        'release-prefix': prefix,
      });
    },
  );

  it('uploads an approval environment in its candidate environment, before the hold', () => {
    expect(outputsOf(resolveRef(config, 'refs/heads/master'), config)).toMatchObject({
      environment: 'prod',
      approval: 'true',
      'upload-environment': 'prod-candidate',
    });
  });
});

it('lists every image repository with the service that builds it, for the matrix', () => {
  const two = parseEnvironments(
    withImageRepository(
      readFileSync(path.resolve(__dirname, '../../../environments.yml'), 'utf8'),
      'pipelines/hello',
    ),
    'environments.yml',
  );
  expect(
    JSON.parse(outputsOf(resolveRef(two, 'refs/heads/integration'), two).images ?? ''),
  ).toEqual([
    { repository: 'pipelines/blog', service: 'blog' },
    { repository: 'pipelines/hello', service: 'hello' },
  ]);
});

describe('summaryRows', () => {
  it('shows none for no environment, and the rule that decided', () => {
    const rows = new Map(
      summaryRows('refs/heads/develop', resolveRef(config, 'refs/heads/develop')),
    );
    expect(rows.get('environment')).toBe('none');
    expect(rows.get('decided by')).toBe('no rule');
  });
});
