/**
 * The real pipeline (.github/workflows/pipeline.yml at HEAD, with the committed action bundles),
 * rehearsed with act against the local AWS: proof 4 of the workflows issue. Four rehearsals, one
 * after the other (every job installs the workspace, and the machine has two cores):
 *   - a push to integration through the README's command, `bash scripts/rehearse.sh` (with --keep,
 *     so that this test can ask the local AWS itself before stopping it with Ctrl-C, and --fresh,
 *     so that the local GitHub starts without the deployment records of earlier rehearsals);
 *   - the staging tag, in-process;
 *   - a push to master: held (exit 3), then approved, which resumes the same run as a reviewer's
 *     click does on GitHub (the jobs before the hold are not run again);
 *   - a push to master of a clone two commits ahead of what its prod runs, up to the hold: the
 *     release notes reviewers read there.
 * The server rollout is left out of these (--no-servers: test hosts boot in servers.test.ts) and
 * each summary must say so plainly. Every assertion about a deploy asks the local AWS, not the logs; the deployment records are read
 * from the local GitHub, which keeps them from one rehearsal to the next. Each describe owns one
 * rehearsal: its beforeAll runs it and records what the local AWS says at each point; each test
 * only reads that record, so any test can run alone (`-t`) or in any order.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { localAwsClients, repoRoot, type LocalAwsClients } from '@pipelines/testkit';
import { parseCli } from '../src/args';
import { saveGitHubState } from '../src/githubState';
import { EXIT, rehearse, type Rehearsal } from '../src/rehearse';
import { cloneOfThisRepository } from './fixtureRepo';
import type { FakeDeployment } from '@pipelines/testkit';
import { trustedRecord } from '@pipelines/action-kit';
import { loadEnvironments, resolveRef } from '@pipelines/environments';
import { placeholderPackage } from '../src/zip';

jest.setTimeout(15 * 60_000);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const placeholder = sha256(placeholderPackage());

type Clients = Pick<LocalAwsClients, 'lambda' | 's3'>;

async function functionSha(clients: Clients, name: string) {
  const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
  return Buffer.from(fn.Configuration?.CodeSha256 ?? '', 'base64').toString('hex');
}

/** sha256 of the bytes of the latest uploaded package, and its VersionId. */
async function uploaded(clients: Clients, bucket: string, key: string) {
  const versions = await clients.s3.send(
    new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }),
  );
  const latest = versions.Versions?.find((v) => v.IsLatest);
  if (!latest) return undefined;
  const object = await clients.s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: latest.VersionId }),
  );
  return { versionId: latest.VersionId, sha256: sha256(await object.Body!.transformToByteArray()) };
}

/** Clients of the local AWS a running rehearsal printed (--keep), with its test credentials. */
const clientsAt = (endpoint: string): Clients => localAwsClients(endpoint, 'us-east-1');

/**
 * Runs a documented command line as a user does (through bash and scripts/rehearse.sh), with
 * --keep so that the local AWS outlives the run: the test asks it itself, then stops it (Ctrl-C).
 */
