/**
 * The security properties of the pipeline that no other suite proves:
 * - the workflows: no pull_request_target, least-privilege permissions (nothing at the top, per-job
 *   read scopes, id-token only in jobs bound to a GitHub environment), no secrets in job outputs;
 *   zizmor (auditor persona), actionlint and the SHA pins are proved by
 *   tools/workflow-checks/src/linters.test.ts, which this file only checks is still there;
 * - ecr-push masks the ECR token and never writes it, or the AWS credentials, to state, outputs,
 *   the summary or any file;
 * - a malicious ref name is data: it resolves to nothing and runs nothing;
 * - the secret scanner fires on a planted fake key, which is allowed by one explicit ignore entry.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { parse } from 'yaml';
import {
  repoRoot,
  runAction,
  startMoto,
  startRegistry,
  type Moto,
  type Registry,
} from '@pipelines/testkit';
import { makeLayout } from '../src/fixtures';
import { localAwsClients, type LocalAwsClients } from '../src/localState';

jest.setTimeout(120_000);

interface Job {
  permissions?: Record<string, string> | string;
  environment?: unknown;
  outputs?: Record<string, string>;
  steps?: Array<{
    uses?: string;
    run?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  }>;
}
interface Workflow {
  on: Record<string, unknown> | string | string[];
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const workflowsDir = path.join(repoRoot, '.github', 'workflows');
const workflows = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({
    name: f,
    text: readFileSync(path.join(workflowsDir, f), 'utf8'),
    doc: parse(readFileSync(path.join(workflowsDir, f), 'utf8')) as Workflow,
  }));

describe('the workflows', () => {
  it('include the pipeline and the pull request checks', () => {
    expect(workflows.map((w) => w.name)).toEqual(
      expect.arrayContaining(['pipeline.yml', 'ci.yml']),
    );
  });

  it.each(workflows.map((w) => [w.name, w] as const))(
    '%s has no pull_request_target (or workflow_run) trigger',
    (_name, w) => {
      const triggers =
        typeof w.doc.on === 'string'
          ? [w.doc.on]
          : Array.isArray(w.doc.on)
            ? w.doc.on
            : Object.keys(w.doc.on);
      expect(triggers.filter((t) => t === 'pull_request_target' || t === 'workflow_run')).toEqual(
        [],
      );
      expect(w.text).not.toMatch(/pull_request_target/);
    },
  );

  it.each(workflows.map((w) => [w.name, w] as const))(
    '%s grants nothing at the top, and each job only read scopes, plus id-token: write where it runs in a GitHub environment and deployments: write where it records its deployment',
    (_name, w) => {
      expect(w.doc.permissions).toEqual({});
      for (const [name, job] of Object.entries(w.doc.jobs)) {
        expect({ name, permissions: typeof job.permissions }).toEqual({
          name,
          permissions: 'object',
        });
        for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
          if (level === 'read') continue;
          // The other write: a deploy job records its own deployment (actions/deployment-record),
          // and nothing else in it writes to GitHub.
          if (scope === 'deployments') {
            expect({ name, level, records: JSON.stringify(job.steps ?? []) }).toEqual({
              name,
              level: 'write',
              records: expect.stringContaining('./actions/deployment-record'),
            });
          } else {
            // The OIDC token, and only in a job bound to an environment, so the token's subject
            // is repo:<owner>/<repo>:environment:<env> (what the AWS roles trust).
            expect({ name, scope, level }).toEqual({ name, scope: 'id-token', level: 'write' });
          }
          expect({ name, environment: job.environment !== undefined }).toEqual({
            name,
            environment: true,
          });
        }
      }
    },
  );

  it.each(workflows.map((w) => [w.name, w] as const))(
    '%s never puts a secret into a job output',
    (_name, w) => {
      for (const [name, job] of Object.entries(w.doc.jobs)) {
        for (const [output, value] of Object.entries(job.outputs ?? {})) {
          expect({ name, output, value }).toEqual({
            name,
            output,
            value: expect.not.stringMatching(/secrets\./),
          });
        }
      }
    },
  );

  it('uses secrets only in the audit job, through an environment of its own, and the optional notification webhook in the two steps that send', () => {
    const uses = workflows.flatMap((w) =>
      Object.entries(w.doc.jobs)
        .filter(([, job]) => JSON.stringify(job).includes('secrets.'))
        .map(([name, job]) => ({
          workflow: w.name,
          name,
          environment: job.environment,
          secrets: [...new Set(JSON.stringify(job).match(/secrets\.[A-Za-z_]+/g))],
        })),
    );
    expect(uses).toEqual([
      {
        workflow: 'pipeline.yml',
        name: 'audit',
        environment: { name: 'snyk', deployment: false },
        secrets: ['secrets.SNYK_TOKEN'],
      },
      // A repository secret on purpose: the summary job runs for every push, and an environment
      // limited to deploying refs would fail it on every other branch. Anyone who can push a
      // workflow can read it; what that allows (posting to the channel) is in docs/security.md.
      {
        workflow: 'pipeline.yml',
        name: 'release-candidate',
        environment: undefined,
        secrets: ['secrets.DEPLOY_WEBHOOK_URL'],
      },
      {
        workflow: 'pipeline.yml',
        name: 'summary',
        environment: undefined,
        secrets: ['secrets.DEPLOY_WEBHOOK_URL'],
      },
    ]);
  });

  it('still have their linter proofs: actionlint, zizmor with the auditor persona, SHA pins (tools/workflow-checks)', () => {
    const linters = readFileSync(
      path.join(repoRoot, 'tools', 'workflow-checks', 'src', 'linters.test.ts'),
      'utf8',
    );
    expect(linters).toContain("tool('actionlint')");
    expect(linters).toMatch(/'--persona',\s*'auditor'/);
    expect(linters).toContain('pinned by full commit SHA');
  });
});

describe('credentials in ecr-push', () => {
  let moto: Moto;
  let registry: Registry;
  let clients: LocalAwsClients;
  let temp: string;
  // Distinct fake credentials, so that finding them anywhere means they leaked (moto accepts any).
  const credentials = {
    AWS_ACCESS_KEY_ID: 'AKIARELIABILITYLEAK01',
    AWS_SECRET_ACCESS_KEY: 'reliability-secret-access-key-must-not-leak',
    AWS_SESSION_TOKEN: 'reliability-session-token-must-not-leak',
  };
  beforeAll(async () => {
    [moto, registry] = await Promise.all([startMoto(), startRegistry()]);
    clients = localAwsClients(moto.endpoint);
    temp = mkdtempSync(path.join(os.tmpdir(), 'reliability-runner-temp-'));
  }, 60_000);
  afterAll(async () => {
    clients?.ecr.destroy();
    clients?.s3.destroy();
    clients?.lambda.destroy();
    await Promise.all([moto?.stop(), registry?.stop()]);
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  /** Every file under `dir` whose bytes contain one of `secrets`. */
  function filesContaining(dir: string, secrets: string[]): string[] {
    const found: string[] = [];
    const walk = (d: string) => {
      for (const entry of readdirSync(d)) {
        const file = path.join(d, entry);
        if (statSync(file).isDirectory()) walk(file);
        else {
          const bytes = readFileSync(file);
          if (secrets.some((s) => bytes.includes(s))) found.push(file);
        }
      }
    };
    walk(dir);
    return found;
  }

  it('masks the ECR token and its password, and writes neither (nor the AWS keys) to state, outputs, summary or disk', async () => {
    const auth = (await clients.ecr.send(new GetAuthorizationTokenCommand({})))
      .authorizationData?.[0];
    const token = auth?.authorizationToken ?? '';
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    expect(token.length).toBeGreaterThan(10);
    expect(password.length).toBeGreaterThan(5);

    const layout = makeLayout(temp, 'secrets');
    const result = await runAction({
      action: 'actions/ecr-push',
      inputs: {
        image: layout.dir,
        repository: 'pipelines/blog',
        tags: 'mint-1',
        registry: registry.host,
        'create-repository': 'true',
      },
      env: { ...moto.awsEnv(), ...credentials, RUNNER_TEMP: temp },
    });
    expect(result.errors).toEqual([]);
    expect(result.outputs.digest).toBe(layout.digest);

    // Masked: registered with the runner before it could be printed.
    const masks = result.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(
      expect.arrayContaining([`::add-mask::${token}`, `::add-mask::${password}`]),
    );
    const secrets = [token, password, ...Object.values(credentials)];
    const printed = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const secret of secrets) {
      expect(printed).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
      expect(JSON.stringify(result.state)).not.toContain(secret);
      expect(JSON.stringify(result.outputs)).not.toContain(secret);
      expect(result.summary).not.toContain(secret);
    }
    expect(result.state).toEqual({});
    // Nothing on disk: RUNNER_TEMP (where the action works) holds no copy of any of them.
    expect(filesContaining(temp, secrets)).toEqual([]);
  });
});

