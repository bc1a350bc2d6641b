import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './errors';
import { imagesOf } from './images';
import { loadEnvironments, parseEnvironments } from './load';
import { concreteEnvironments, environmentFamilies } from './resolve';

const realFile = path.resolve(__dirname, '../../../environments.yml');

// A small valid file; each case below breaks one thing in it. Line numbers are 1-based.
const base = `version: 1
project:
  name: pipelines
  github: example/pipelines
  domain: pipelines.example.com
  region: us-east-1
names:
  artifact-key: '{environment}/katana-lambda.zip'
  function-name: '{environment}-KatanaLambda'
  image-repositories: [pipelines/blog]
tiers:
  lower:
    bucket: pipelines-artifacts-lower
  upper:
    bucket: pipelines-artifacts-upper
environments:
  mint:
    tier: lower
    branches: [integration]
    tags: [mint]
  int-{name}:
    tier: lower
    tag-patterns: ['^int-(?<name>[A-Za-z0-9_]+)$']
  prod:
    tier: upper
    approval: true
    branches: [master]
    tag-patterns: ['^RELEASE-\\d+$']
build-only:
  branch-patterns: ['^snyk-fix-.*$']
`;

function edit(from: string, to: string): string {
  if (!base.includes(from)) throw new Error(`test setup: ${from} not in the base file`);
  return base.replace(from, () => to);
}

