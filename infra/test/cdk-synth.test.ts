/**
 * The real CLI, the way a fork runs it: `cdk synth` of the app in cdk.json, offline (no
 * credentials, no instance metadata, no lookups), for each tier, into a temporary outdir.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');
const STACKS = ['Artifacts', 'Dns', 'Functions', 'Github', 'Network', 'Registry'];

// The commands of docs/deploy-infra.md and infra/README.md, verbatim (the docs check holds the
// docs to that), run from the repository root.
const SYNTH_LOWER =
  'pnpm --dir infra exec cdk synth --no-notices --no-version-reporting -c tier=lower';
const SYNTH_UPPER =
  'pnpm --dir infra exec cdk synth --no-notices --no-version-reporting -c tier=upper -c separateDatabases=true';
const SYNTH_UNKNOWN_TIER =
  'pnpm --dir infra exec cdk synth --no-notices --no-version-reporting -c tier=middle';

interface Synth {
  status: number | null;
  output: string;
  outdir: string;
}

function cdkSynth(command: string): Synth {
  const outdir = mkdtempSync(join(tmpdir(), 'infra-cli-out-'));
  const empty = mkdtempSync(join(tmpdir(), 'infra-no-aws-'));
  const env: NodeJS.ProcessEnv = {
    // The CLI and the app run under the same Node as this test (cdk.json: `node --import tsx ...`).
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: empty,
    // No way to find credentials: no keys, no profile files, no instance metadata.
    AWS_CONFIG_FILE: join(empty, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(empty, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
  };
  const result = spawnSync('bash', ['-c', `${command} --quiet -o "$OUTDIR"`], {
    cwd: REPO,
    env: { ...env, OUTDIR: outdir },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, outdir };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
function resources(outdir: string, stack: string, type: string): Resources {
  const template = JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8')) as {
    Resources: Resources;
  };
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === type));
}

describe('cdk synth (the CLI, offline)', () => {
  it('synthesizes the lower tier with no cdk-nag finding', () => {
    const synth = cdkSynth(SYNTH_LOWER);
    expect(synth.output).not.toMatch(/AwsSolutions-/);
    expect(synth.status).toBe(0);
    const templates = readdirSync(synth.outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates.sort()).toEqual(STACKS.map((s) => `Pipelines-Lower-${s}.template.json`));
    const functions = Object.values(
      resources(synth.outdir, 'Pipelines-Lower-Functions', 'AWS::Lambda::Function'),
    );
    expect(functions.map((f) => f.Properties.FunctionName).sort()).toEqual([
      'amy-KatanaLambda',
      'mint-KatanaLambda',
      'pat-KatanaLambda',
      'qa-KatanaLambda',
    ]);
    // The servers' bundles are the real services/ folders, staged as assets.
    const assets = readdirSync(synth.outdir).filter((f) => f.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(4);
  }, 240_000);

  it("synthesizes the upper tier with Fulcrum's database split onto its own server", () => {
    const synth = cdkSynth(SYNTH_UPPER);
    expect(synth.output).not.toMatch(/AwsSolutions-/);
    expect(synth.status).toBe(0);
    const network = 'Pipelines-Upper-Network';
    // Four servers and Fulcrum's database server; MongoDB stays with Rocket.Chat.
    expect(Object.keys(resources(synth.outdir, network, 'AWS::EC2::Instance'))).toHaveLength(5);
    // The database listens only to its own app.
    const ingress = Object.entries(
      resources(synth.outdir, network, 'AWS::EC2::SecurityGroupIngress'),
    ).map(([, r]) => [
      JSON.stringify(r.Properties.GroupId),
      JSON.stringify(r.Properties.SourceSecurityGroupId),
      r.Properties.FromPort,
    ]);
    expect(ingress).toContainEqual([
      expect.stringContaining('fulcrumdbSecurityGroup'),
      expect.stringContaining('fulcrumSecurityGroup'),
      5432,
    ]);
    expect(ingress.filter(([group]) => String(group).includes('dbSecurityGroup'))).toHaveLength(1);
    const roles = Object.values(
      resources(synth.outdir, 'Pipelines-Upper-Github', 'AWS::IAM::Role'),
    );
    expect(
      roles
        .map(
          (r) =>
            JSON.stringify(r.Properties.AssumeRolePolicyDocument).match(
              /environment:([\w-]+)/,
            )?.[1],
        )
        .sort(),
      // prod-candidate: the upload-only role used before the hold (candidate-roles.test.ts).
    ).toEqual(['prod', 'prod-candidate', 'staging']);
  }, 240_000);

  it('refuses an unknown tier, naming the setting and the fix, and writes no templates', () => {
    const synth = cdkSynth(SYNTH_UNKNOWN_TIER);
    expect(synth.status).not.toBe(0);
    expect(synth.output).toContain(
      'Context "tier" is "middle", which environments.yml does not define. Pass -c tier=lower|upper.',
    );
    expect(readdirSync(synth.outdir).filter((f) => f.endsWith('.template.json'))).toEqual([]);
  }, 240_000);

  it('refuses immutable OIDC subjects without project.github-ids, saying how to get them, and writes no templates', () => {
    const yml = readFileSync(join(REPO, 'environments.yml'), 'utf8');
    const withoutIds = yml.replace(/^ {2}github-ids:.*\n/m, '');
    expect(withoutIds).not.toBe(yml);
    const dir = mkdtempSync(join(tmpdir(), 'infra-env-'));
    const file = join(dir, 'environments.yml');
    writeFileSync(file, withoutIds);
    // The file's repository must build its image (a check of its own, not the one under test).
    mkdirSync(join(dir, 'services', 'blog', 'scripts'), { recursive: true });
    writeFileSync(join(dir, 'services', 'blog', 'scripts', 'build-image.sh'), '');
    const synth = cdkSynth(`${SYNTH_UPPER} -c environments=${file}`);
    expect(synth.status).not.toBe(0);
    expect(synth.output).toContain('environments.yml "project.github-ids" is missing');
    expect(synth.output).toContain('pnpm bootstrap-github --dry-run');
    expect(readdirSync(synth.outdir).filter((f) => f.endsWith('.template.json'))).toEqual([]);
  }, 240_000);
});