function rehearsalByCommand(command: string) {
  let output = '';
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  const kept = 'The local AWS keeps running';
  beforeAll(async () => {
    child = spawn('bash', ['-c', `${command} --keep`], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    exited = new Promise((resolve) => child?.on('close', (code) => resolve(code)));
    while (!output.includes(kept) && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 500));
    }
    // The report of a failed rehearsal is the first thing to read when this test fails.
    if (!/ deployed( +#\d+ success)?\n/.test(output)) console.log(output);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGINT');
    await exited;
  });
  return {
    output: () => output,
    /** The row of the summary table. */
    row: () => {
      const lines = output.split('\n');
      return lines[lines.findIndex((l) => l.startsWith('environment  function')) + 2] ?? '';
    },
    clients: () =>
      clientsAt(
        /moto \(S3, Lambda, ECR, IAM, STS\)\s+(\S+)/.exec(output)?.[1] ?? 'http://127.0.0.1:1',
      ),
    /** Ctrl-C: everything stops and the run folder is removed. */
    async interrupt() {
      child?.kill('SIGINT');
      const code = await exited;
      const base = path.join(repoRoot, '.rehearsal');
      const left = existsSync(base)
        ? readdirSync(base).filter((name) => name.startsWith(`run-${child?.pid}-`))
        : [];
      return { code, left };
    },
  };
}

type Package = Awaited<ReturnType<typeof uploaded>>;

describe('bash scripts/rehearse.sh: a push to integration (the README’s command)', () => {
  const run = rehearsalByCommand('bash scripts/rehearse.sh --fresh --no-servers');
  const seen: {
    pkg?: Package;
    mintSha?: string;
    stagingSha?: string;
    interrupted?: Awaited<ReturnType<typeof run.interrupt>>;
  } = {};
  beforeAll(async () => {
    const clients = run.clients();
    seen.pkg = await uploaded(clients, 'pipelines-artifacts-lower', 'mint/katana-lambda.zip');
    seen.mintSha = await functionSha(clients, 'mint-KatanaLambda');
    seen.stagingSha = await functionSha(clients, 'staging-KatanaLambda');
    seen.interrupted = await run.interrupt();
  });

  it('deploys to mint: the summary shows sha256, VersionId and digest, and mint runs the uploaded package', () => {
    expect(run.row()).toMatch(
      /^mint\s+mint-KatanaLambda\s+[0-9a-f]{16}…\s+\S+\s+sha256:[0-9a-f]+…\s+\d+s\s+deployed\s+#\d+ success$/,
    );
    expect(run.output()).toMatch(
      /Deployment record \d+ of mint \(success\) in the local GitHub: http:\/\/127\.0\.0\.1:\d+\/repos\/example\/pipelines\/deployments\/\d+\/statuses/,
    );
    expect(run.output()).toMatch(
      /Verified in the local AWS: mint-KatanaLambda runs s3:\/\/pipelines-artifacts-lower\/mint\/katana-lambda\.zip version \S+ \(sha256 [0-9a-f]{64}\)/,
    );
    expect(seen.pkg?.versionId).toBeTruthy();
    expect(run.row()).toContain(seen.pkg?.versionId?.slice(0, 20) ?? 'no version');
    expect(seen.mintSha).toBe(seen.pkg?.sha256);
    expect(seen.stagingSha).toBe(placeholder);
  });

  it('says plainly that the server rollout was not rehearsed', () => {
    expect(run.output()).toContain(
      "Servers: the server rollout was NOT rehearsed (--no-servers): mint's servers were not checked.",
    );
    expect(run.output()).not.toContain("Each server's release");
  });

  it('stops everything on Ctrl-C and leaves no run folder', () => {
    expect(seen.interrupted).toEqual({ code: EXIT.interrupted, left: [] });
  });
});

describe('bash scripts/rehearse.sh --ref refs/tags/staging', () => {
  const run = rehearsalByCommand('bash scripts/rehearse.sh --ref refs/tags/staging');
  const seen: { pkg?: Package; shas?: Record<string, string>; exitCode?: number | null } = {};
  beforeAll(async () => {
    const clients = run.clients();
    seen.pkg = await uploaded(clients, 'pipelines-artifacts-upper', 'staging/katana-lambda.zip');
    seen.shas = {};
    for (const env of ['mint', 'staging', 'prod']) {
      seen.shas[env] = await functionSha(clients, `${env}-KatanaLambda`);
    }
    seen.exitCode = (await run.interrupt()).code;
  });

  it('deploys to staging, not to mint or prod', () => {
    expect(run.row()).toMatch(/^staging\s+staging-KatanaLambda\s.*\sdeployed\s+#\d+ success$/);
    expect(seen.pkg).toBeDefined();
    expect(seen.shas).toEqual({
      staging: seen.pkg?.sha256,
      mint: placeholder,
      prod: placeholder,
    });
    expect(seen.exitCode).toBe(EXIT.interrupted);
  });
});

/** The options scripts/rehearse.sh gives the rehearsal for a documented command line. */
function optionsOf(command: string) {
  const [bash, script, ...args] = command.split(' ');
  expect([bash, script]).toEqual(['bash', 'scripts/rehearse.sh']);
  return parseCli(args);
}

/**
 * In-process, so that the test can look at the local AWS while the run is held and then approve
 * it: `--approve` makes the CLI do exactly this (rehearse, hold, then approve()).
 */
function rehearsalOf(command: string) {
  const lines: string[] = [];
  const state: { r?: Rehearsal } = {};
  beforeAll(async () => {
    state.r = await rehearse({ ...optionsOf(command), log: (line) => lines.push(line) });
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

describe('rehearsal of the pipeline: push to master, held then approved', () => {
  // docs/local-rehearsal.md's two commands, `bash scripts/rehearse.sh --ref refs/heads/master`
  // and `bash scripts/rehearse.sh --ref refs/heads/master --approve`, rehearsed here with
  // --no-servers (servers.test.ts rehearses prod's servers at the hold and after approval).
  const held = 'bash scripts/rehearse.sh --ref refs/heads/master';
  const run = rehearsalOf(`${held} --no-servers`);
  // The held run's own options come back in the command that approves it (--no-servers too).
  const approveCommand = `${held} --no-servers --approve`;
  const atHold: {
    exitCode?: number;
    pkg?: Package;
    prodSha?: string;
    ranDeploy?: boolean;
    output?: string;
    records?: string[];
  } = {};
  const approved: {
    r?: Rehearsal;
    pkg?: Package;
    prodSha?: string;
    stagingSha?: string;
  } = {};
  // The hold, then the approval (as --approve does), each looked at in the local AWS.
  beforeAll(async () => {
    const { clients } = run.r;
    atHold.exitCode = run.r.exitCode;
    atHold.pkg = await uploaded(clients, 'pipelines-artifacts-upper', 'prod/katana-lambda.zip');
    atHold.prodSha = await functionSha(clients, 'prod-KatanaLambda');
    atHold.ranDeploy = run.r.actLog.jobs.has('deploy-with-approval');
    atHold.output = run.lines.join('\n');
    atHold.records = (run.r.github.state.deployments ?? []).map((d) => d.environment);
    if (!run.r.approve) return;
    approved.r = await run.r.approve();
    approved.pkg = await uploaded(clients, 'pipelines-artifacts-upper', 'prod/katana-lambda.zip');
    approved.prodSha = await functionSha(clients, 'prod-KatanaLambda');
    approved.stagingSha = await functionSha(clients, 'staging-KatanaLambda');
  });

  it('stops at the hold (exit 3): the package is uploaded, prod is unchanged', () => {
    expect(atHold.exitCode).toBe(EXIT.held);
    expect(atHold.pkg).toBeDefined();
    expect(atHold.prodSha).toBe(placeholder);
    expect(atHold.ranDeploy).toBe(false);
    expect(atHold.output).toMatch(/Waiting for approval: prod/);
    expect(atHold.output).toContain(approveCommand);
    expect(atHold.output).toContain(
      "Servers: the server rollout was NOT rehearsed (--no-servers): prod's servers were not checked.",
    );
    expect(run.r.serversSetup.rehearsed).toBe(false);
  });

  it('after approval the prod guard passes and prod runs exactly the package shown at the hold', () => {
    expect(optionsOf(approveCommand)).toMatchObject({ ref: 'refs/heads/master', approve: true });
    expect(approved.r?.exitCode).toBe(EXIT.deployed);
    expect(approved.r?.actLog.jobs.get('deploy-with-approval')?.state).toBe('success');
    // The jobs before the hold were not run again: the package is the one the reviewers saw.
    expect(approved.pkg?.versionId).toBe(atHold.pkg?.versionId);
    expect(approved.prodSha).toBe(atHold.pkg?.sha256);
    expect(approved.stagingSha).toBe(placeholder);
  });

  it('left one deployment record per environment, with the statuses that happened, kept from one rehearsal to the next', () => {
    expect(approved.r).toBeDefined();
    // At the hold prod had none: the deploy job had not run.
    expect(atHold.records).toEqual(['mint', 'staging']);
    const records = run.r.github.state.deployments ?? [];
    const of = (environment: string) => records.find((d) => d.environment === environment);
    expect(records.map((d) => d.environment)).toEqual(['mint', 'staging', 'prod']);
    // Every rehearsal here rehearses the HEAD commit.
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
    for (const d of records) {
      expect(d.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
      expect(d).toMatchObject({
        creator: 'github-actions[bot]',
        ref: commit,
        productionEnvironment: d.environment === 'prod',
        payload: {
          pipelines: 1,
          workflow: '.github/workflows/pipeline.yml',
          commit,
          function: { name: `${d.environment}-KatanaLambda`, alias: 'live' },
        },
      });
    }
    const payload = (d: FakeDeployment | undefined) =>
      d?.payload as { run_id: number; package?: { version_id?: string; sha256?: string } };
    // Each rehearsal is a newer run than the one before (its id follows the kept records).
    const runs = records.map((d) => payload(d).run_id);
    const runOf = (d: FakeDeployment) =>
      run.r.github.state.workflowRuns?.[String(payload(d).run_id)] ?? null;
    expect(runs).toEqual([...runs].sort((a, b) => a - b));
    expect(new Set(runs).size).toBe(3);
    // The prod record names exactly the package the reviewers approved.
    expect(payload(of('prod')).package).toMatchObject({
      version_id: atHold.pkg?.versionId,
      sha256: atHold.pkg?.sha256,
    });
    expect(of('prod')?.statuses[0]?.environmentUrl).toBe('https://blog.pipelines.example.com');
    // A reader (the release notes) trusts each record, having looked up the run it names.
    const model = loadEnvironments(path.join(repoRoot, 'environments.yml'));
    for (const d of records) {
      const run = runOf(d);
      const deploysTo = ['heads', 'tags']
        .map((kind) => resolveRef(model, `refs/${kind}/${run?.headBranch}`))
        .filter((r) => r.deploy && r.environment)
        .map((r) => r.environment!);
      const trust = trustedRecord(
        { environment: d.environment, creator: d.creator, payload: d.payload },
        run && { ...run, deploysTo },
      );
      expect(trust).toMatchObject({ trusted: true });
    }
    expect(of('mint')?.statuses[0]?.environmentUrl).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/lambda\/.*#\/functions\/mint-KatanaLambda$/,
    );
  });

  it("ran every job's AWS requests as the role it would hold on GitHub, assumed with an immutable-form token", () => {
    expect(approved.r).toBeDefined();
    const subjects = new Set(run.r.tokens.issuer.issued.map((claims) => claims.sub));
    expect(subjects).toEqual(
      new Set([
        'repo:example@1000001/pipelines@2000002:environment:prod-candidate',
        'repo:example@1000001/pipelines@2000002:environment:prod',
      ]),
    );
    const decisions = run.r.strictAws.decisions;
    const assumed = decisions.filter((d) => d.operation === 'AssumeRoleWithWebIdentity');
    expect(assumed.every((d) => d.allowed)).toBe(true);
    expect(new Set(assumed.map((d) => d.role))).toEqual(
      new Set(['pipelines-deploy-prod-candidate', 'pipelines-deploy-prod']),
    );
    const actionsOf = (role: string) =>
      decisions.filter((d) => d.role === role && d.allowed).flatMap((d) => d.actions);
    expect(actionsOf('pipelines-deploy-prod-candidate')).toContain('s3:PutObject');
    expect(actionsOf('pipelines-deploy-prod')).toContain('lambda:UpdateFunctionCode');
  });
});

/** `git` in a repository, with a fixed identity for commits; stdout trimmed. */
function git(repo: string, args: string[], author?: { name: string; email: string }): string {
  const identity = author ?? { name: 'Pipelines test', email: 'test@example.org' };
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
    },
  }).trim();
}

describe('rehearsal of a master push after an earlier prod deploy: the release notes at the hold', () => {
  // A clone of this repository, two commits ahead of what its local prod runs. What prod runs is
  // the record an earlier deploy left, as actions/deployment-record writes it (kept between
  // rehearsals in .rehearsal/state, where the next rehearsal's GitHub stand-in finds it).
  const seen: {
    exitCode?: number;
    output?: string;
    base?: string;
    head?: string;
    baseTitle?: string;
  } = {};
  let clone = '';
  let r: Rehearsal | undefined;
  beforeAll(async () => {
    clone = cloneOfThisRepository('notes');
    seen.base = git(clone, ['rev-parse', 'HEAD']);
    seen.baseTitle = git(clone, ['log', '-1', '--format=%s']);
    const authors = [
      { name: 'Ada Lovelace', email: 'ada@example.org' },
      { name: 'Grace Hopper', email: 'grace@example.org' },
    ];
    for (const [i, author] of authors.entries()) {
      writeFileSync(path.join(clone, 'docs', `release-note-${i + 1}.md`), `# Note ${i + 1}\n`);
      git(clone, ['add', '-A']);
      git(clone, ['commit', '-q', '-m', `docs: release note ${i + 1}`], author);
    }
    seen.head = git(clone, ['rev-parse', 'HEAD']);
    const earlierRun = 41;
    saveGitHubState(path.join(clone, '.rehearsal', 'state'), {
      deployments: [
        {
          id: 9001,
          sha: seen.base,
          ref: seen.base,
          task: 'deploy',
          environment: 'prod',
          description: 'katana-lambda and the blog image',
          payload: {
            pipelines: 1,
            run_id: earlierRun,
            run_attempt: 1,
            workflow: '.github/workflows/pipeline.yml',
            commit: seen.base,
            committed_at: git(clone, ['log', '-1', '--format=%cI', seen.base]),
          },
          productionEnvironment: true,
          transientEnvironment: false,
          createdAt: '2026-11-01T10:00:00Z',
          creator: 'github-actions[bot]',
          statuses: [
            ['in_progress', '2026-11-01T10:00:01Z'],
            ['success', '2026-11-01T10:01:00Z'],
          ].map(([state, at], i) => ({
            id: 9100 + i,
            state: state as 'in_progress' | 'success',
            description: '',
            environmentUrl: 'https://blog.pipelines.example.com',
            logUrl: `https://github.com/example/pipelines/actions/runs/${earlierRun}/attempts/1`,
            createdAt: at!,
            creator: 'github-actions[bot]',
          })),
        },
      ],
      workflowRuns: {
        [String(earlierRun)]: {
          path: '.github/workflows/pipeline.yml',
          headBranch: 'master',
          event: 'push',
          headSha: seen.base,
        },
      },
    });
    const lines: string[] = [];
    r = await rehearse({
      ...optionsOf('bash scripts/rehearse.sh --ref refs/heads/master --no-servers'),
      repo: clone,
      log: (line) => lines.push(line),
    });
    seen.exitCode = r.exitCode;
    seen.output = lines.join('\n');
    if (r.exitCode !== EXIT.held) console.log(seen.output);
  });
  afterAll(async () => {
    await r?.teardown();
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('lists exactly the commits between what prod runs and this commit, with their authors and a compare link', () => {
    expect(seen.exitCode).toBe(EXIT.held);
    const output = seen.output ?? '';
    expect(output).toContain('2 commit(s) in this release that prod does not run yet');
    const listed = output.split('\n').filter((line) => /^- `[0-9a-f]{7,}` /.test(line));
    expect(listed).toEqual([
      expect.stringContaining('docs: release note 1 (Ada Lovelace)'),
      expect.stringContaining('docs: release note 2 (Grace Hopper)'),
    ]);
    expect(output).not.toContain(`\` ${seen.baseTitle} (`);
    expect(output).toContain(
      `https://github.com/example/pipelines/compare/${seen.base}...${seen.head}`,
    );
  });
});