function problems(text: string): ConfigError {
  try {
    parseEnvironments(text, 'environments.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the file was accepted');
}

describe('parseEnvironments: a valid file', () => {
  it('reads the repository environments.yml: six concrete environments and one family', () => {
    const config = parseEnvironments(readFileSync(realFile, 'utf8'), 'environments.yml');
    expect(concreteEnvironments(config).map((e) => [e.name, e.tier, e.approval])).toEqual([
      ['mint', 'lower', false],
      ['amy', 'lower', false],
      ['pat', 'lower', false],
      ['qa', 'lower', false],
      ['staging', 'upper', false],
      ['prod', 'upper', true],
    ]);
    expect(environmentFamilies(config)).toEqual([
      {
        template: 'int-{name}',
        placeholders: ['name'],
        tier: 'lower',
        approval: false,
        bucket: 'pipelines-artifacts-lower',
        artifactKey: 'int-{name}/katana-lambda.zip',
        functionName: 'int-{name}-KatanaLambda',
        functionAlias: 'live',
        branchPatterns: [],
        tagPatterns: ['^int-(?<name>[A-Za-z0-9_]+)$'],
      },
    ]);
    expect(config.names.imageRepositories).toEqual(['pipelines/blog']);
  });

  it('reads the OIDC subject settings: the ids GitHub names in immutable subjects, and the form', () => {
    const config = parseEnvironments(readFileSync(realFile, 'utf8'), 'environments.yml');
    expect(config.project.githubIds).toEqual({ owner: 1000001, repository: 2000002 });
    expect(config.project.oidcSubject).toBe('immutable');
  });

  it('defaults to the immutable subject form and leaves the ids unset when the file omits them', () => {
    const config = parseEnvironments(base, 'environments.yml');
    expect(config.project.oidcSubject).toBe('immutable');
    expect(config.project.githubIds).toBeUndefined();
  });

  it('names the alias that serves traffic: live unless names.function-alias says otherwise', () => {
    expect(parseEnvironments(base, 'environments.yml').names.functionAlias).toBe('live');
    const custom = edit(
      "  function-name: '{environment}-KatanaLambda'\n",
      "  function-name: '{environment}-KatanaLambda'\n  function-alias: current\n",
    );
    expect(parseEnvironments(custom, 'environments.yml').names.functionAlias).toBe('current');
    const [mint] = concreteEnvironments(parseEnvironments(custom, 'environments.yml'));
    expect(mint?.functionAlias).toBe('current');
  });

  it('records the line of every rule', () => {
    const config = parseEnvironments(base, 'environments.yml');
    const prod = config.environments.find((e) => e.key === 'prod');
    expect(prod).toMatchObject({ line: 24, branches: [{ name: 'master', line: 27 }] });
    expect(prod?.tagPatterns[0]?.line).toBe(28);
  });
});

describe('parseEnvironments: the servers of each tier', () => {
  const withServers = (lower: string, upper = 'prod') =>
    edit(
      '    bucket: pipelines-artifacts-lower\n  upper:\n    bucket: pipelines-artifacts-upper\n',
      `    bucket: pipelines-artifacts-lower\n    servers: ${lower}\n  upper:\n    bucket: pipelines-artifacts-upper\n    servers: ${upper}\n`,
    );

  it('names the environment whose deploys roll out to each tier, and its release folder', () => {
    const config = parseEnvironments(withServers('mint'), 'environments.yml');
    expect(config.tiers.lower.servers).toBe('mint');
    const [mint, prod] = concreteEnvironments(config);
    expect(mint).toMatchObject({ name: 'mint', servers: true, releasePrefix: 'mint/releases/' });
    expect(prod).toMatchObject({ name: 'prod', servers: true, releasePrefix: 'prod/releases/' });
  });

  it('defaults the deploy document to <project.name>-deploy, and takes names.deploy-document', () => {
    expect(parseEnvironments(base, 'environments.yml').names.deployDocument).toBe(
      'pipelines-deploy',
    );
    const custom = edit(
      'image-repositories: [pipelines/blog]\n',
      "image-repositories: [pipelines/blog]\n  deploy-document: katana-rollout\n  release-prefix: 'servers/{environment}/'\n",
    );
    const config = parseEnvironments(custom, 'environments.yml');
    expect(config.names.deployDocument).toBe('katana-rollout');
    expect(concreteEnvironments(config)[0]?.releasePrefix).toBe('servers/mint/');
  });

  it('gives no environment the servers of a tier that names none', () => {
    const config = parseEnvironments(base, 'environments.yml');
    expect(concreteEnvironments(config).filter((e) => e.servers)).toEqual([]);
  });

  it.each<[string, string, RegExp]>([
    [
      'an environment that does not exist',
      withServers('mintt'),
      /^environments\.yml:14:14: tiers\.lower\.servers: names "mintt", which is not an environment\. Name a fixed environment of tier lower, e\.g\. servers: mint$/,
    ],
    [
      'an environment of the other tier',
      withServers('prod'),
      /tiers\.lower\.servers: names "prod", an environment of tier upper, not lower\. Name a fixed environment of tier lower/,
    ],
    [
      'a family',
      withServers('int-{name}'),
      /tiers\.lower\.servers: names the family "int-\{name\}", whose members come and go.*\. Name a fixed environment of tier lower, e\.g\. servers: mint/,
    ],
    [
      'a release prefix without {environment}',
      edit(
        'image-repositories: [pipelines/blog]\n',
        "image-repositories: [pipelines/blog]\n  release-prefix: 'releases/'\n",
      ),
      /names\.release-prefix: "releases\/" does not use \{environment\}.*\. Use a template over \{environment\} ending in \//,
    ],
    [
      'a release prefix that is not a folder',
      edit(
        'image-repositories: [pipelines/blog]\n',
        "image-repositories: [pipelines/blog]\n  release-prefix: '{environment}-releases'\n",
      ),
      /names\.release-prefix: "\{environment\}-releases" is not a folder/,
    ],
    [
      'a deploy document name AWS reserves',
      edit(
        'image-repositories: [pipelines/blog]\n',
        'image-repositories: [pipelines/blog]\n  deploy-document: AWS-RunShellScript\n',
      ),
      /names\.deploy-document: not a valid SSM document name\. Use an SSM document name/,
    ],
  ])('refuses %s, naming the fix', (_name, text, expected) => {
    expect(() => parseEnvironments(text, 'environments.yml')).toThrow(expected);
  });
});

describe('parseEnvironments: malformed files fail with the file, the line and the fix', () => {
  it.each<[string, string, RegExp]>([
    [
      'broken YAML syntax',
      edit('tags: [mint]', 'tags: [mint'),
      /^environments\.yml:2[01]:\d+: is not valid YAML \(\w+\): .*\. \w/,
    ],
    [
      'a key given twice',
      edit('    tags: [mint]\n', '    tags: [mint]\n    tags: [amy]\n'),
      /^environments\.yml:21:5: is not valid YAML \(DUPLICATE_KEY\).*merge the two entries/,
    ],
    [
      'an OIDC subject form GitHub does not issue',
      edit('  region: us-east-1\n', '  region: us-east-1\n  oidc-subject: custom\n'),
      /^environments\.yml:7:17: project\.oidc-subject: .*Use immutable .* or legacy$/,
    ],
    [
      'a repository id that is not a number',
      edit(
        '  region: us-east-1\n',
        "  region: us-east-1\n  github-ids: { owner: 1, repository: 'pipelines' }\n",
      ),
      /^environments\.yml:7:\d+: project\.github-ids\.repository: .*numeric id/,
    ],
    [
      'an unknown top-level key',
      `${base}approvals:\n  environments: [production]\n`,
      /^environments\.yml:31:1: approvals: unknown key "approvals"\. Remove it or fix its spelling; allowed here: version, project, names, tiers, environments, build-only$/,
    ],
    [
      'a misspelt key in an environment',
      edit('    tags: [mint]', '    tag: [mint]'),
      /^environments\.yml:20:5: environments\.mint\.tag: unknown key "tag"\. .*allowed here: tier, approval, branches, tags, branch-patterns, tag-patterns$/,
    ],
    [
      'an unknown tier',
      edit('    tier: upper', '    tier: uper'),
      /^environments\.yml:25:11: environments\.prod\.tier: unknown tier "uper"\. Use one of the tiers defined under tiers: lower, upper$/,
    ],
    [
      'a third tier',
      edit('tiers:\n', 'tiers:\n  middle:\n    bucket: pipelines-artifacts-middle\n'),
      /^environments\.yml:12:3: tiers\.middle: unknown key "middle"/,
    ],
    [
      'an environment without a tier',
      edit('    tier: lower\n    branches', '    branches'),
      /^environments\.yml:18:5: environments\.mint\.tier: .*expected string.*\. Use one of the tiers defined under tiers/,
    ],
    [
      'approval written as yes',
      edit('approval: true', 'approval: yes'),
      /^environments\.yml:26:15: environments\.prod\.approval: .*expected boolean.*\. Use true or false/,
    ],
    [
      'a tag that YAML reads as a number',
      edit('tags: [mint]', 'tags: [1.0]'),
      /^environments\.yml:20:12: environments\.mint\.tags\.0: .*expected string.*quote names that look like numbers/,
    ],
    [
      'version 2',
      edit('version: 1', 'version: 2'),
      /^environments\.yml:1:10: version: .*Set version: 1/,
    ],
    [
      'a bucket S3 would refuse',
      edit('bucket: pipelines-artifacts-upper', 'bucket: Pipelines_Artifacts'),
      /^environments\.yml:15:13: tiers\.upper\.bucket: not a valid S3 bucket name\. Use an S3 bucket name/,
    ],
    [
      'an alias name Lambda would refuse (all digits reads as a version)',
      edit(
        "  function-name: '{environment}-KatanaLambda'\n",
        "  function-name: '{environment}-KatanaLambda'\n  function-alias: '7'\n",
      ),
      /^environments\.yml:10:19: names\.function-alias: not a valid Lambda alias name\. Use a Lambda alias name/,
    ],
    [
      'an ECR repository name ECR would refuse',
      edit('[pipelines/blog]', '[Pipelines/Blog]'),
      /^environments\.yml:10:24: names\.image-repositories\.0: not a valid ECR repository name/,
    ],
  ])('%s', (_case, text, message) => {
    expect(problems(text).message).toMatch(message);
  });

  it('an empty file names the missing keys at line 1', () => {
    const error = problems('');
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/environments\.yml:1:1: version: .*Set version: 1/);
  });
});

