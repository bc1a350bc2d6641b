/**
 * Least privilege, proved both ways on the upper tier's synthesized roles:
 * - every permission the pipeline's action runs use is needed: remove it from the role (one at a
 *   time), run again the action that used it, and the run must fail with a message that names
 *   the permission (and the twin's denial names the role, the action and the resource);
 * - every permission granted is used by some run, or kept for a reason written below (a path a
 *   normal run does not take, or a request the twin cannot see).
 *
 * The runs are the pipeline's: s3-upload and ecr-push as `prod-candidate` (before the hold),
 * lambda-deploy, ecr-push's promotion and server-rollout as `prod` (after it; prod owns the upper
 * tier's servers), each run as the committed bundle.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../paths';
import { startRegistry, type Registry } from '../registry';
import { runAction, type ActionRun } from '../runAction';
import { startSsmRunCommand, type SsmRunCommand } from '../ssmRunCommand';
import { handlerZip, operatorRequest } from './provision';
import { startStrictAws, type Decision, type StrictAws } from './strictAws';
import { roleEnv, startStrictTier, type StrictTier } from './strictTier';
import type { TemplateRole } from './template';

jest.setTimeout(600_000);

/**
 * Grants no run uses, each with why it stays. A grant missing here and unused by every run fails
 * the test: remove it from infra/lib/stacks/github-oidc-stack.ts, or explain it here.
 */
const KEPT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'prod-candidate': {
    's3:AbortMultipartUpload': 's3-upload aborts the multipart uploads it started when one fails',
    's3:GetObject':
      "HeadObject of the listed key without a VersionId: s3-upload's re-run check (a skip), which these runs do not make",
  },
  prod: {
    'lambda:DeleteAlias':
      "lambda-deploy's rollback when a deploy that created the alias fails after moving it",
  },
};

/**
 * Grants a step uses but gets by without, by design, each with why: without them the step still
 * succeeds (the "need" test skips them; the "grant nothing unused" test still sees them used).
 */
const OPTIONAL: Readonly<Record<string, string>> = {
  'ssm:GetCommandInvocation':
    "server-rollout reads each server's whole output with it; denied, the summary shows the part ListCommandInvocations listed",
};

const KEY = 'prod/katana-lambda.zip';
const REPOSITORY = 'pipelines/blog';

let tier: StrictTier;
let registry: Registry;
let ssm: SsmRunCommand;
let operatorS3: S3Client;
let work: string;
let n = 0;

/** One action run of the pipeline: fresh inputs each time (prepared unchecked), then the run. */
interface Step {
  readonly name: string;
  /** The GitHub environment whose role runs it. */
  readonly environment: string;
  run(env: Record<string, string>, twin: StrictAws): Promise<ActionRun>;
}

const file = (bytes: Buffer) => {
  const name = path.join(work, `file-${++n}`);
  writeFileSync(name, bytes);
  return name;
};

/** An earlier version under the key, so s3-upload finds one (as after an earlier run). */
const earlierVersion = () =>
  operatorS3.send(new PutObjectCommand({ Bucket: tier.bucket, Key: KEY, Body: `earlier ${++n}` }));

/** A package uploaded the way the upload job does it (the candidate role on the unmutated twin). */
async function uploadedPackage(): Promise<Record<string, string>> {
  await earlierVersion();
  const run = await runAction({
    action: 'actions/s3-upload',
    inputs: { file: file(handlerZip('index.js', `release ${++n}`)), bucket: tier.bucket, key: KEY },
    env: tier.envAs('prod-candidate'),
  });
  if (run.exitCode !== 0) throw new Error(`preparing a package failed: ${run.errors.join('; ')}`);
  return run.outputs;
}

/** A fresh single-platform OCI layout (config and one layer). */
function imageLayout(): string {
  const dir = mkdtempSync(path.join(work, 'layout-'));
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (mediaType: string, bytes: Buffer) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(path.join(blobs, hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  };
  const source = mkdtempSync(path.join(work, 'layer-'));
  writeFileSync(path.join(source, 'data.bin'), randomBytes(6 * 1024 * 1024));
  execFileSync('tar', ['--create', '--file=layer.tar', '--mtime=2024-01-01', 'data.bin'], {
    cwd: source,
  });
  const layer = put(
    'application/vnd.oci.image.layer.v1.tar',
    readFileSync(path.join(source, 'layer.tar')),
  );
  const config = put(
    'application/vnd.oci.image.config.v1+json',
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [layer.digest] },
      }),
    ),
  );
  const manifest = put(
    'application/vnd.oci.image.manifest.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config,
        layers: [layer],
      }),
    ),
  );
  writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [manifest] }),
  );
  return dir;
}

