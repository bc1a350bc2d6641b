/**
 * The rehearsal: start the local AWS, provision it from environments.yml, run the pipeline
 * workflow for a ref with act in host mode, follow its jobs, and verify the deploy against the
 * local AWS. Everything it starts is stopped by `teardown()` (also on Ctrl-C, see cli.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  freePort,
  repoRoot,
  startFakeGitHub,
  defaultGitHubState,
  startMoto,
  startRegistry,
  toolPath,
  type FakeGitHub,
  type Moto,
  type Registry,
  type StrictAws,
} from '@pipelines/testkit';
import { actArguments, actEnvironment, pushEventPayload } from './act';
import { ActLog, progressLine, type ActEvent } from './actLog';
import {
  concreteEnvironments,
  loadEnvironments,
  resolveRef,
  type Resolution,
} from '@pipelines/shared/src/environments';
import { ENVIRONMENT_ROLE_MARKER, standInEnvironment, startOidcAws } from './oidcAws';
import type { TokenService } from './oidcIssuer';
import { provisioningPlan, type ProvisioningPlan } from './plan';
import { localClients, provision, type LocalAwsClients } from './provision';
import { holdMessage, summaryTable, type SummaryRow } from './summary';
import { judge, observe, type Claims, type Verdict } from './verify';
import {
  heldJobs,
  localUses,
  remoteUses,
  workflowForAct,
  workflowForResume,
  workflowJobs,
  type RemoteUse,
} from './workflow';
import { checkoutCommit, createRunFolder, gitHead, writeJson, type RunFolder } from './workspace';
import { createHash } from 'node:crypto';
import { placeholderPackage } from './zip';

export const EXIT = { deployed: 0, failed: 1, usage: 2, held: 3, interrupted: 130 } as const;

export interface RehearsalOptions {
  ref: string;
  approve: boolean;
  /** Rehearse the working tree as it is (uncommitted changes too) instead of the HEAD commit. */
  worktree: boolean;
  /** The workflow file, relative to the repository. */
  workflow: string;
  /** The repository to rehearse (default: this one). */
  repo?: string;
  /** Print every line the steps print, not only one line per job. */
  verbose: boolean;
  log: (line: string) => void;
}

export interface Rehearsal {
  exitCode: number;
  verdict?: Verdict;
  rows: SummaryRow[];
  resolution: Resolution;
  plan: ProvisioningPlan;
  moto: Moto;
  /** The local AWS the jobs reach: IAM enforced from the CDK app's roles, in front of moto. */
  strictAws: StrictAws;
  /** The GitHub-like OIDC token service the jobs' configure-aws-credentials asks. */
  tokens: TokenService;
  registry: Registry;
  /** Operator clients (moto directly): the rehearsal's own provisioning and verification. */
  clients: LocalAwsClients;
  actLog: ActLog;
  /** Stops every process the rehearsal started and removes its files. Idempotent. */
  teardown(): Promise<void>;
  /**
   * Only on a run held for approval (exit 3): approve, and the run continues with the held jobs
   * (as after a reviewer's click on GitHub). The result is the approved run's.
   */
  approve?: () => Promise<Rehearsal>;
}

/** Third-party actions act cannot fetch offline: each needs a folder in stand-ins/. */
const standInsRoot = path.resolve(__dirname, '..', 'stand-ins');
/** act copies the local checkout itself for these (it skips actions/checkout). */
const handledByAct = new Set(['actions/checkout']);

/** Remote actions the workflow uses, directly or through its local composite actions. */
export function actionsToStandIn(repo: string, workflowText: string): RemoteUse[] {
  const found = new Map<string, RemoteUse>();
  const seen = new Set<string>();
  const scan = (text: string) => {
    for (const use of remoteUses(text)) found.set(`${use.repository}@${use.ref}`, use);
    for (const local of localUses(text)) {
      if (seen.has(local)) continue;
      seen.add(local);
      for (const file of ['action.yml', 'action.yaml']) {
        const full = path.join(repo, local, file);
        if (existsSync(full)) scan(readFileSync(full, 'utf8'));
      }
    }
  };
  scan(workflowText);
  return [...found.values()].filter((use) => !handledByAct.has(use.repository));
}

interface Started {
  folder?: RunFolder;
  moto?: Moto;
  registry?: Registry;
  github?: FakeGitHub;
  strictAws?: StrictAws;
  tokens?: TokenService;
  act?: ChildProcess;
}