describe('parseEnvironments: contradictory files (two rules claiming one ref) fail with both lines', () => {
  it.each<[string, string, RegExp]>([
    [
      'one branch in two environments',
      edit('    branches: [master]', '    branches: [master, integration]'),
      /^environments\.yml:27:24: branch "integration" is claimed by environment "prod" and already by environment "mint" \(line 19\)\. Keep the name in one place only/,
    ],
    [
      'one tag listed twice in one environment',
      edit('tags: [mint]', 'tags: [mint, mint]'),
      /^environments\.yml:20:18: tag "mint" is claimed by environment "mint" and already by environment "mint"/,
    ],
    [
      "an exact tag that another environment's pattern also matches",
      edit('tags: [mint]', 'tags: [mint, int-special]'),
      /^environments\.yml:20:18: tag "int-special" of environment "mint" is also matched by tag pattern "\^int-\(\?<name>\[A-Za-z0-9_\]\+\)\$" of environment "int-\{name\}" \(line 23\)\. Narrow the pattern/,
    ],
    [
      'a build-only pattern that swallows a deploy branch',
      edit("branch-patterns: ['^snyk-fix-.*$']", "branch-patterns: ['^.*$']"),
      /\nenvironments\.yml:19:16: branch "integration" of environment "mint" is also matched by branch pattern "\^\.\*\$" of build-only \(line 30\)/,
    ],
    [
      'a build-only branch that is also a deploy branch',
      edit("branch-patterns: ['^snyk-fix-.*$']", 'branches: [master]'),
      /^environments\.yml:30:14: branch "master" is claimed by build-only and already by environment "prod" \(line 27\)/,
    ],
    [
      'a concrete environment a family could also produce',
      edit('  prod:\n', '  int-qa:\n    tier: lower\n    tags: [qa]\n  prod:\n'),
      /^environments\.yml:24:3: environment "int-qa" could also be a member of the family "int-\{name\}" \(line 21\)\. Rename the environment/,
    ],
  ])('%s', (_case, text, message) => {
    expect(problems(text).message).toMatch(message);
  });
});

