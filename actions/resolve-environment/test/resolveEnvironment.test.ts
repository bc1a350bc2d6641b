/**
 * The committed bundle, run the way the runner runs it (INPUT_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, Node 24), against the repository's environments.yml and against
 * broken copies of it in a temporary workspace.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addImageRepository, repoRoot, runAction } from '@pipelines/testkit';

const action = 'actions/resolve-environment';

describe('resolve-environment (dist bundle)', () => {
  let workspace: string;
  beforeEach(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'resolve-environment-'));
    copyFileSync(path.join(repoRoot, 'environments.yml'), path.join(workspace, 'environments.yml'));
    addBuildScript('blog');
  });
  /** A checkout's services/<service>/scripts/build-image.sh (only its existence is checked). */
  const addBuildScript = (service: string) => {
    const scripts = path.join(workspace, 'services', service, 'scripts');
    mkdirSync(scripts, { recursive: true });
    writeFileSync(path.join(scripts, 'build-image.sh'), '');
  };
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  const run = (inputs: Record<string, string>) =>
    runAction({ action, inputs, cwd: workspace, env: { GITHUB_WORKSPACE: workspace } });

  it('resolves master to prod behind an approval, with its names, and summarises it', async () => {
    const result = await run({ ref: 'refs/heads/master' });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      environment: 'prod',
      tier: 'upper',
      build: 'true',
      deploy: 'true',
      approval: 'true',
      'upload-environment': 'prod-candidate',
      'artifact-key': 'prod/katana-lambda.zip',
      'function-name': 'prod-KatanaLambda',
      'function-alias': 'live',
      bucket: 'pipelines-artifacts-upper',
      images: '[{"repository":"pipelines/blog","service":"blog"}]',
      'environment-url': 'https://blog.pipelines.example.com',
      servers: 'true',
      'deploy-document': 'pipelines-deploy',
      'release-prefix': 'prod/releases/',
    });
    expect(result.summary).toContain('| environment | `prod` |');
    expect(result.summary).toContain('| approval | `yes` |');
    expect(result.summary).toContain('waits for a reviewer');
  });

  it('resolves a tag to its member of the int-{name} family', async () => {
    const result = await run({ ref: 'refs/tags/int-foo' });
    expect(result.outputs).toMatchObject({
      environment: 'int-foo',
      tier: 'lower',
      approval: 'false',
      'function-name': 'int-foo-KatanaLambda',
      'function-alias': 'live',
      bucket: 'pipelines-artifacts-lower',
    });
  });

  it('builds a feature branch and deploys it nowhere', async () => {
    const result = await run({ ref: 'refs/heads/Feature-login-12' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({
      environment: '',
      build: 'true',
      deploy: 'false',
      approval: 'false',
      'function-name': '',
      'function-alias': '',
    });
    expect(result.summary).toContain('| environment | `none` |');
  });

  it('deploys a hostile tag nowhere and succeeds', async () => {
    const result = await run({ ref: 'refs/tags/int-$(id)`id`' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ environment: '', build: 'false', deploy: 'false' });
  });

  it('fails clearly on a ref with a trailing newline instead of trimming it into master', async () => {
    const result = await run({ ref: 'refs/heads/master\n' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toEqual({});
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^Input "ref" has leading or trailing whitespace .*Pass the ref on one line/,
      ),
    ]);
  });

  it('fails clearly on a short name that is not a full ref', async () => {
    const result = await run({ ref: 'master' });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/^Input "ref" is not valid \("master"\): expected a full ref/);
  });

  it('fails on a malformed environments.yml with the file, the line and the fix, as an annotation', async () => {
    const text = readFileSync(path.join(workspace, 'environments.yml'), 'utf8');
    const broken = text.replace(
      '    tier: upper\n    # The manual hold',
      () => '    tier: uper\n    # The manual hold',
    );
    expect(broken).not.toBe(text);
    writeFileSync(path.join(workspace, 'environments.yml'), broken);
    const line = broken.split('\n').indexOf('    tier: uper') + 1;

    const result = await run({ ref: 'refs/heads/master' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toEqual({});
    expect(result.errors).toEqual([
      `environments.yml:${line}:11: environments.prod.tier: unknown tier "uper". Use one of the tiers defined under tiers: lower, upper`,
      'environments.yml is not valid: 1 problem(s), listed above. Fix them and run again; nothing was resolved.',
    ]);
    expect(result.stdout).toContain(`::error file=environments.yml,line=${line},col=11::`);
  });

  it('lists a second image repository for the matrix once its service has a build script, and refuses it, naming the script, before', async () => {
    const edited = addImageRepository(path.join(workspace, 'environments.yml'), 'pipelines/hello');
    const line = edited.split('\n').findIndex((l) => l.includes('pipelines/hello')) + 1;

    const refused = await run({ ref: 'refs/heads/integration' });
    expect(refused.exitCode).toBe(1);
    expect(refused.outputs).toEqual({});
    expect(refused.errors[0]).toMatch(
      new RegExp(
        `^environments\\.yml:${line}:\\d+: names\\.image-repositories\\.1: pipelines/hello is built by services/hello/scripts/build-image\\.sh, which does not exist\\. Add services/hello/scripts/build-image\\.sh`,
      ),
    );

    addBuildScript('hello');
    const resolved = await run({ ref: 'refs/heads/integration' });
    expect(resolved.exitCode).toBe(0);
    expect(JSON.parse(resolved.outputs.images ?? '')).toEqual([
      { repository: 'pipelines/blog', service: 'blog' },
      { repository: 'pipelines/hello', service: 'hello' },
    ]);
  });

  it('fails with the path and the fix when the config file is missing', async () => {
    const result = await run({ ref: 'refs/heads/master', config: 'config/environments.yml' });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(
      /^Could not read config\/environments\.yml: .*ENOENT.*Check out the repository first/,
    );
  });

  it('refuses a config path outside the workspace', async () => {
    const result = await run({ ref: 'refs/heads/master', config: '../environments.yml' });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toMatch(/^Input "config" .* is not a file inside the workspace/);
  });
});
