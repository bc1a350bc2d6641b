/**
 * The real pipeline (.github/workflows/pipeline.yml at HEAD, with the committed action bundles),
 * rehearsed with act against the local AWS: proof 4 of the workflows issue. Slow (every job
 * installs the workspace), so each rehearsal runs once, one after the other, and every assertion
 * asks the local AWS, not the logs.
 */
import { createHash } from 'node:crypto';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { EXIT, rehearse, type Rehearsal } from '../src/rehearse';
import { placeholderPackage } from '../src/zip';

jest.setTimeout(20 * 60_000);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function functionSha(r: Rehearsal, name: string) {
  const fn = await r.clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
  return Buffer.from(fn.Configuration?.CodeSha256 ?? '', 'base64').toString('hex');
}

/** sha256 of the bytes of the latest uploaded package, and its VersionId. */
async function uploaded(r: Rehearsal, bucket: string, key: string) {
  const versions = await r.clients.s3.send(
    new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }),
  );
  const latest = versions.Versions?.find((v) => v.IsLatest);
  if (!latest) return undefined;
  const object = await r.clients.s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: latest.VersionId }),
  );
  return { versionId: latest.VersionId, sha256: sha256(await object.Body!.transformToByteArray()) };
}

function rehearsalOf(ref: string, approve = false) {
  const lines: string[] = [];
  const state: { r?: Rehearsal } = {};
  beforeAll(async () => {
    state.r = await rehearse({
      ref,
      approve,
      worktree: false,
      verbose: false,
      workflow: '.github/workflows/pipeline.yml',
      log: (line) => lines.push(line),
    });
    if (state.r.exitCode !== EXIT.deployed && state.r.exitCode !== EXIT.held) {
      // The report of a failed rehearsal is the first thing to read when this test fails.
      console.log(lines.join('\n'));
    }
  });
  afterAll(async () => {
    await state.r?.teardown();
  });
  return {
    lines,
    get r() {
      if (!state.r) throw new Error('the rehearsal did not run');
      return state.r;
    },
  };
}

const placeholder = sha256(placeholderPackage());

describe('rehearsal of the pipeline: push to integration', () => {
  const run = rehearsalOf('refs/heads/integration');

  it('exits 0 and mint’s function has the uploaded package’s sha256', async () => {
    expect(run.r.exitCode).toBe(EXIT.deployed);
    const pkg = await uploaded(run.r, 'pipelines-artifacts-lower', 'mint/katana-lambda.zip');
    expect(pkg).toBeDefined();
    expect(await functionSha(run.r, 'mint-KatanaLambda')).toBe(pkg?.sha256);
  });
});

describe('rehearsal of the pipeline: the staging tag', () => {
  const run = rehearsalOf('refs/tags/staging');

  it('exits 0 and deploys to staging, not to mint', async () => {
    expect(run.r.exitCode).toBe(EXIT.deployed);
    const pkg = await uploaded(run.r, 'pipelines-artifacts-upper', 'staging/katana-lambda.zip');
    expect(await functionSha(run.r, 'staging-KatanaLambda')).toBe(pkg?.sha256);
    expect(await functionSha(run.r, 'mint-KatanaLambda')).toBe(placeholder);
  });
});

describe('rehearsal of the pipeline: push to master', () => {
  describe('without approval', () => {
    const run = rehearsalOf('refs/heads/master');

    it('stops at the hold (exit 3) with the package uploaded and prod unchanged', async () => {
      expect(run.r.exitCode).toBe(EXIT.held);
      expect(
        await uploaded(run.r, 'pipelines-artifacts-upper', 'prod/katana-lambda.zip'),
      ).toBeDefined();
      expect(await functionSha(run.r, 'prod-KatanaLambda')).toBe(placeholder);
      expect(run.lines.join('\n')).toMatch(/Waiting for approval: prod/);
    });
  });

  describe('with --approve', () => {
    const run = rehearsalOf('refs/heads/master', true);

    it('reaches prod: prod’s function has the uploaded package’s sha256', async () => {
      expect(run.r.exitCode).toBe(EXIT.deployed);
      expect(run.r.actLog.jobs.get('deploy-with-approval')?.state).toBe('success');
      const pkg = await uploaded(run.r, 'pipelines-artifacts-upper', 'prod/katana-lambda.zip');
      expect(await functionSha(run.r, 'prod-KatanaLambda')).toBe(pkg?.sha256);
    });
  });
});