describe('parseEnvironments: what the pipeline cannot honour fails at load, not silently', () => {
  it.each<[string, string, RegExp]>([
    [
      'two repositories of one service (both would build in services/blog)',
      edit(
        'image-repositories: [pipelines/blog]',
        'image-repositories: [pipelines/blog, other/blog]',
      ),
      /^environments\.yml:10:\d+: names\.image-repositories\.1: other\/blog and pipelines\/blog are both built by services\/blog\/scripts\/build-image\.sh .*\. Give each image its own service name/,
    ],
    [
      'one repository twice',
      edit(
        'image-repositories: [pipelines/blog]',
        'image-repositories: [pipelines/blog, pipelines/blog]',
      ),
      /^environments\.yml:10:\d+: names\.image-repositories\.1: lists pipelines\/blog twice\. Remove one/,
    ],
    [
      'no image repository (the image jobs are a matrix, and a matrix needs a leg)',
      edit('image-repositories: [pipelines/blog]', 'image-repositories: []'),
      /^environments\.yml:10:\d+: names\.image-repositories: lists no repository, but the pipeline builds, pushes and promotes at least one image\. List one/,
    ],
    [
      'an approval family (its environments would exist without reviewers until first deployed)',
      edit(
        "    tag-patterns: ['^int-(?<name>[A-Za-z0-9_]+)$']\n",
        "    tag-patterns: ['^int-(?<name>[A-Za-z0-9_]+)$']\n    approval: true\n",
      ),
      /^environments\.yml:24:\d+: environments\.int-\{name\}\.approval: family "int-\{name\}" needs approval.*\. Give the approval environment a fixed name/,
    ],
    [
      'a tag pattern no GitHub glob can express (the push trigger and the deployment policies)',
      edit("'^RELEASE-\\d+$'", "'^RELEASE-(?:\\d+|rc)$'"),
      /^environments\.yml:28:20: environments\.prod\.tag-patterns\.0: the pattern .* cannot be expressed as a GitHub glob .*\. Use literal text/,
    ],
  ])('%s', (_name, text, expected) => {
    expect(() => parseEnvironments(text, 'environments.yml')).toThrow(expected);
  });
});

