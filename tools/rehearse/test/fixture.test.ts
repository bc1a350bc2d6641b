/**
 * The rehearsal's machinery, end to end, on a tiny pipeline of the same shape as the real one
 * (test/fixtures/mini): act in host mode runs a node24 local action, the stand-ins, the AWS CLI and
 * skopeo against the local AWS the rehearsal provisioned, and the verdict comes from that AWS.
 * Each rehearsal runs once (beforeAll); the assertions ask moto and the registry themselves.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { EXIT, rehearse, type Rehearsal } from '../src/rehearse';
import { placeholderPackage } from '../src/zip';
import { miniRepo } from './fixtureRepo';

jest.setTimeout(240_000);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const hex = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('hex');

async function functionSha(r: Rehearsal, name: string) {
  const fn = await r.clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
  return hex(fn.Configuration?.CodeSha256);
}

async function packageSha(r: Rehearsal, bucket: string, key: string) {
  const versions = await r.clients.s3.send(
    new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }),
  );
  const latest = versions.Versions?.find((v) => v.IsLatest);
  const object = await r.clients.s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: latest?.VersionId }),
  );
  return {
    versionId: latest?.VersionId,
    sha256: sha256(await object.Body!.transformToByteArray()),
  };
}

function rehearseMini(ref: string, approve = false) {
  const repo = miniRepo();
  const lines: string[] = [];
  const run = rehearse({
    ref,
    approve,
    worktree: false,
    verbose: false,
    workflow: '.github/workflows/pipeline.yml',
    repo: repo.dir,
    log: (line) => lines.push(line),
  });
  return { repo, lines, run };
}

describe('a rehearsal of a push to integration (fixture pipeline)', () => {
  const { repo, lines, run } = rehearseMini('refs/heads/integration');
  let r: Rehearsal;
  beforeAll(async () => {
    r = await run;
  });
  afterAll(async () => {
    await r?.teardown();
    repo.remove();
  });

  it('exits 0, and mint’s function runs the uploaded package (asked of the local Lambda and S3)', async () => {
    expect(r.exitCode).toBe(EXIT.deployed);
    const pkg = await packageSha(r, 'pipelines-artifacts-lower', 'mint/katana-lambda.zip');
    expect(await functionSha(r, 'mint-KatanaLambda')).toBe(pkg.sha256);
    expect(r.rows[0]).toMatchObject({
      environment: 'mint',
      s3Version: pkg.versionId,
      result: 'deployed',
    });
  });

  it("gets each job's credentials with an immutable-form OIDC token for its environment, and every AWS request is authorised against mint's role", () => {
    const subjects = r.tokens.issuer.issued.map((claims) => claims.sub);
    expect(new Set(subjects)).toEqual(
      new Set(['repo:example@1000001/pipelines@2000002:environment:mint']),
    );
    const decisions = r.strictAws.decisions;
    expect(decisions.filter((d) => d.operation === 'AssumeRoleWithWebIdentity')).toEqual(
      [1, 2, 3].map(() =>
        expect.objectContaining({ role: 'pipelines-deploy-mint', allowed: true }),
      ),
    );
    expect(decisions.filter((d) => !d.allowed)).toEqual([]);
    expect(new Set(decisions.map((d) => d.role))).toEqual(new Set(['pipelines-deploy-mint']));
    expect(decisions.map((d) => d.actions).flat()).toEqual(
      expect.arrayContaining(['s3:PutObject', 'ecr:PutImage', 'lambda:UpdateFunctionCode']),
    );
  });

  it('leaves the other environments’ functions on the placeholder', async () => {
    expect(await functionSha(r, 'staging-KatanaLambda')).toBe(sha256(placeholderPackage()));
  });

  it('prints one line per job with its state, and the summary table', () => {
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/✓ resolve\s+success\s+\d+\.\ds$/)]),
    );
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/– deploy-with-approval\s+skipped/)]),
    );
    expect(lines.join('\n')).toMatch(
      /environment\s+function\s+code sha256\s+S3 version\s+image digest\s+time/,
    );
  });

  it('removes its run folder on teardown, keeping only the local GitHub’s records', async () => {
    const base = path.join(repo.dir, '.rehearsal');
    await r.teardown();
    // Only what outlives a rehearsal on purpose: act's cache server folder (what makes the
    // next run warm) and the GitHub stand-in's kept records.
    expect(
      (existsSync(base) ? readdirSync(base) : []).filter((name) => name !== 'act-cache'),
    ).toEqual(['state']);
    expect(readdirSync(path.join(base, 'state'))).toEqual(['github-deployments.json']);
  });
});

describe('a rehearsal of a push to master (fixture pipeline)', () => {
  describe('without --approve', () => {
    const { repo, lines, run } = rehearseMini('refs/heads/master');
    let r: Rehearsal;
    beforeAll(async () => {
      r = await run;
    });
    afterAll(async () => {
      await r?.teardown();
      repo.remove();
    });

    it('stops at the hold with exit 3, having uploaded the package, and prod unchanged', async () => {
      expect(r.exitCode).toBe(EXIT.held);
      expect(await functionSha(r, 'prod-KatanaLambda')).toBe(sha256(placeholderPackage()));
      const pkg = await packageSha(r, 'pipelines-artifacts-upper', 'prod/katana-lambda.zip');
      expect(r.rows[0]).toMatchObject({ s3Version: pkg.versionId, result: 'waiting for approval' });
    });

    it('shows what the reviewers would approve and how to continue', () => {
      const text = lines.join('\n');
      expect(text).toMatch(/Waiting for approval: prod/);
      expect(text).toMatch(/VersionId\s+\S{8,}/);
      expect(text).toMatch(/digest\s+sha256:[0-9a-f]{64}/);
      expect(text).toContain(`--ref refs/heads/master --repo ${repo.dir} --approve`);
      expect(r.actLog.jobs.has('deploy-with-approval')).toBe(false);
    });
  });

  describe('with --approve', () => {
    const { repo, run } = rehearseMini('refs/heads/master', true);
    let r: Rehearsal;
    beforeAll(async () => {
      r = await run;
    });
    afterAll(async () => {
      await r?.teardown();
      repo.remove();
    });

    it('runs deploy-with-approval and prod’s function runs the uploaded package', async () => {
      expect(r.exitCode).toBe(EXIT.deployed);
      expect(r.actLog.jobs.get('deploy-with-approval')?.state).toBe('success');
      const pkg = await packageSha(r, 'pipelines-artifacts-upper', 'prod/katana-lambda.zip');
      expect(await functionSha(r, 'prod-KatanaLambda')).toBe(pkg.sha256);
    });

    it('uploads before the hold with the prod-candidate role, and deploys with the prod role only after approval', () => {
      const assumed = r.strictAws.decisions
        .filter((d) => d.operation === 'AssumeRoleWithWebIdentity')
        .map((d) => `${d.role} ${d.allowed ? 'allowed' : 'denied'}`);
      expect(assumed.sort()).toEqual([
        'pipelines-deploy-prod allowed',
        'pipelines-deploy-prod-candidate allowed',
        'pipelines-deploy-prod-candidate allowed',
      ]);
      const byRole = (role: string) =>
        r.strictAws.decisions.filter((d) => d.role === role).flatMap((d) => d.actions);
      expect(byRole('pipelines-deploy-prod-candidate')).toContain('s3:PutObject');
      expect(byRole('pipelines-deploy-prod-candidate').some((a) => a.startsWith('lambda:'))).toBe(
        false,
      );
      expect(byRole('pipelines-deploy-prod')).toContain('lambda:UpdateFunctionCode');
    });
  });
});