export async function rehearse(options: RehearsalOptions): Promise<Rehearsal> {
  const started: Started = {};
  let tornDown: Promise<void> | undefined;
  const teardown = () =>
    (tornDown ??= (async () => {
      if (started.act?.pid && started.act.exitCode === null && started.act.signalCode === null) {
        const act = started.act;
        const gone = new Promise((r) => act.once('exit', r));
        killGroup(act, 'SIGTERM');
        const timer = setTimeout(() => killGroup(act, 'SIGKILL'), 3000);
        await gone;
        clearTimeout(timer);
      }
      await Promise.all([started.strictAws?.stop(), started.tokens?.stop()]);
      await Promise.all([started.moto?.stop(), started.registry?.stop(), started.github?.stop()]);
      started.folder?.remove();
    })());
  activeTeardowns.add(teardown);
  try {
    return await run(options, started, teardown);
  } catch (error) {
    await teardown();
    throw error;
  } finally {
    activeTeardowns.delete(teardown);
  }
}

/** Teardowns of rehearsals in progress, for the CLI's signal handler. */
export const activeTeardowns = new Set<() => Promise<void>>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function run(
  options: RehearsalOptions,
  started: Started,
  teardown: () => Promise<void>,
): Promise<Rehearsal> {
  const log = options.log;
  const source = options.repo ?? repoRoot;
  const began = Date.now();
  const model = loadEnvironments(path.join(source, 'environments.yml'));
  const resolution = resolveRef(model, options.ref);
  const head = gitHead(source);

  const folder = createRunFolder(path.join(source, '.rehearsal'), {
    node: toolPath('node24'),
    pnpm: toolPath('pnpm'),
  });
  started.folder = folder;
  const directory = options.worktree
    ? source
    : checkoutCommit(source, head.sha, path.join(folder.root, 'repo'), model.project.github);

  log(
    `Rehearsing a push of ${options.ref} (${head.sha.slice(0, 12)} ${head.message})` +
      (resolution.environment
        ? ` -> ${resolution.environment} (${resolution.tier}${resolution.approval ? ', approval' : ''})`
        : ' -> no deploy'),
  );

  // The local AWS and a GitHub API stand-in (the prod guard asks it for the reviewers).
  const [moto, registry] = await Promise.all([startMoto(), startRegistry({ ecr: true })]);
  started.moto = moto;
  started.registry = registry;
  const approvalEnvironments = concreteEnvironments(model)
    .filter((env) => env.approval)
    .map((env) => env.name);
  const [owner = '', repoName = ''] = model.project.github.split('/');
  const github = await startFakeGitHub(
    defaultGitHubState({
      owner,
      repo: repoName,
      environments: Object.fromEntries(
        approvalEnvironments.map((name) => [
          name,
          // As the GitHub bootstrap configures it: a required reviewer, no self-review, no
          // admin bypass (the prod guard refuses an environment that admins may bypass).
          {
            reviewers: [{ type: 'User' as const, id: 101 }],
            preventSelfReview: true,
            canAdminsBypass: false,
            customPolicies: true,
            policies: [],
            variables: {},
          },
        ]),
      ),
    }),
  );
  started.github = github;
  const plan = provisioningPlan(model, resolution);
  const clients = localClients(moto.endpoint, plan.region);
  await provision(clients, plan);

  // The roles the jobs assume are the CDK app's, for this ref's tier, enforced by the strict
  // twin in front of moto; each job assumes its environment's role with a GitHub-like token.
  const oidcAws = await startOidcAws({
    model,
    source,
    tier: resolution.tier,
    environment: resolution.environment ?? undefined,
    region: plan.region,
    moto,
    clients,
  });
  const { strictAws, tokens, roles } = oidcAws;
  started.strictAws = strictAws;
  started.tokens = tokens;
  log(
    `Local AWS at ${strictAws.url} (IAM enforced from the ${resolution.tier} tier's ${roles.length} OIDC roles; moto at ${moto.endpoint}, registry ${registry.host}): ` +
      `${plan.buckets.length} buckets, ${plan.functions.length} functions, ${plan.repositories.length} ECR repositories`,
  );

  // The workflow, up to the hold: an approval run stops there (exit 3); approve() resumes it.
  const workflowPath = path.join(directory, options.workflow);
  const workflowText = readFileSync(workflowPath, 'utf8');
  const jobs = workflowJobs(workflowText);
  const held = resolution.approval ? heldJobs(jobs, approvalEnvironments) : [];
  const derived = path.join(folder.root, 'workflow', path.basename(options.workflow));
  mkdirSync(path.dirname(derived), { recursive: true });
  writeFileSync(derived, workflowForAct(workflowText, held));
  if (held.length) log(`Held for approval (not run): ${held.join(', ')}`);

  const uses = actionsToStandIn(directory, workflowText);
  const missing = uses.filter((use) => !existsSync(path.join(standInsRoot, use.repository)));
  if (missing.length) {
    throw new Error(
      `No local stand-in for ${missing.map((m) => m.uses).join(', ')}: act cannot fetch actions offline. Add one under tools/rehearse/stand-ins/<owner>/<repo>/action.yml.`,
    );
  }

  const eventPath = writeJson(
    path.join(folder.root, 'event.json'),
    pushEventPayload({
      ref: options.ref,
      sha: head.sha,
      repository: model.project.github,
      defaultBranch: 'master',
      message: head.message,
    }),
  );
  const invocation = {
    directory,
    workflow: derived,
    eventPath,
    localRepositories: uses.map((use) => ({
      use,
      folder: path.join(standInsRoot, use.repository),
    })),
    vars: {
      AWS_REGION: plan.region,
      // Each environment's own on GitHub: the stand-in picks the job's (oidcAws.ts).
      AWS_ROLE_ARN: ENVIRONMENT_ROLE_MARKER,
      ECR_REGISTRY: registry.host,
    },
    secrets: { GITHUB_TOKEN: github.state.token },
    env: {
      GITHUB_REPOSITORY: model.project.github,
      GITHUB_REPOSITORY_OWNER: owner,
      // Every GitHub API call of the workflow goes to the local stand-in.
      GITHUB_API_URL: github.url,
      REHEARSAL_BIN: folder.bin,
      ...standInEnvironment(oidcAws, options.workflow),
      REHEARSAL_ARTIFACTS: folder.artifacts,
      REHEARSAL_STAND_INS: standInsRoot,
    },
    artifactPath: folder.actArtifacts,
    artifactPort: await freePort(),
    cachePath: folder.actCache,
    cachePort: await freePort(),
    actionCachePath: folder.actionCache,
  };

  // One run of act; `running` are the jobs it runs for real (the others are held or replayed).
  const runPhase = async (workflowFile: string, running: readonly string[]) => {
    const actLog = new ActLog();
    const args = actArguments({ ...invocation, workflow: workflowFile });
    const exitCode = await runAct(args, folder, started, actLog, options);
    for (const job of actLog.markNotRun(running, Date.now())) {
      log(progressLine({ kind: 'job-ended', job }) ?? '');
    }
    const failedJobs = [...actLog.jobs.values()].filter((j) => j.state === 'failure');
    for (const job of failedJobs) {
      log(
        `\n${job.id} failed${job.failedSteps.length ? ` at: ${job.failedSteps.join(', ')}` : ''}`,
      );
      for (const line of actLog.tail(job.id).slice(-15)) log(`  | ${line}`);
    }
    if (actLog.plain.length && exitCode !== 0) {
      for (const line of actLog.plain.slice(-10)) log(`  act: ${line}`);
    }
    return { actLog, exitCode, failed: failedJobs.length > 0 };
  };

  const before = await runPhase(
    derived,
    jobs.map((j) => j.id).filter((id) => !held.includes(id)),
  );
  const held1 = await conclude({
    options,
    resolution,
    plan,
    clients,
    registry,
    actLog: before.actLog,
    held,
    actExit: before.exitCode,
    failed: before.failed,
    seconds: (Date.now() - began) / 1000,
    commit: head.sha,
  });
  const rehearsal: Rehearsal = {
    ...held1,
    resolution,
    plan,
    moto,
    strictAws,
    tokens,
    registry,
    clients,
    actLog: before.actLog,
    teardown,
  };
  if (held1.exitCode !== EXIT.held) return rehearsal;

  // Approval: the same run continues, as on GitHub after a reviewer clicks. The held jobs run for
  // real; the jobs before the hold are replayed with the outputs they had (the values shown to
  // the reviewers), not run again.
  rehearsal.approve = async () => {
    const ran = new Map(
      [...before.actLog.jobs.values()].map((job) => [
        job.id,
        { state: job.state, stepOutputs: before.actLog.outputs.get(job.id) ?? new Map() },
      ]),
    );
    const resumed = path.join(
      folder.root,
      'workflow',
      `approved-${path.basename(options.workflow)}`,
    );
    writeFileSync(resumed, workflowForResume(workflowText, held, ran));
    // What a reviewer's click leaves in the run's review log, which the prod guard reads: an
    // approval of each held environment by a reviewer who is not the run's actor (act runs as
    // run 1, actor nektos/act).
    github.state.runs = {
      '1': [{ user: 'alice', environments: approvalEnvironments, state: 'approved' }],
    };
    log(`\nApproved: resuming the run with ${held.join(', ')}`);
    const after = await runPhase(resumed, held);
    const result = await conclude({
      options,
      resolution,
      plan,
      clients,
      registry,
      // What the deploy must match: the values of the run before the hold.
      actLog: before.actLog,
      held: [],
      actExit: after.exitCode,
      failed: after.failed,
      seconds: (Date.now() - began) / 1000,
      commit: head.sha,
    });
    return { ...rehearsal, ...result, actLog: after.actLog, approve: undefined };
  };
  return options.approve ? rehearsal.approve() : rehearsal;
}

