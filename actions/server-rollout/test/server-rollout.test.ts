/**
 * The committed bundle, run as the runner runs it, against the testkit's SSM Run Command stand-in
 * with the real deploy document (services/lib/deploy-document.json). The servers here are fake
 * in-process instances: the document's script runs in bash with /opt/pipelines mapped to a temp
 * dir holding a small deploy.sh per service that exits as told (0 deployed, 1 rolled back,
 * 2 refused). The real deploy scripts on real Debian hosts are proven in infra/test/rollout.test.ts,
 * and through this action in test/real-host.test.ts.
 */
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  repoRoot,
  runAction,
  startMoto,
  startSsmRunCommand,
  startStrictAws,
  type ManagedInstance,
  type Moto,
  type SsmRunCommand,
  type StrictAws,
} from '@pipelines/testkit';

jest.setTimeout(120_000);

const DOCUMENT = readFileSync(
  path.join(repoRoot, 'services', 'lib', 'deploy-document.json'),
  'utf8',
);
const SHA = 'ab'.repeat(32);
const release = (service: string, version: string) =>
  `${service} s3://artifacts/mint/releases/${service}.tar.gz?versionId=${version} ${SHA}`;
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/pipelines/fulcrum@sha256:${'c'.repeat(64)}`;

/** What each fake deploy.sh does: its output and exit code, like the real script's. */
const DEPLOY = {
  ok: 'echo "fetching $1"; echo "release ${2:0:16} is current"; exit 0',
  rolledBack:
    'echo "fetching $1"; echo "Could not deploy release ${2:0:16}: unhealthy; rolled back to release 0123456789abcdef, which is healthy." >&2; exit 1',
  refused:
    'echo "Could not deploy \\"$1\\": the artifact must be one S3 object version." >&2; exit 2',
} as const;

let work: string;
let ssm: SsmRunCommand;
/** Which server ran which deploy, in order. */
const ran = () =>
  readFileSync(path.join(work, 'ran.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

/** A server of `environment` running `service`, whose deploy.sh behaves as `deploy` says. */
function fakeServer(
  instanceId: string,
  environment: string,
  service: string,
  deploy: keyof typeof DEPLOY,
): ManagedInstance {
  const root = path.join(work, instanceId);
  mkdirSync(path.join(root, service), { recursive: true });
  writeFileSync(
    path.join(root, service, 'deploy.sh'),
    `echo "${instanceId} ${service} $*" >> "${path.join(work, 'ran.log')}"\n${DEPLOY[deploy]}\n`,
  );
  return {
    instanceId,
    tags: { 'pipelines:environment': environment, 'pipelines:service': service },
    run: (script) =>
      new Promise((resolve) => {
        const child = spawn('bash', ['-c', script.replaceAll('/opt/pipelines', root)], {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_REGION: 'us-east-1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      }),
  };
}

beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'server-rollout-'));
  appendFileSync(path.join(work, 'ran.log'), '');
});
afterEach(async () => {
  await ssm?.stop();
  rmSync(work, { recursive: true, force: true });
});

const rollout = (
  endpoint: string,
  inputs: Record<string, string>,
  credentials?: Record<string, string>,
) =>
  runAction({
    action: 'actions/server-rollout',
    inputs: { document: 'pipelines-deploy', ...inputs },
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      ...credentials,
    },
  });

async function standIn(instances: ManagedInstance[]) {
  ssm = await startSsmRunCommand({ instances, documents: { 'pipelines-deploy': DOCUMENT } });
  return ssm;
}

describe('server-rollout against the SSM stand-in', () => {
  it("deploys each release, in order, to every server of the environment's service, one at a time", async () => {
    await standIn([
      fakeServer('i-0000000000000blog1', 'mint', 'blog', 'ok'),
      fakeServer('i-0000000000000blog2', 'mint', 'blog', 'ok'),
      fakeServer('i-00000000000000prox', 'mint', 'proxy', 'ok'),
      fakeServer('i-0000000000000fulcr', 'mint', 'fulcrum', 'ok'),
      fakeServer('i-0000000000000prodb', 'prod', 'blog', 'ok'),
      fakeServer('i-000000000000000db1', 'mint', 'fulcrum-db', 'ok'),
    ]);
    const result = await rollout(ssm.endpoint, {
      environment: 'mint',
      releases: `${release('proxy', 'p1')}\n${release('blog', 'b1')}\nfulcrum ${IMAGE}\n`,
    });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    const s3 = (service: string, version: string) =>
      `s3://artifacts/mint/releases/${service}.tar.gz?versionId=${version} ${SHA}`;
    expect(ran()).toEqual([
      `i-00000000000000prox proxy ${s3('proxy', 'p1')}`,
      `i-0000000000000blog1 blog ${s3('blog', 'b1')}`,
      `i-0000000000000blog2 blog ${s3('blog', 'b1')}`,
      `i-0000000000000fulcr fulcrum ${IMAGE}`,
    ]);
    expect(ssm.commands.map((c) => [c.maxConcurrency, c.maxErrors, c.timeoutSeconds])).toEqual([
      ['1', '0', 900],
      ['1', '0', 900],
      ['1', '0', 900],
    ]);
    expect(ssm.commands[0]?.comment).toBe('https://github.com/example/pipelines/actions/runs/1');
    const output = JSON.parse(result.outputs.releases ?? '[]') as {
      service: string;
      state: string;
      instances: unknown[];
    }[];
    expect(output.map((r) => [r.service, r.state, r.instances.length])).toEqual([
      ['proxy', 'deployed', 1],
      ['blog', 'deployed', 2],
      ['fulcrum', 'deployed', 1],
    ]);
    expect(result.summary).toContain(
      '| `i-0000000000000blog2` | blog | `s3://artifacts/mint/releases/blog.tar.gz?versionId=b1` | Success (exit 0) | <code>fetching s3://artifacts/mint/releases/blog.tar.gz?versionId=b1<br>release abababababababab is current</code> |',
    );
  });

  it('stops at a service whose server rolled back: its other servers and the later services are not started', async () => {
    await standIn([
      fakeServer('i-0000000000000blog1', 'mint', 'blog', 'rolledBack'),
      fakeServer('i-0000000000000blog2', 'mint', 'blog', 'ok'),
      fakeServer('i-00000000000000prox', 'mint', 'proxy', 'ok'),
    ]);
    const result = await rollout(ssm.endpoint, {
      environment: 'mint',
      releases: `${release('blog', 'b2')}\n${release('proxy', 'p2')}`,
    });
    expect(result.exitCode).toBe(1);
    expect(ran()).toEqual([expect.stringMatching(/^i-0000000000000blog1 blog /)]);
    expect(result.errors[0]).toContain(
      'i-0000000000000blog1 failed its health check and was rolled back (exit 1): the server runs its previous release',
    );
    expect(result.errors[0]).toContain('Not started: proxy (they keep their current release)');
    const output = JSON.parse(result.outputs.releases ?? '[]') as {
      service: string;
      state: string;
    }[];
    expect(output.map((r) => [r.service, r.state])).toEqual([
      ['blog', 'failed'],
      ['proxy', 'not started'],
    ]);
    expect(result.summary).toContain(
      'Failed (exit 1) | <code>fetching s3://artifacts/mint/releases/blog.tar.gz?versionId=b2<br>Could not deploy release abababababababab: unhealthy; rolled back',
    );
    expect(result.summary).toContain('| `i-0000000000000blog2` | blog |');
    expect(result.summary).toContain('Cancelled |');
    expect(result.summary).toContain(
      '| (none) | proxy | `s3://artifacts/mint/releases/proxy.tar.gz?versionId=p2` | not started | |',
    );
  });

  it("rolls the run's fulcrum and rocketchat images out after the lines, and no other image", async () => {
    await standIn([
      fakeServer('i-00000000000000prox', 'mint', 'proxy', 'ok'),
      fakeServer('i-0000000000000fulcr', 'mint', 'fulcrum', 'ok'),
      fakeServer('i-0000000000000rocke', 'mint', 'rocketchat', 'ok'),
    ]);
    const image = (service: string) => ({
      repository: `pipelines/${service}`,
      service,
      digest: `sha256:${'c'.repeat(64)}`,
      'image-uri': IMAGE.replace('fulcrum', service),
      size: 1,
    });
    const result = await rollout(ssm.endpoint, {
      environment: 'mint',
      releases: release('proxy', 'p1'),
      images: JSON.stringify([image('blog'), image('rocketchat'), image('fulcrum')]),
    });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(ran()).toEqual([
      `i-00000000000000prox proxy s3://artifacts/mint/releases/proxy.tar.gz?versionId=p1 ${SHA}`,
      `i-0000000000000rocke rocketchat ${IMAGE.replace('fulcrum', 'rocketchat')}`,
      `i-0000000000000fulcr fulcrum ${IMAGE}`,
    ]);
  });

  it('says a server refused the release (exit 2) and changed nothing', async () => {
    await standIn([fakeServer('i-0000000000000blog1', 'mint', 'blog', 'refused')]);
    const result = await rollout(ssm.endpoint, {
      environment: 'mint',
      releases: release('blog', 'b3'),
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain(
      'i-0000000000000blog1 refused the input (exit 2): nothing was changed on the server',
    );
  });

  it('fails before any command on bad input, naming the input, the line and the fix', async () => {
    await standIn([fakeServer('i-0000000000000blog1', 'mint', 'blog', 'ok')]);
    const result = await rollout(ssm.endpoint, {
      environment: 'mint',
      releases: `${release('blog', 'b4')}\nrocketchat registry.example.com/chat:7.0`,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^Input "releases" line 2 .* has a malformed image for rocketchat\. Pass the image by digest/,
      ),
    ]);
    expect(ssm.commands).toEqual([]);
    expect(ran()).toEqual([]);
  });

  it('fails when no server carries both tags, naming them and the fix', async () => {
    await standIn([fakeServer('i-0000000000000blog1', 'mint', 'blog', 'ok')]);
    const result = await rollout(ssm.endpoint, {
      environment: 'amy',
      releases: release('blog', 'b5'),
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors[0]).toContain(
      'Could not roll out blog to amy: no instance is tagged pipelines:environment=amy and pipelines:service=blog',
    );
    expect(result.summary).toContain('| (none) | blog |');
    expect(ran()).toEqual([]);
  });
});

