import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, RefError } from './errors';
import { parseEnvironments } from './load';
import type { Resolution } from './model';
import { environmentByName, parseRef, resolveRef } from './resolve';

// The real file at the repository root: these tests are the routing table of docs/design.md, row by row.
const file = path.resolve(__dirname, '../../../environments.yml');
const config = parseEnvironments(readFileSync(file, 'utf8'), 'environments.yml');

type Expected = Omit<Resolution, 'matchedBy'>;
const deploys = (environment: string, tier: 'lower' | 'upper', approval = false): Expected => ({
  environment,
  tier,
  build: true,
  deploy: true,
  approval,
  artifactKey: `${environment}/katana-lambda.zip`,
  functionName: `${environment}-KatanaLambda`,
  functionAlias: 'live',
  bucket: `pipelines-artifacts-${tier}`,
  // environments.yml: tiers.lower.servers is mint, tiers.upper.servers is prod.
  servers: environment === 'mint' || environment === 'prod',
  deployDocument: 'pipelines-deploy',
  releasePrefix: `${environment}/releases/`,
});
const nowhere = (build: boolean): Expected => ({
  environment: null,
  tier: 'lower',
  build,
  deploy: false,
  approval: false,
  artifactKey: '',
  functionName: '',
  functionAlias: '',
  bucket: '',
  servers: false,
  deployDocument: 'pipelines-deploy',
  releasePrefix: '',
});

describe('resolveRef: every row of the routing table in docs/design.md', () => {
  it.each<[string, string, Expected]>([
    ['branch integration', 'refs/heads/integration', deploys('mint', 'lower')],
    ['branch staging', 'refs/heads/staging', deploys('staging', 'upper')],
    ['branch master (approval)', 'refs/heads/master', deploys('prod', 'upper', true)],
    ['tag mint', 'refs/tags/mint', deploys('mint', 'lower')],
    ['tag amy', 'refs/tags/amy', deploys('amy', 'lower')],
    ['tag pat', 'refs/tags/pat', deploys('pat', 'lower')],
    ['tag qa', 'refs/tags/qa', deploys('qa', 'lower')],
    ['tag int-<name>', 'refs/tags/int-foo', deploys('int-foo', 'lower')],
    ['tag int-<name> with digits and _', 'refs/tags/int-Team_7', deploys('int-Team_7', 'lower')],
    ['tag staging', 'refs/tags/staging', deploys('staging', 'upper')],
    ['tag production (approval)', 'refs/tags/production', deploys('prod', 'upper', true)],
    ['tag RELEASE-<n> (approval)', 'refs/tags/RELEASE-42', deploys('prod', 'upper', true)],
    ['branch Feature-<x>-<n>', 'refs/heads/Feature-login-12', nowhere(true)],
    ['branch Feature-<x>-<n>[...]', 'refs/heads/Feature-login-12-retry_2', nowhere(true)],
    ['branch feature-...', 'refs/heads/feature-cart-3', nowhere(true)],
    ['branch snyk-fix-...', 'refs/heads/snyk-fix-lodash-4.17.21', nowhere(true)],
    ['any other branch', 'refs/heads/develop', nowhere(false)],
    ['a branch named like a tag-only environment', 'refs/heads/amy', nowhere(false)],
    ['a tag named like a branch-only rule', 'refs/tags/integration', nowhere(false)],
    ['a tag named like an environment but not listed', 'refs/tags/prod', nowhere(false)],
    ['RELEASE without a number', 'refs/tags/RELEASE-', nowhere(false)],
    ['release in lowercase', 'refs/tags/release-1', nowhere(false)],
    ['int- with nothing after it', 'refs/tags/int-', nowhere(false)],
    ['a Feature branch without a number', 'refs/heads/Feature-login', nowhere(false)],
  ])('%s: %s', (_row, ref, expected) => {
    expect(resolveRef(config, ref)).toEqual({ ...expected, matchedBy: expect.any(String) });
  });

  it('says which rule and line decided', () => {
    expect(resolveRef(config, 'refs/tags/RELEASE-7').matchedBy).toMatch(
      /^tag pattern \^RELEASE-\\d\+\$ of prod \(environments\.yml:\d+\)$/,
    );
  });
});

