/**
 * How a job gets AWS credentials in the rehearsal, without act: the configure-aws-credentials
 * stand-in (its assume-role.js, run as the step runs it) asks the GitHub-like token service for
 * the job's token and assumes the role at the strict AWS twin, which holds the upper tier's roles
 * as the CDK app synthesizes them. A job GitHub would not start, or a token whose subject the
 * role does not trust, gets no credentials.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { repoRoot, startMoto, type Moto } from '@pipelines/testkit';
import { loadEnvironments } from '@pipelines/environments';
import {
  ENVIRONMENT_ROLE_MARKER,
  standInEnvironment,
  startOidcAws,
  type OidcAws,
} from '../src/oidcAws';
import { deploymentPolicies, tokenRepository } from '../src/oidcClaims';
import { startTokenService, tokenIssuer, type TokenService } from '../src/oidcIssuer';
import { localClients } from '../src/provision';

jest.setTimeout(120_000);

const STAND_IN = path.join(
  __dirname,
  '..',
  'stand-ins',
  'aws-actions',
  'configure-aws-credentials',
  'assume-role.js',
);
const model = loadEnvironments(path.join(repoRoot, 'environments.yml'));
const region = model.project.region;

let moto: Moto;
let aws: OidcAws;
/** The same repository's tokens in the legacy form, signed with the same key. */
let legacyTokens: TokenService;

beforeAll(async () => {
  moto = await startMoto();
  aws = await startOidcAws({
    model,
    source: repoRoot,
    tier: 'upper',
    region,
    moto,
    clients: localClients(moto.endpoint, region),
  });
  legacyTokens = await startTokenService(
    tokenIssuer({
      repository: { ...tokenRepository(model), subjectForm: 'legacy' },
      policies: deploymentPolicies(model),
      key: aws.tokens.issuer.key,
    }),
  );
});
afterAll(async () => {
  await Promise.all([aws?.strictAws.stop(), aws?.tokens.stop(), legacyTokens?.stop()]);
  await moto?.stop();
});

interface Step {
  status: number | null;
  stdout: string;
  /** What the step wrote to GITHUB_ENV. */
  exported: string;
}

/**
 * The stand-in's step, as act runs it for a job on `ref` declaring `environment`. Asynchronous:
 * the token service and the twin it talks to run in this process.
 */
async function configureCredentials(job: {
  ref: string;
  environment?: string;
  role?: string;
  idToken?: 'write' | 'none';
  tokens?: TokenService;
}): Promise<Step> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'credentials-step-'));
  const files = { env: path.join(dir, 'env'), output: path.join(dir, 'output') };
  writeFileSync(files.env, '');
  writeFileSync(files.output, '');
  const environment = stepEnvironment(job, job.tokens ?? aws.tokens, files);
  const result = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      [STAND_IN],
      { encoding: 'utf8', env: environment },
      (error, stdout) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout }),
    );
  });
  return {
    status: result.status,
    stdout: result.stdout,
    exported: readFileSync(files.env, 'utf8'),
  };
}

function stepEnvironment(
  job: { ref: string; environment?: string; role?: string; idToken?: 'write' | 'none' },
  tokens: TokenService,
  files: { env: string; output: string },
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ...standInEnvironment({ ...aws, tokens }, '.github/workflows/pipeline.yml'),
    ROLE: job.role ?? ENVIRONMENT_ROLE_MARKER,
    REGION: region,
    REHEARSAL_JOB_ENVIRONMENT: job.environment ?? '',
    REHEARSAL_ID_TOKEN: job.idToken ?? 'write',
    GITHUB_REF: job.ref,
    GITHUB_SHA: 'c'.repeat(40),
    GITHUB_WORKFLOW: 'pipeline',
    GITHUB_ENV: files.env,
    GITHUB_OUTPUT: files.output,
  };
}

const lastAssume = () =>
  aws.strictAws.decisions.filter((d) => d.operation === 'AssumeRoleWithWebIdentity').at(-1);

