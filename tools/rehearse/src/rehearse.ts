/**
 * The rehearsal: start the local AWS, provision it from environments.yml, run the pipeline
 * workflow for a ref with act in host mode, follow its jobs, and verify the deploy against the
 * local AWS. Everything it starts is stopped by `teardown()` (also on Ctrl-C, see cli.ts).
 *
 * In phases over one run record: start the local services, provision the local AWS, prepare the
 * workflow, run act up to the hold, conclude; on approval: resume, conclude again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
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
import { actArguments, actEnvironment, pushEventPayload, type ActInvocation } from './act';
import { ActLog, progressLine, type ActEvent } from './actLog';
import {
  concreteEnvironments,
  loadEnvironments,
  resolveRef,
  type EnvironmentsConfig,
  type Resolution,
} from '@pipelines/environments';
import { conclude, claimsOf, EXIT, type Conclusion, type PhaseRecord } from './conclusion';
import { loadGitHubState, newestDeployment, nextRunId, saveGitHubState } from './githubState';
import { ENVIRONMENT_ROLE_MARKER, standInEnvironment, startOidcAws, type OidcAws } from './oidcAws';
import type { TokenService } from './oidcIssuer';
import { provisioningPlan, type ProvisioningPlan } from './plan';
import { releaseNotesOf } from './releaseNotes';
import { localClients, provision, type LocalAwsClients } from './provision';
import { jobOutputSources, pipelineResults, type JobOutputSources } from './results';
import type { SummaryRow } from './summary';
import { observe, type Verdict } from './verify';
import {
  heldJobs,
  localUses,
  remoteUses,
  workflowForAct,
  workflowForResume,
  workflowJobs,
  type RemoteUse,
  type WorkflowJob,
} from './workflow';
import {
  checkoutCommit,
  createRunFolder,
  gitHead,
  reuseCacheFolder,
  writeJson,
  type RunFolder,
} from './workspace';
import { placeholderPackage } from './zip';

export { EXIT };

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
  /** Forget the deployment records earlier rehearsals left in the local GitHub. */
  fresh?: boolean;
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
  /** The GitHub API stand-in: its deployment records are what the deploy jobs recorded. */
  github: FakeGitHub;
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
  /** Where the stand-in's deployment records are kept between rehearsals. */
  githubStateDir?: string;
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
      if (started.github && started.githubStateDir)
        saveGitHubState(started.githubStateDir, {
          deployments: started.github.state.deployments ?? [],
          workflowRuns: started.github.state.workflowRuns ?? {},
        });
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

/** Everything one rehearsal set up, which every later phase reads. */
interface RunRecord {
  readonly options: RehearsalOptions;
  readonly began: number;
  readonly model: EnvironmentsConfig;
  readonly resolution: Resolution;
  readonly head: { sha: string; message: string };
  readonly folder: RunFolder;
  /** The checkout act runs in. */
  readonly directory: string;
  readonly services: LocalServices;
  readonly aws: LocalAwsSetup;
  readonly workflow: PreparedWorkflow;
  readonly teardown: () => Promise<void>;
}