describe('server-rollout under IAM (the strict AWS twin in front of the SSM stand-in)', () => {
  let moto: Moto;
  let twin: StrictAws;
  const ROLE = 'mint-deploy';

  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());
  afterEach(() => twin?.stop());

  /** A deploy role that may run the document only on the servers tagged for mint. */
  const mintRole = {
    logicalId: 'MintDeploy',
    name: ROLE,
    arn: `arn:aws:iam::123456789012:role/${ROLE}`,
    trustPolicy: { Version: '2012-10-17', Statement: [] },
    externalManagedPolicyArns: [],
    policies: [
      {
        name: 'rollout',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'ssm:SendCommand',
              Resource: 'arn:aws:ssm:us-east-1:123456789012:document/pipelines-deploy',
            },
            {
              Effect: 'Allow',
              Action: 'ssm:SendCommand',
              Resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
              Condition: { StringEquals: { 'ssm:resourceTag/pipelines:environment': 'mint' } },
            },
            {
              Effect: 'Allow',
              Action: [
                'ssm:ListCommands',
                'ssm:ListCommandInvocations',
                'ssm:GetCommandInvocation',
              ],
              Resource: '*',
            },
          ],
        },
      },
    ],
  };

  it("deploys mint's servers, and is denied prod's before anything runs there", async () => {
    await standIn([
      fakeServer('i-0000000000000blog1', 'mint', 'blog', 'ok'),
      fakeServer('i-0000000000000prodb', 'prod', 'blog', 'ok'),
    ]);
    twin = await startStrictAws({ moto, roles: [mintRole], ssm });
    const credentials = twin.credentialsFor(ROLE);
    const env = {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
    };

    const mint = await rollout(
      twin.url,
      { environment: 'mint', releases: release('blog', 'b6') },
      env,
    );
    expect(mint.errors).toEqual([]);
    expect(ran()).toEqual([expect.stringMatching(/^i-0000000000000blog1 blog /)]);

    const prod = await rollout(
      twin.url,
      { environment: 'prod', releases: release('blog', 'b6') },
      env,
    );
    expect(prod.exitCode).toBe(1);
    expect(prod.errors[0]).toMatch(
      /^Could not send pipelines-deploy for blog to prod's servers: User: arn:aws:sts::123456789012:assumed-role\/mint-deploy\/test is not authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:us-east-1:123456789012:instance\/i-0000000000000prodb .*The deploy role may send pipelines-deploy only to the servers tagged pipelines:environment=prod/,
    );
    expect(ran()).toHaveLength(1);
    expect(
      twin.decisions.filter((d) => !d.allowed).map((d) => [d.operation, d.deniedAction]),
    ).toEqual([['SendCommand', 'ssm:SendCommand']]);
  });
});