describe('configure-aws-credentials in the rehearsal (token service + stand-in + strict twin)', () => {
  it("gives master's prod-candidate job the prod-candidate role's temporary credentials, masked, and that role cannot deploy", async () => {
    const step = await configureCredentials({
      ref: 'refs/heads/master',
      environment: 'prod-candidate',
    });
    expect(step.status).toBe(0);
    expect(lastAssume()).toMatchObject({ role: 'pipelines-deploy-prod-candidate', allowed: true });
    const value = (name: string) =>
      new RegExp(`^${name}=(.+)$`, 'm').exec(step.exported)?.[1] ?? '';
    const credentials = {
      accessKeyId: value('AWS_ACCESS_KEY_ID'),
      secretAccessKey: value('AWS_SECRET_ACCESS_KEY'),
      sessionToken: value('AWS_SESSION_TOKEN'),
    };
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.accessKeyId).not.toBe('testing');
    for (const secret of Object.values(credentials)) {
      expect(step.stdout).toContain(`::add-mask::${secret}`);
    }
    expect(step.stdout.indexOf('::add-mask::')).toBeLessThan(step.stdout.indexOf('assumed'));
    expect(value('AWS_ENDPOINT_URL')).toBe(aws.strictAws.url);

    const lambda = new LambdaClient({ region, endpoint: aws.strictAws.url, credentials });
    await expect(
      lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'prod-KatanaLambda',
          ZipFile: new Uint8Array([1]),
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it.each([
    ['prod-candidate', 'refs/heads/feature-login-12'],
    ['prod', 'refs/heads/feature-login-12'],
    ['prod', 'refs/heads/staging'],
  ])(
    'gives a job declaring %s on %s no token and no credentials (GitHub would not start it)',
    async (environment, ref) => {
      const before = aws.strictAws.decisions.length;
      const step = await configureCredentials({ ref, environment });
      expect(step.status).toBe(1);
      const branch = ref.replace('refs/heads/', '');
      expect(step.stdout).toContain(
        `::error::Could not get an OIDC token for environment ${environment}: Branch "${branch}" is not allowed to deploy to ${environment} due to environment protection rules`,
      );
      expect(step.exported).toBe('');
      expect(aws.strictAws.decisions.length).toBe(before);
    },
  );

  // The GitHub bootstrap gives every environment a branch/tag policy from environments.yml.
  it('gives a feature branch job declaring staging no credentials', async () => {
    const step = await configureCredentials({
      ref: 'refs/heads/feature-login-12',
      environment: 'staging',
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toContain('is not allowed to deploy to staging');
    expect(step.exported).toBe('');
  });

  it('refuses a token in the legacy subject form: the roles trust the immutable form only', async () => {
    const step = await configureCredentials({
      ref: 'refs/heads/master',
      environment: 'prod-candidate',
      tokens: legacyTokens,
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toContain(
      '::error::Could not assume role with OIDC: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity',
    );
    expect(step.exported).toBe('');
    expect(lastAssume()).toMatchObject({
      role: 'pipelines-deploy-prod-candidate',
      allowed: false,
      message: expect.stringContaining('subject repo:example/pipelines:environment:prod-candidate'),
    });
  });

  it("refuses a staging job's token for prod's role", async () => {
    const step = await configureCredentials({
      ref: 'refs/heads/staging',
      environment: 'staging',
      role: aws.environmentRoles.prod,
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toContain('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(lastAssume()).toMatchObject({ role: 'pipelines-deploy-prod', allowed: false });
  });

  it('gives a job without id-token: write no token, as GitHub gives it no token URL', async () => {
    const before = aws.tokens.issuer.issued.length;
    const step = await configureCredentials({
      ref: 'refs/heads/master',
      environment: 'prod-candidate',
      idToken: 'none',
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toContain('the job lacks the permission id-token: write');
    expect(aws.tokens.issuer.issued.length).toBe(before);
  });

  it("fails a job that declares no environment: AWS_ROLE_ARN is each environment's variable", async () => {
    const step = await configureCredentials({ ref: 'refs/heads/master' });
    expect(step.status).toBe(1);
    expect(step.stdout).toContain('this job declares no environment');
  });
});