async function run(
  options: RehearsalOptions,
  started: Started,
  teardown: () => Promise<void>,
): Promise<Rehearsal> {
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
  options.log(announcement(options.ref, head, resolution));

  // The stand-in answers the release notes' git reads (compare, pull requests) from this
  // repository, and keeps the deployment records between rehearsals.
  const services = await startLocalServices(model, started, {
    gitRepository: source,
    stateDir: path.join(source, '.rehearsal', 'state'),
    fresh: options.fresh ?? false,
  });
  const aws = await provisionLocalAws(source, model, resolution, services, started);
  // This run, as GitHub describes it to a reader of its deployment record.
  (services.github.state.workflowRuns ??= {})[String(services.runId)] = {
    path: options.workflow,
    headBranch: options.ref.replace(/^refs\/(heads|tags)\//, ''),
    event: 'push',
    headSha: head.sha,
  };
  options.log(
    `Local AWS at ${aws.oidcAws.strictAws.url} (IAM enforced from the ${resolution.tier} tier's ${aws.oidcAws.roles.length} OIDC roles; moto at ${services.moto.endpoint}, registry ${services.registry.host}): ` +
      `${aws.plan.buckets.length} buckets, ${aws.plan.functions.length} functions, ${aws.plan.repositories.length} ECR repositories`,
  );
  const workflow = await prepareWorkflow(
    { options, model, resolution, head, folder, directory },
    services,
    aws,
  );
  const record: RunRecord = {
    options,
    began,
    model,
    resolution,
    head,
    folder,
    directory,
    services,
    aws,
    workflow,
    teardown,
  };

  // The workflow, up to the hold: an approval run stops there (exit 3); approve() resumes it.
  const before = await runPhase(
    record,
    started,
    workflow.derived,
    workflow.jobs.map((j) => j.id).filter((id) => !workflow.held.includes(id)),
  );
  // What a reviewer reads on GitHub before approving: the release-candidate job's summary.
  const notes = releaseNotesOf(before.actLog.outputs);
  if (notes)
    options.log(`\nThe release-candidate summary (what reviewers read on GitHub):\n\n${notes}`);
  const atHold = await concludePhase(record, before.actLog, before, workflow.held);
  const rehearsal = rehearsalOf(record, atHold, before.actLog);
  if (atHold.exitCode !== EXIT.held) return rehearsal;
  rehearsal.approve = async () => {
    const after = await resume(record, started, before.actLog);
    // What the deploy must match: the values of the run before the hold.
    const approved = await concludePhase(record, before.actLog, after, []);
    return { ...rehearsalOf(record, approved, after.actLog), approve: undefined };
  };
  return options.approve ? rehearsal.approve() : rehearsal;
}

function announcement(
  ref: string,
  head: { sha: string; message: string },
  resolution: Resolution,
): string {
  return (
    `Rehearsing a push of ${ref} (${head.sha.slice(0, 12)} ${head.message})` +
    (resolution.environment
      ? ` -> ${resolution.environment} (${resolution.tier}${resolution.approval ? ', approval' : ''})`
      : ' -> no deploy')
  );
}

function rehearsalOf(record: RunRecord, conclusion: Conclusion, actLog: ActLog): Rehearsal {
  const { exitCode, verdict, rows } = conclusion;
  return {
    exitCode,
    ...(verdict ? { verdict } : {}),
    rows,
    resolution: record.resolution,
    plan: record.aws.plan,
    moto: record.services.moto,
    strictAws: record.aws.oidcAws.strictAws,
    tokens: record.aws.oidcAws.tokens,
    github: record.services.github,
    registry: record.services.registry,
    clients: record.aws.clients,
    actLog,
    teardown: record.teardown,
  };
}

interface LocalServices {
  moto: Moto;
  registry: Registry;
  /** The GitHub API stand-in (the prod guard asks it for the reviewers). */
  github: FakeGitHub;
  /** The environments a reviewer must approve. */
  approvalEnvironments: string[];
  /**
   * This rehearsal's workflow run id: one more than the newest run the kept deployment records
   * name, so that each rehearsal is a newer run than the last, as each push is on GitHub.
   */
  runId: number;
}

/**
 * The local AWS (moto and an ECR-like registry) and a GitHub API stand-in, which starts with the
 * deployment records earlier rehearsals left (saved at teardown) and answers the workflow's token
 * as github-actions[bot], as GitHub does.
 */
async function startLocalServices(
  model: EnvironmentsConfig,
  started: Started,
  kept: { gitRepository: string; stateDir: string; fresh: boolean },
): Promise<LocalServices> {
  const [moto, registry] = await Promise.all([startMoto(), startRegistry({ ecr: true })]);
  started.moto = moto;
  started.registry = registry;
  const approvalEnvironments = concreteEnvironments(model)
    .filter((env) => env.approval)
    .map((env) => env.name);
  const [owner = '', repo = ''] = model.project.github.split('/');
  const github = await startFakeGitHub(
    defaultGitHubState({
      owner,
      repo,
      gitRepository: kept.gitRepository,
      actor: 'github-actions[bot]',
      ...loadGitHubState(kept.stateDir, kept.fresh),
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
  started.githubStateDir = kept.stateDir;
  const runId = nextRunId(github.state.deployments ?? []);
  return { moto, registry, github, approvalEnvironments, runId };
}

interface LocalAwsSetup {
  plan: ProvisioningPlan;
  clients: LocalAwsClients;
  oidcAws: OidcAws;
}

/**
 * The resources environments.yml names, and the roles the jobs assume: the CDK app's, for this
 * ref's tier, enforced by the strict twin in front of moto; each job assumes its environment's
 * role with a GitHub-like token.
 */
async function provisionLocalAws(
  source: string,
  model: EnvironmentsConfig,
  resolution: Resolution,
  services: LocalServices,
  started: Started,
): Promise<LocalAwsSetup> {
  const plan = provisioningPlan(model, resolution);
  const clients = localClients(services.moto.endpoint, plan.region);
  await provision(clients, plan);
  const oidcAws = await startOidcAws({
    model,
    source,
    tier: resolution.tier,
    environment: resolution.environment ?? undefined,
    region: plan.region,
    moto: services.moto,
    clients,
  });
  started.strictAws = oidcAws.strictAws;
  started.tokens = oidcAws.tokens;
  return { plan, clients, oidcAws };
}

interface PreparedWorkflow {
  readonly text: string;
  readonly jobs: WorkflowJob[];
  /** Jobs held for approval (not run before approve()). */
  readonly held: string[];
  /** The workflow act runs up to the hold. */
  readonly derived: string;
  /** Where each job output comes from (to read the pipeline's results by job and step). */
  readonly sources: JobOutputSources;
  readonly invocation: ActInvocation;
}

/** The workflow act runs up to the hold, its event, and act's invocation. */
async function prepareWorkflow(
  record: Pick<RunRecord, 'options' | 'model' | 'resolution' | 'head' | 'folder' | 'directory'>,
  services: LocalServices,
  aws: LocalAwsSetup,
): Promise<PreparedWorkflow> {
  const { options, model, resolution, head, folder, directory } = record;
  const text = readFileSync(path.join(directory, options.workflow), 'utf8');
  const jobs = workflowJobs(text);
  const held = resolution.approval ? heldJobs(jobs, services.approvalEnvironments) : [];
  const derived = path.join(folder.root, 'workflow', path.basename(options.workflow));
  mkdirSync(path.dirname(derived), { recursive: true });
  writeFileSync(derived, workflowForAct(text, held));
  if (held.length) options.log(`Held for approval (not run): ${held.join(', ')}`);

  const uses = actionsToStandIn(directory, text);
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
  const [owner = ''] = model.project.github.split('/');
  const invocation: ActInvocation = {
    directory,
    workflow: derived,
    eventPath,
    localRepositories: uses.map((use) => ({
      use,
      folder: path.join(standInsRoot, use.repository),
    })),
    vars: {
      AWS_REGION: aws.plan.region,
      // Each environment's own on GitHub: the stand-in picks the job's (oidcAws.ts).
      AWS_ROLE_ARN: ENVIRONMENT_ROLE_MARKER,
      ECR_REGISTRY: services.registry.host,
    },
    secrets: { GITHUB_TOKEN: services.github.state.token },
    env: {
      GITHUB_REPOSITORY: model.project.github,
      GITHUB_REPOSITORY_OWNER: owner,
      // Every GitHub API call of the workflow goes to the local stand-in.
      GITHUB_API_URL: services.github.url,
      GITHUB_RUN_ID: String(services.runId),
      REHEARSAL_BIN: folder.bin,
      ...standInEnvironment(aws.oidcAws, options.workflow),
      REHEARSAL_ARTIFACTS: folder.artifacts,
      REHEARSAL_STAND_INS: standInsRoot,
    },
    artifactPath: folder.actArtifacts,
    artifactPort: await freePort(),
    // Kept between runs, one folder per ref: what makes a second run of the same inputs warm.
    cachePath: reuseCacheFolder(path.dirname(folder.root), options.ref),
    cachePort: await freePort(),
    actionCachePath: folder.actionCache,
  };
  return { text, jobs, held, derived, sources: jobOutputSources(text), invocation };
}

interface PhaseRun {
  actLog: ActLog;
  exitCode: number;
  /** A job ended in failure. */
  failed: boolean;
}

/** One run of act; `running` are the jobs it runs for real (the others are held or replayed). */
async function runPhase(
  record: RunRecord,
  started: Started,
  workflowFile: string,
  running: readonly string[],
): Promise<PhaseRun> {
  const log = record.options.log;
  const actLog = new ActLog();
  const args = actArguments({ ...record.workflow.invocation, workflow: workflowFile });
  const exitCode = await runAct(args, record.folder, started, actLog, record.options);
  for (const job of actLog.markNotRun(running, Date.now())) {
    log(progressLine({ kind: 'job-ended', job }) ?? '');
  }
  const failedJobs = [...actLog.jobs.values()].filter((j) => j.state === 'failure');
  for (const job of failedJobs) {
    log(`\n${job.id} failed${job.failedSteps.length ? ` at: ${job.failedSteps.join(', ')}` : ''}`);
    for (const line of actLog.tail(job.id).slice(-15)) log(`  | ${line}`);
  }
  if (actLog.plain.length && exitCode !== 0) {
    for (const line of actLog.plain.slice(-10)) log(`  act: ${line}`);
  }
  return { actLog, exitCode, failed: failedJobs.length > 0 };
}

/**
 * Approval: the same run continues, as on GitHub after a reviewer clicks. The held jobs run for
 * real; the jobs before the hold are replayed with the outputs they had (the values shown to the
 * reviewers), not run again.
 */
async function resume(record: RunRecord, started: Started, before: ActLog): Promise<PhaseRun> {
  const { options, folder, workflow, services } = record;
  const ran = new Map(
    [...before.jobs.values()].map((job) => [
      job.id,
      { state: job.state, stepOutputs: before.outputs.get(job.id) ?? new Map() },
    ]),
  );
  const resumed = path.join(folder.root, 'workflow', `approved-${path.basename(options.workflow)}`);
  writeFileSync(resumed, workflowForResume(workflow.text, workflow.held, ran));
  // What a reviewer's click leaves in the run's review log, which the prod guard reads: an
  // approval of each held environment by a reviewer who is not the run's actor (act's actor is
  // nektos/act).
  services.github.state.runs = {
    [String(services.runId)]: [
      { user: 'alice', environments: services.approvalEnvironments, state: 'approved' },
    ],
  };
  options.log(`\nApproved: resuming the run with ${workflow.held.join(', ')}`);
  return runPhase(record, started, resumed, workflow.held);
}

/**
 * Concludes a phase: the pipeline's results (read from `reported`, by job and step) checked
 * against the local AWS. `held` is empty once approved.
 */
async function concludePhase(
  record: RunRecord,
  reported: ActLog,
  phase: PhaseRun,
  held: readonly string[],
): Promise<Conclusion> {
  const phaseRecord: PhaseRecord = {
    ref: record.options.ref,
    commit: record.head.sha,
    resolution: record.resolution,
    repository: record.aws.plan.repositories[0] ?? '',
    results: pipelineResults(reported.outputs, record.workflow.sources),
    held,
    actExit: phase.exitCode,
    failed: phase.failed,
    seconds: (Date.now() - record.began) / 1000,
    placeholderSha256: createHash('sha256').update(placeholderPackage()).digest('hex'),
    deployment: record.resolution.environment
      ? newestDeployment(
          record.services.github.state.deployments ?? [],
          record.resolution.environment,
          `${record.services.github.url}/repos/${record.model.project.github}`,
        )
      : undefined,
  };
  const claims = claimsOf(phaseRecord);
  const seen = claims
    ? await observe(record.aws.clients, record.services.registry.endpoint, claims)
    : undefined;
  const conclusion = conclude(phaseRecord, seen);
  for (const line of conclusion.lines) record.options.log(line);
  return conclusion;
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