describe('a malicious ref name', () => {
  it.each([
    'refs/heads/$(touch${IFS}PWNED)',
    'refs/heads/`touch${IFS}PWNED`',
    'refs/tags/x;touch${IFS}PWNED',
    'refs/heads/a\'"&&touch${IFS}PWNED',
  ])('%s resolves to no environment and runs nothing', async (ref) => {
    const result = await runAction({
      action: 'actions/resolve-environment',
      inputs: { ref, config: 'environments.yml' },
      cwd: repoRoot,
      env: { GITHUB_WORKSPACE: repoRoot },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ environment: '', deploy: 'false', approval: 'false' });
    // The action runs in the repository root: a shell would have created PWNED there.
    expect(existsSync(path.join(repoRoot, 'PWNED'))).toBe(false);
  });
});

describe('the secret scanner', () => {
  const fixture = path.join(
    'tools',
    'reliability',
    'test',
    'fixtures',
    'secretlint',
    'planted-aws-key.txt',
  );
  const secretlint = (ignoreFile: string) =>
    spawnSync(
      path.join(repoRoot, 'tools', 'workflow-checks', 'node_modules', '.bin', 'secretlint'),
      [
        '--secretlintrc',
        'tools/workflow-checks/.secretlintrc.json',
        '--secretlintignore',
        ignoreFile,
        fixture,
      ],
      { cwd: repoRoot, encoding: 'utf8' },
    );

  it('fires on the planted fake AWS key when nothing allows it', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'reliability-secretlint-'));
    try {
      const ignore = path.join(empty, 'ignore');
      writeFileSync(ignore, '');
      const result = secretlint(ignore);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/AWSSecretAccessKey/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("allows that one fixture by an explicit, commented entry of the repository scan's ignore file", () => {
    const ignoreFile = 'tools/workflow-checks/.secretlintignore';
    const lines = readFileSync(path.join(repoRoot, ignoreFile), 'utf8').split('\n');
    const at = lines.indexOf(fixture);
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toMatch(/^#/);
    expect(secretlint(ignoreFile).status).toBe(0);
  });
});