function runAct(
  args: string[],
  folder: RunFolder,
  started: Started,
  actLog: ActLog,
  options: RehearsalOptions,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const act = spawn(toolPath('act'), args, {
      env: actEnvironment(process.env, [folder.bin, path.dirname(toolPath('node24'))]),
      // Its own process group, so that stopping it stops every step it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.act = act;
    const feed = (line: string) => {
      const events: ActEvent[] = actLog.feed(line, Date.now());
      for (const event of events) {
        const text = progressLine(event);
        if (text) options.log(text);
      }
      if (options.verbose) {
        try {
          const entry = JSON.parse(line) as { raw_output?: boolean; msg?: string; jobID?: string };
          if (entry.raw_output && entry.msg)
            options.log(`    [${entry.jobID}] ${entry.msg.trimEnd()}`);
        } catch {
          options.log(`    ${line}`);
        }
      }
    };
    createInterface({ input: act.stdout! }).on('line', feed);
    createInterface({ input: act.stderr! }).on('line', feed);
    act.once('error', reject);
    act.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

interface Conclusion {
  exitCode: number;
  verdict?: Verdict;
  rows: SummaryRow[];
}

async function conclude(input: {
  options: RehearsalOptions;
  resolution: Resolution;
  plan: ProvisioningPlan;
  clients: LocalAwsClients;
  registry: Registry;
  actLog: ActLog;
  held: string[];
  actExit: number;
  failed: boolean;
  seconds: number;
  commit: string;
}): Promise<Conclusion> {
  const { options, resolution, actLog, log } = { ...input, log: input.options.log };
  if (!resolution.environment || !resolution.deploy) {
    const ok = input.actExit === 0 && !input.failed;
    log(
      ok
        ? `\n${options.ref} deploys nowhere (environments.yml): the checks ran and passed.`
        : `\nThe workflow failed (act exit ${input.actExit}).`,
    );
    return { exitCode: ok ? EXIT.deployed : EXIT.failed, rows: [] };
  }
  // What the pipeline says it produced; verify() checks each value against the local AWS.
  const last = (name: string) => actLog.outputsNamed(name).at(-1)?.value;
  const claims: Claims = {
    environment: resolution.environment,
    functionName: resolution.functionName,
    alias: resolution.functionAlias,
    bucket: last('bucket') ?? resolution.bucket,
    key: last('key') ?? resolution.artifactKey,
    versionId: last('version-id'),
    repository: input.plan.repositories[0] ?? '',
    digest: last('digest'),
  };
  const reported = last('environment');
  const seen = await observe(input.clients, input.registry.endpoint, claims);
  const holding = input.held.length > 0;
  const placeholder = createHash('sha256').update(placeholderPackage()).digest('hex');
  const verdict = judge(claims, seen, holding ? { expectUnchanged: placeholder } : {});
  if (reported !== undefined && reported !== resolution.environment) {
    verdict.problems.push(
      `the resolve job routed ${options.ref} to ${reported}, environments.yml says ${resolution.environment}`,
    );
    verdict.deployed = false;
  }
  if (input.failed || input.actExit !== 0) {
    verdict.problems.unshift(`the workflow failed (act exit ${input.actExit})`);
    verdict.deployed = false;
  }
  const ok = verdict.problems.length === 0;
  const row: SummaryRow = {
    environment: resolution.environment,
    function: resolution.functionName,
    codeSha256: seen.functionSha256,
    s3Version: claims.versionId,
    imageDigest: claims.digest,
    seconds: input.seconds,
    result: ok ? (holding ? 'waiting for approval' : 'deployed') : 'failed',
  };
  if (ok && holding) {
    log(
      '\n' +
        holdMessage(
          {
            environment: resolution.environment,
            commit: input.commit,
            ref: options.ref,
            sha256: seen.objectSha256,
            bucket: claims.bucket,
            key: claims.key,
            versionId: claims.versionId,
            digest: claims.digest,
            imageUri: last('image-uri'),
          },
          `bash scripts/rehearse.sh --ref ${options.ref} --approve`,
        ),
    );
  }
  log('\n' + summaryTable([row]));
  if (ok && !holding) {
    log(
      `\nVerified in the local AWS: ${claims.functionName} runs s3://${claims.bucket}/${claims.key} version ${claims.versionId} (sha256 ${seen.functionSha256}); the registry serves ${claims.repository}@${claims.digest}.`,
    );
  }
  for (const problem of verdict.problems) log(`✗ ${problem}`);
  return {
    exitCode: ok ? (holding ? EXIT.held : EXIT.deployed) : EXIT.failed,
    verdict,
    rows: [row],
  };
}