describe('parseEnvironments: patterns and names', () => {
  it.each<[string, string, RegExp]>([
    [
      'a pattern without ^',
      edit("'^RELEASE-\\d+$'", "'RELEASE-\\d+$'"),
      /^environments\.yml:28:20: environments\.prod\.tag-patterns\.0: pattern "RELEASE-\\\\d\+\$" is not anchored\. Start it with \^ and end it with \$ .* "\^RELEASE-\\\\d\+\$"$/,
    ],
    [
      'a pattern without $',
      edit("'^RELEASE-\\d+$'", "'^RELEASE-\\d+'"),
      /:28:20: .*is not anchored/,
    ],
    [
      'a pattern ending in an escaped \\$',
      edit("'^RELEASE-\\d+$'", "'^RELEASE-\\d+\\$'"),
      /:28:20: .*is not anchored/,
    ],
    [
      'a top-level alternation that leaves the middle unanchored',
      edit("'^RELEASE-\\d+$'", "'^RELEASE-\\d+|hotfix|v\\d+$'"),
      /:28:20: .*has a top-level \| so only its first and last alternatives are anchored\. Group the alternatives: "\^\(\?:RELEASE-\\\\d\+\|hotfix\|v\\\\d\+\)\$"$/,
    ],
    [
      'an invalid regular expression',
      edit("'^RELEASE-\\d+$'", "'^RELEASE-(\\d+$'"),
      /:28:20: .*is not a valid regular expression .*\. Fix the expression/,
    ],
    [
      'a family pattern without the named group',
      edit("'^int-(?<name>[A-Za-z0-9_]+)$'", "'^int-[A-Za-z0-9_]+$'"),
      /:23:20: .*has no named group for \{name\} of "int-\{name\}"\. Capture it with a named group/,
    ],
    [
      'a family with an exact tag',
      edit(
        "    tag-patterns: ['^int-(?<name>",
        "    tags: [int-x]\n    tag-patterns: ['^int-(?<name>",
      ),
      /:23:12: .*family "int-\{name\}" lists an exact name, which cannot fill \{name\}/,
    ],
    [
      'an environment name with a shell character',
      edit('  prod:', '  prod$:'),
      /:24:3: environments\.prod\$: environment name "prod\$" has characters other than letters, digits, - and _/,
    ],
    [
      'an environment name too long for a Lambda function name',
      edit('  prod:', `  ${'p'.repeat(60)}:`),
      /:24:3: .*gives the function name "p{60}-KatanaLambda", which Lambda refuses \(1-64 letters, digits, - and _\)\. Shorten the environment name/,
    ],
    [
      'a branch name git would refuse',
      edit('branches: [master]', "branches: ['mas ter']"),
      /:27:16: environments\.prod\.branches\.0: "mas ter" is not a valid git branch name/,
    ],
    [
      'an environment nothing deploys to',
      edit('  prod:\n', '  spare:\n    tier: lower\n  prod:\n'),
      /:24:3: .*environment "spare" has no branches, tags or patterns, so nothing deploys to it/,
    ],
    [
      'a template with an unknown placeholder',
      edit("'{environment}-KatanaLambda'", "'{env}-KatanaLambda'"),
      /:9:18: names\.function-name: unknown placeholder \{env\} in "\{env\}-KatanaLambda"\. Use only \{environment\} and \{tier\}$/,
    ],
    [
      'a template every environment would share',
      edit("'{environment}/katana-lambda.zip'", "'katana-lambda.zip'"),
      /:8:17: names\.artifact-key: "katana-lambda\.zip" does not use \{environment\}, so every environment would share one package/,
    ],
    [
      'a package key S3 would not take safely',
      edit("'{environment}/katana-lambda.zip'", "'{environment}/../katana lambda.zip'"),
      /gives the package key "mint\/\.\.\/katana lambda\.zip", which is not a safe S3 key/,
    ],
  ])('%s', (_case, text, message) => {
    expect(problems(text).message).toMatch(message);
  });

  it('reports every problem at once, in line order', () => {
    const text = edit('    tier: upper', '    tier: uper').replace(
      "'^int-(?<name>",
      () => "'int-(?<name>",
    );
    const error = problems(text);
    expect(error.issues.map((i) => i.line)).toEqual([23, 25]);
    expect(error.message).toMatch(/^environments\.yml has 2 problems:\n.*:23:.*\n.*:25:/);
  });
});

describe("image repositories: any number, each built by its service's script", () => {
  const two = edit(
    'image-repositories: [pipelines/blog]',
    'image-repositories: [pipelines/blog, pipelines/api]',
  );

  it('lists every image with the service that builds it, in file order', () => {
    expect(imagesOf(parseEnvironments(two, 'environments.yml'))).toEqual([
      { repository: 'pipelines/blog', service: 'blog' },
      { repository: 'pipelines/api', service: 'api' },
    ]);
  });

  it('refuses a repository whose service has no build script, naming the file to add', () => {
    const exists = (p: string) => p === 'services/blog/scripts/build-image.sh';
    expect(() => parseEnvironments(two, 'environments.yml', { exists })).toThrow(
      /^environments\.yml:10:\d+: names\.image-repositories\.1: pipelines\/api is built by services\/api\/scripts\/build-image\.sh, which does not exist\. Add services\/api\/scripts\/build-image\.sh/,
    );
    expect(() => parseEnvironments(two, 'environments.yml', { exists: () => true })).not.toThrow();
  });
});

describe('loadEnvironments', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'environments-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file it read in its errors', () => {
    const file = path.join(dir, 'environments.yml');
    writeFileSync(file, edit('    tier: upper', '    tier: uper'));
    expect(() => loadEnvironments(file)).toThrow(`${file}:25:11: environments.prod.tier`);
  });

  it('checks the build script of every image in the folder of the file (the repository root)', () => {
    const file = path.join(dir, 'environments.yml');
    writeFileSync(file, base);
    expect(() => loadEnvironments(file)).toThrow(
      /names\.image-repositories\.0: pipelines\/blog is built by services\/blog\/scripts\/build-image\.sh, which does not exist/,
    );
    mkdirSync(path.join(dir, 'services', 'blog', 'scripts'), { recursive: true });
    writeFileSync(path.join(dir, 'services', 'blog', 'scripts', 'build-image.sh'), '');
    expect(loadEnvironments(file).names.imageRepositories).toEqual(['pipelines/blog']);
  });

  it('says how to fix a missing file', () => {
    expect(() => loadEnvironments(path.join(dir, 'nope.yml'))).toThrow(
      /^Could not read .*nope\.yml: ENOENT.*\. Check the path/,
    );
  });
});