/** ecr-push through a twin's registry front (the twin's own: its role is checked there). */
const push = (twin: StrictAws, env: Record<string, string>, inputs: Record<string, string>) =>
  runAction({
    action: 'actions/ecr-push',
    inputs: {
      registry: twin.registryHost ?? '',
      repository: REPOSITORY,
      tags: `t-${++n}`,
      // Big enough a layer for a chunked upload (PATCH: UploadLayerPart).
      'chunk-size-mb': '5',
      ...inputs,
    },
    env,
  });

const deploy = (env: Record<string, string>, upload: Record<string, string>, alias: string) =>
  runAction({
    action: 'actions/lambda-deploy',
    inputs: {
      'function-name': 'prod-KatanaLambda',
      's3-bucket': upload.bucket ?? '',
      's3-key': upload.key ?? '',
      's3-object-version': upload['version-id'] ?? '',
      'expected-sha256': upload.sha256 ?? '',
      alias,
    },
    env,
  });

/** s3-upload of `size` random bytes over an earlier version of the key. */
const uploadStep = (name: string, size: number, inputs: Record<string, string> = {}): Step => ({
  name,
  environment: 'prod-candidate',
  async run(env) {
    await earlierVersion();
    return runAction({
      action: 'actions/s3-upload',
      inputs: { file: file(randomBytes(size)), bucket: tier.bucket, key: KEY, ...inputs },
      env,
    });
  },
});

/** prod's server, as the infra tags it. */
const PROD_BLOG_SERVER = 'i-00000000000000b10';

const STEPS: readonly Step[] = [
  uploadStep('s3-upload in one PUT', 20_000),
  uploadStep('s3-upload in parts', 6 * 1024 * 1024, { 'part-size-mb': '5' }),
  {
    name: 'lambda-deploy creating the alias',
    environment: 'prod',
    async run(env) {
      return deploy(env, await uploadedPackage(), `new-${++n}`);
    },
  },
  {
    name: 'lambda-deploy moving the alias',
    environment: 'prod',
    async run(env) {
      const upload = await uploadedPackage();
      // The alias exists (an earlier deploy), on a published version.
      const fn = '/2015-03-31/functions/prod-KatanaLambda';
      const published = JSON.parse(
        await operatorRequest(
          tier.moto.endpoint,
          'lambda',
          `${fn}/versions`,
          { method: 'POST', body: '{}' },
          tier.region,
        ),
      ) as { Version: string };
      await operatorRequest(
        tier.moto.endpoint,
        'lambda',
        `${fn}/aliases`,
        {
          method: 'POST',
          body: JSON.stringify({ Name: `live-${++n}`, FunctionVersion: published.Version }),
        },
        tier.region,
      );
      return deploy(env, upload, `live-${n}`);
    },
  },
  {
    name: 'ecr-push of a built image',
    environment: 'prod-candidate',
    run: (env, twin) => push(twin, env, { image: imageLayout() }),
  },
  {
    name: 'ecr-push promoting an approved image by digest',
    environment: 'prod',
    async run(env, twin) {
      const pushed = await push(tier.twin, tier.envAs('prod-candidate'), { image: imageLayout() });
      // The approved image, named through this twin's front (the same registry behind it).
      const source = (pushed.outputs['image-uri'] ?? '').replace(
        tier.twin.registryHost ?? '',
        twin.registryHost ?? '',
      );
      return push(twin, env, { 'source-image': source });
    },
  },
  {
    name: 'server-rollout to prod’s servers',
    environment: 'prod',
    run: (env) =>
      runAction({
        action: 'actions/server-rollout',
        inputs: {
          environment: 'prod',
          document: 'pipelines-deploy',
          releases: `blog s3://${tier.bucket}/prod/releases/blog-site.tar.gz?versionId=v${++n} ${'a'.repeat(64)}`,
        },
        env,
      }),
  },
];

const escapeRegExp = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** The role with `action` removed from every statement of its policies. */
function without(role: TemplateRole, action: string): TemplateRole {
  return {
    ...role,
    policies: role.policies.map((policy) => ({
      ...policy,
      document: {
        ...policy.document,
        Statement: policy.document.Statement.flatMap((statement) => {
          const actions = [statement.Action as string | string[]]
            .flat()
            .filter((a) => a !== action);
          return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
        }),
      },
    })),
  };
}

/** Runs a step as its role on a twin of its own (so its decisions are its own). */
async function measure(step: Step, roles: readonly TemplateRole[]) {
  const twin = await startStrictAws({
    moto: tier.moto,
    roles,
    account: tier.account,
    registry,
    ssm,
  });
  try {
    const run = await step.run(roleEnv(twin, tier.roleOf(step.environment), tier.region), twin);
    return { run, decisions: [...twin.decisions] };
  } finally {
    await twin.stop();
  }
}

