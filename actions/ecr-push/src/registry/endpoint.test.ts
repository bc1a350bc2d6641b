import {
  isEcrRepositoryName,
  isRepositoryName,
  parseImageReference,
  resolveEndpoint,
} from './endpoint';

const D = `sha256:${'c'.repeat(64)}`;

describe('resolveEndpoint', () => {
  it.each([
    ['127.0.0.1:5000', false, { host: '127.0.0.1:5000', baseUrl: 'http://127.0.0.1:5000' }],
    ['localhost:5000', false, { host: 'localhost:5000', baseUrl: 'http://localhost:5000' }],
    ['http://127.0.0.1:5000', false, { host: '127.0.0.1:5000', baseUrl: 'http://127.0.0.1:5000' }],
    [
      'https://127.0.0.1:5000/',
      false,
      { host: '127.0.0.1:5000', baseUrl: 'https://127.0.0.1:5000' },
    ],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      false,
      {
        host: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        baseUrl: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
      },
    ],
    [
      'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
      false,
      {
        host: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
        baseUrl: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
      },
    ],
    [
      'registry.internal:5000',
      true,
      { host: 'registry.internal:5000', baseUrl: 'http://registry.internal:5000' },
    ],
  ])('%s (insecure %s) -> %j', (value, insecure, expected) => {
    expect(resolveEndpoint(value, insecure)).toEqual(expected);
  });

  it.each([
    ['http://registry.example.com', /plain http for a non-loopback host/],
    ['ftp://127.0.0.1', /scheme ftp/],
    ['127.0.0.1:5000/v2', /without a path/],
    ['https://user:pw@registry.example.com', /credentials/],
    ['not a host', /not a host/],
  ])('refuses %s', (value, problem) => {
    expect(resolveEndpoint(value, false)).toMatch(problem);
  });
});

describe('parseImageReference', () => {
  it.each([
    [
      `127.0.0.1:5000/lower/web@${D}`,
      { registry: '127.0.0.1:5000', repository: 'lower/web', digest: D },
    ],
    [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/katana@${D}`,
      { registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'katana', digest: D },
    ],
    [`localhost/a/b/c@${D}`, { registry: 'localhost', repository: 'a/b/c', digest: D }],
    [`r.example.com/web:v1@${D}`, { registry: 'r.example.com', repository: 'web', digest: D }],
  ])('%s', (value, expected) => {
    expect(parseImageReference(value)).toEqual(expected);
  });

  it.each([
    ['r.example.com/web:v1', /by digest only/],
    [`r.example.com/web@sha256:abc`, /expected sha256/],
    [`web@${D}`, /no registry host/],
    [`library/web@${D}`, /not a registry host/],
    [`r.example.com/Web@${D}`, /not a valid repository name/],
  ])('refuses %s', (value, problem) => {
    expect(parseImageReference(value)).toMatch(problem);
  });
});

describe('isRepositoryName', () => {
  it.each([
    ['katana/web', true],
    ['a1', true],
    ['my_repo.v2/sub-part', true],
    ['a', false],
    ['Katana', false],
    ['/web', false],
    ['web/', false],
    ['web//x', false],
  ])('%s -> %s', (name, ok) => {
    expect(isRepositoryName(name)).toBe(ok);
  });
});

describe('isEcrRepositoryName', () => {
  it.each([
    ['katana/web', true],
    ['my_repo.v2/sub-part', true],
    ['a'.repeat(256), true],
    ['a'.repeat(257), false],
    ['a', false],
    // The distribution grammar allows these; ECR's CreateRepository pattern does not.
    ['a__b', false],
    ['a--b', false],
    ['a-_b', false],
    ['Katana', false],
  ])('%s -> %s', (name, ok) => {
    expect(isEcrRepositoryName(name)).toBe(ok);
  });
});
