/**
 * The run record: what one rehearsal sets up, phase by phase, which every later phase reads.
 * rehearse.ts passes it from phase to phase; each part is one phase's result (the module that
 * makes it is named at each part). Types only.
 */
import type { EnvironmentsConfig, Resolution } from '@pipelines/environments';
import type { FakeGitHub, Moto, Registry } from '@pipelines/testkit';
import type { ActInvocation } from './act';
import type { ActLog } from './actLog';
import type { OidcAws } from './oidcAws';
import type { ProvisioningPlan } from './plan';
import type { ServersSetup } from './servers';
import type { LocalAwsClients } from './provision';
import type { JobOutputSources } from './results';
import type { WorkflowJob } from './workflow';
import type { RunFolder } from './workspace';

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
  /**
   * Rehearse the server rollout on test hosts when the environment owns its tier's servers
   * (default true; needs root). false (--no-servers): the rollout step is left out and the
   * summary says it was not rehearsed.
   */
  servers?: boolean;
  log: (line: string) => void;
}

/** Everything one rehearsal set up, which every later phase reads. */
export interface RunRecord {
  readonly options: RehearsalOptions;
  /** When the rehearsal began (ms), for the time in the summary table. */
  readonly began: number;
  /** The repository rehearsed. */
  readonly source: string;
  readonly model: EnvironmentsConfig;
  /** Where environments.yml routes the ref. */
  readonly resolution: Resolution;
  readonly head: { sha: string; message: string };
  readonly folder: RunFolder;
  /** The checkout act runs in. */
  readonly directory: string;
  readonly services: LocalServices;
  /** The servers the rollout reaches, or why it is not rehearsed (servers.ts). */
  readonly servers: ServersSetup;
  readonly aws: LocalAwsSetup;
  readonly workflow: PreparedWorkflow;
  readonly teardown: () => Promise<void>;
}

/** The first phase's part of the record (checkout.ts): what is rehearsed, and where. */
export type RunStart = Pick<
  RunRecord,
  'options' | 'began' | 'source' | 'model' | 'resolution' | 'head' | 'folder' | 'directory'
>;

/** The local services (services.ts). */
export interface LocalServices {
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

/** The local AWS provisioned for the ref's tier (localAws.ts). */
export interface LocalAwsSetup {
  plan: ProvisioningPlan;
  /** Operator clients (moto directly): the rehearsal's own provisioning and verification. */
  clients: LocalAwsClients;
  oidcAws: OidcAws;
}

/** The workflow act runs, and act's invocation (prepare.ts). */
export interface PreparedWorkflow {
  readonly text: string;
  readonly jobs: WorkflowJob[];
  /** Jobs held for approval (not run before approve()). */
  readonly held: string[];
  /** Whether the server rollout step runs (test hosts are up), before the hold and after it. */
  readonly rollout: boolean;
  /** The workflow act runs up to the hold. */
  readonly derived: string;
  /** Where each job output comes from (to read the pipeline's results by job and step). */
  readonly sources: JobOutputSources;
  readonly invocation: ActInvocation;
}

/** One run of act (actRun.ts): before the hold, or the approved run. */
export interface PhaseRun {
  actLog: ActLog;
  exitCode: number;
  /** A job ended in failure. */
  failed: boolean;
}