const granted = (role: TemplateRole) =>
  new Set(
    role.policies.flatMap((p) =>
      p.document.Statement.flatMap((s) => [s.Action as string | string[]].flat()),
    ),
  );

/** Per environment, the actions its runs were allowed, and the step that first used each. */
const used = new Map<string, Map<string, Step>>();
const baseline: { step: string; exitCode: number; errors: string[]; denied: Decision[] }[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  ssm = await startSsmRunCommand({
    documents: {
      'pipelines-deploy': readFileSync(
        path.join(repoRoot, 'services', 'lib', 'deploy-document.json'),
        'utf8',
      ),
    },
    instances: [
      {
        instanceId: PROD_BLOG_SERVER,
        tags: { 'pipelines:environment': 'prod', 'pipelines:service': 'blog' },
        // What the server does is not what this test proves (IAM is): the deploy "succeeds".
        run: () => Promise.resolve({ code: 0, stdout: 'deployed\n', stderr: '' }),
      },
    ],
  });
  tier = await startStrictTier({ tier: 'upper', registry, ssm });
  work = mkdtempSync(path.join(os.tmpdir(), 'iam-mutation-'));
  operatorS3 = new S3Client({
    region: tier.region,
    endpoint: tier.moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  for (const step of STEPS) {
    const { run, decisions } = await measure(step, tier.roles);
    baseline.push({
      step: step.name,
      exitCode: run.exitCode,
      errors: run.errors,
      denied: decisions.filter((d) => !d.allowed),
    });
    const actions = used.get(step.environment) ?? new Map<string, Step>();
    for (const d of decisions.filter((d) => d.allowed)) {
      for (const action of d.actions) if (!actions.has(action)) actions.set(action, step);
    }
    used.set(step.environment, actions);
  }
}, 600_000);
afterAll(async () => {
  operatorS3?.destroy();
  await Promise.all([tier?.stop(), registry?.stop(), ssm?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the upper tier's roles, permission by permission", () => {
  it('run every pipeline step as synthesized, with no denial', () => {
    expect(baseline.filter((b) => b.exitCode !== 0 || b.denied.length > 0)).toEqual([]);
  });

  it('need every permission the steps use: without it, the step fails naming it, and the twin names the role, action and resource', async () => {
    const unnoticed: string[] = [];
    for (const [environment, actions] of used) {
      const roleName = tier.roleOf(environment);
      for (const [action, step] of actions) {
        if (action === 'sts:GetCallerIdentity') continue; // allowed to every caller by STS
        if (action in OPTIONAL) continue;
        const mutated = tier.roles.map((r) => (r.name === roleName ? without(r, action) : r));
        const { run, decisions } = await measure(step, mutated);
        const denial = decisions.find((d) => !d.allowed && d.deniedAction === action);
        const what = `${environment} without ${action} (${step.name})`;
        if (run.exitCode === 0 || !denial) {
          unnoticed.push(`${what}: exit ${run.exitCode}, denial ${denial ? 'seen' : 'not seen'}`);
          continue;
        }
        expect({ what, role: denial.role }).toEqual({ what, role: roleName });
        const errors = run.errors.join('\n');
        // A HEAD answer carries no body (AWS's as ours): the action can only name the status or,
        // better, the permission it needs. Any other denial's message must reach the job's log.
        expect({ what, errors }).toEqual({
          what,
          errors: expect.stringMatching(
            denial.method === 'HEAD'
              ? new RegExp(`403|Forbidden|${action}`)
              : escapeRegExp(denial.message ?? '?'),
          ),
        });
        expect(denial.message).toMatch(
          new RegExp(`${roleName}.*${action}|GetObject for ${tier.bucket}/`),
        );
      }
    }
    expect(unnoticed).toEqual([]);
  });

  it('grant nothing that no step uses, except what is kept here for a written reason', () => {
    const unexplained: string[] = [];
    const stale: string[] = [];
    for (const environment of ['prod-candidate', 'prod']) {
      const role = tier.roles.find((r) => r.name === tier.roleOf(environment));
      const grants = granted(role as TemplateRole);
      const usedHere = used.get(environment) ?? new Map<string, Step>();
      const kept = KEPT[environment] ?? {};
      for (const action of grants) {
        if (!usedHere.has(action) && !(action in kept))
          unexplained.push(`${environment} ${action}`);
      }
      for (const action of Object.keys(kept)) {
        if (!grants.has(action))
          stale.push(`${environment} ${action} (kept here, granted no more)`);
      }
    }
    expect({ unexplained, stale }).toEqual({ unexplained: [], stale: [] });
  });
});
