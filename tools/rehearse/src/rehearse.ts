/**
 * The rehearsal: start the local AWS, provision it from environments.yml, run the pipeline
 * workflow for a ref with act in host mode, follow its jobs, and verify the deploy against the
 * local AWS. Everything it starts is stopped by `teardown()` (also on Ctrl-C, see cli.ts).
 *
 * In phases over one run record (record.ts), each phase a module: what is rehearsed (checkout.ts),
 * the local services (services.ts), the servers the rollout reaches, booting on test hosts while
 * act runs (servers.ts), the local AWS of the ref's tier (localAws.ts), the workflow
 * and act's invocation (prepare.ts), act up to the hold (actRun.ts), the verdict (concludePhase.ts,
 * and each server's release: serverReleases.ts); on approval: the held jobs (approval.ts), the
 * verdict again.
 */
import type { Resolution } from '@pipelines/environments';
import type { FakeGitHub, Moto, Registry, StrictAws } from '@pipelines/testkit';
import type { ActLog } from './actLog';
import { runUntilHold } from './actRun';
import { resumeApproved } from './approval';
import { openRun } from './checkout';
import { concludePhase } from './concludePhase';
import { EXIT, type Conclusion } from './conclusion';
import { provisionLocalAws } from './localAws';
import type { TokenService } from './oidcIssuer';
import type { ProvisioningPlan } from './plan';
import { prepareWorkflow } from './prepare';
import type { LocalAwsClients } from './provision';
import type { PhaseRun, RehearsalOptions, RunRecord } from './record';
import { releaseNotesOf } from './releaseNotes';
import { concludeServers, type ServersObservation } from './serverReleases';
import { startServers, type ServersSetup } from './servers';
import { startLocalServices } from './services';
import type { SummaryRow } from './summary';
import { activeTeardowns, teardownOf, type Started } from './teardown';
import type { Verdict } from './verify';

export { EXIT };
export type { RehearsalOptions };

export interface Rehearsal {
  exitCode: number;
  verdict?: Verdict;
  rows: SummaryRow[];
  /** The servers the rollout reached (their hosts, the SSM stand-in), or why it was not rehearsed. */
  serversSetup: ServersSetup;
  /** Each server's release at the end, when the rollout was rehearsed. */
  servers?: ServersObservation;
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

export async function rehearse(options: RehearsalOptions): Promise<Rehearsal> {
  const started: Started = {};
  const teardown = teardownOf(started);
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

async function run(
  options: RehearsalOptions,
  started: Started,
  teardown: () => Promise<void>,
): Promise<Rehearsal> {
  const start = openRun(options, started);
  const services = await startLocalServices(start, started);
  const servers = await startServers(start, services, started);
  const aws = await provisionLocalAws(start, services, servers, started);
  const workflow = await prepareWorkflow(start, services, servers, aws);
  const record: RunRecord = { ...start, services, servers, aws, workflow, teardown };

  // The workflow, up to the hold: an approval run stops there (exit 3); approve() resumes it.
  const before = await runUntilHold(record, started);
  // What a reviewer reads on GitHub before approving: the release-candidate job's summary.
  const notes = releaseNotesOf(before.actLog.outputs);
  if (notes)
    options.log(`\nThe release-candidate summary (what reviewers read on GitHub):\n\n${notes}`);
  const atHold = await concludeWithServers(record, before.actLog, before, workflow.held);
  const rehearsal = rehearsalOf(record, atHold, before.actLog);
  if (atHold.exitCode !== EXIT.held) return rehearsal;
  rehearsal.approve = async () => {
    const after = await resumeApproved(record, started, before.actLog);
    // What the deploy must match: the values of the run before the hold.
    const approved = await concludeWithServers(record, before.actLog, after, []);
    return { ...rehearsalOf(record, approved, after.actLog), approve: undefined };
  };
  return options.approve ? rehearsal.approve() : rehearsal;
}

/** A phase's verdict: the local AWS (concludePhase.ts), then what each server serves. */
async function concludeWithServers(
  record: RunRecord,
  reported: ActLog,
  phase: PhaseRun,
  held: readonly string[],
): Promise<Conclusion & { servers?: ServersObservation }> {
  const conclusion = await concludePhase(record, reported, phase, held);
  const servers = await concludeServers(record, reported, conclusion);
  return {
    ...servers.conclusion,
    ...(servers.observation ? { servers: servers.observation } : {}),
  };
}

function rehearsalOf(
  record: RunRecord,
  conclusion: Conclusion & { servers?: ServersObservation },
  actLog: ActLog,
): Rehearsal {
  const { exitCode, verdict, rows } = conclusion;
  return {
    exitCode,
    ...(verdict ? { verdict } : {}),
    rows,
    serversSetup: record.servers,
    ...(conclusion.servers ? { servers: conclusion.servers } : {}),
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