describe('resolveRef: hostile and odd refs never produce an unsafe environment name', () => {
  const hostile: string[] = [
    'refs/tags/int-$(id)',
    'refs/tags/int-`id`',
    "refs/tags/int-a'b",
    'refs/tags/int-a"b',
    'refs/tags/int-a b',
    'refs/tags/int-a\nb',
    'refs/tags/int-..',
    'refs/tags/int-a..b',
    'refs/tags/int-ünïcode',
    'refs/tags/int-a;rm -rf',
    'refs/heads/$(id)',
    'refs/heads/`id`',
    'refs/heads/ma"ster',
    'refs/heads/master\n',
    'refs/heads/master ',
    ' refs/heads/master',
    'refs/heads/master\r',
    'refs/heads/../master',
    'refs/heads/mäster',
    'refs/heads/maſter',
    'refs/pull/1/merge',
    'refs/pull/1/head',
    '',
    'refs/heads/',
    'refs/tags/',
    'refs/heads',
    'master',
    'integration',
    'heads/master',
    'refs/remotes/origin/master',
    `refs/heads/${'a'.repeat(300)}`,
    `refs/tags/${'a'.repeat(300)}`,
    'refs/tags/production/..',
    'refs/tags/RELEASE-1\n',
    'refs/tags/RELEASE-١٢',
  ];

  it.each(hostile.map((ref) => [JSON.stringify(ref), ref]))('%s deploys nowhere', (_shown, ref) => {
    const resolution = resolveRef(config, ref);
    expect(resolution.environment).toBeNull();
    expect(resolution.deploy).toBe(false);
    expect(resolution.approval).toBe(false);
    expect(resolution.functionName).toBe('');
  });

  it('builds a build-only branch even with shell characters in it, and deploys it nowhere', () => {
    expect(resolveRef(config, 'refs/heads/snyk-fix-$(id)`x`')).toMatchObject(nowhere(true));
  });

  it('refuses, clearly, a family tag whose names Lambda would refuse (300 characters)', () => {
    const ref = `refs/tags/int-${'a'.repeat(300)}`;
    expect(() => resolveRef(config, ref)).toThrow(RefError);
    expect(() => resolveRef(config, ref)).toThrow(
      /matches tag pattern .* of int-\{name\} \(environments\.yml:\d+\) but gives the function name .* which Lambda refuses.*Use a shorter tag name/,
    );
  });

  it('takes the longest family member whose function name still fits (64 characters)', () => {
    const name = 'b'.repeat(64 - 'int--KatanaLambda'.length);
    expect(resolveRef(config, `refs/tags/int-${name}`).functionName).toHaveLength(64);
    expect(() => resolveRef(config, `refs/tags/int-${name}b`)).toThrow(RefError);
  });
});

describe('parseRef', () => {
  it.each([
    ['refs/heads/feature/x', { kind: 'branch', name: 'feature/x' }],
    ['refs/tags/v1.2.3', { kind: 'tag', name: 'v1.2.3' }],
    ['refs/pull/1/merge', null],
    ['refs/heads/a..b', null],
    ['refs/heads/a b', null],
    ['refs/heads/x.lock', null],
  ])('%s', (ref, expected) => {
    expect(parseRef(ref)).toEqual(expected);
  });
});

describe('runtime overlap of two patterns', () => {
  it('refuses a ref two environments claim by pattern, naming both rules and lines', () => {
    const text = readFileSync(file, 'utf8').replace(
      "tag-patterns: ['^RELEASE-\\d+$']",
      () => "tag-patterns: ['^RELEASE-\\d+$', '^int-x[a-y]+$']",
    );
    const overlapping = parseEnvironments(text, 'environments.yml');
    expect(resolveRef(overlapping, 'refs/tags/int-z').environment).toBe('int-z');
    expect(() => resolveRef(overlapping, 'refs/tags/int-xa')).toThrow(ConfigError);
    expect(() => resolveRef(overlapping, 'refs/tags/int-xa')).toThrow(
      /is claimed by tag pattern .* of int-\{name\} \(environments\.yml:\d+\) and by tag pattern \^int-x\[a-y\]\+\$ of prod/,
    );
  });
});

describe('environmentByName', () => {
  it('finds concrete environments and members of a family, with their names', () => {
    expect(environmentByName(config, 'prod')).toMatchObject({
      name: 'prod',
      tier: 'upper',
      approval: true,
      functionName: 'prod-KatanaLambda',
      family: null,
    });
    expect(environmentByName(config, 'int-foo')).toMatchObject({
      name: 'int-foo',
      tier: 'lower',
      approval: false,
      artifactKey: 'int-foo/katana-lambda.zip',
      bucket: 'pipelines-artifacts-lower',
      family: 'int-{name}',
    });
  });

  it.each(['nope', 'int-', 'int-$(id)', 'int-a/b', `int-${'a'.repeat(60)}`])(
    'knows no environment %s',
    (name) => {
      expect(environmentByName(config, name)).toBeUndefined();
    },
  );
});
