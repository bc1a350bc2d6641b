/**
 * What the deployment record decides, from what GitHub holds and what the job knows. Pure:
 * the newer-run guard's verdict, the payload, the final state, and which older deployments the
 * new one replaces.
 */
import { PAYLOAD_VERSION, trustedRecord, type DeploymentPayload } from '@pipelines/action-kit';

/** A deployment of the environment as listed, with its newest status (undefined: none yet). */
export interface ListedDeployment {
  id: number;
  environment: string;
  creator: string | undefined;
  payload: unknown;
  newest: { state: string; url: string } | undefined;
}

/**
 * States that mean a run deployed or is deploying: success, inactive (it was live, then a later
 * deployment replaced it), in_progress and queued. Not: waiting (for a reviewer), pending,
 * failure, error: those replaced nothing.
 */
const DEPLOYED_OR_DEPLOYING = new Set(['success', 'inactive', 'in_progress', 'queued']);

/**
 * Which run made a deployment: the payload's run_id for a record this action made (and a workflow
 * token wrote), else the run its newest status links (`.../actions/runs/<id>/...`: GitHub's own
 * records of environments declared without `deployment: false`, before this action existed).
 */
export function runOfRecord(deployment: ListedDeployment): number | undefined {
  const trust = trustedRecord(deployment);
  if (trust.trusted) return trust.payload.run_id;
  const match = /\/actions\/runs\/(\d+)(\/|$)/.exec(deployment.newest?.url ?? '');
  return match ? Number(match[1]) : undefined;
}

export interface NewerRun {
  deployment: number;
  run: number;
  state: string;
}

/**
 * The deployments of newer runs (a larger run id: GitHub numbers runs in the order they are
 * created, and a re-run keeps its id) that deployed this environment or are deploying it.
 */
export function newerRuns(deployments: readonly ListedDeployment[], runId: number): NewerRun[] {
  return deployments.flatMap((deployment) => {
    const state = deployment.newest?.state ?? 'none';
    if (!DEPLOYED_OR_DEPLOYING.has(state)) return [];
    const run = runOfRecord(deployment);
    return run !== undefined && run > runId ? [{ deployment: deployment.id, run, state }] : [];
  });
}

export type GuardVerdict = { ok: true } | { ok: false; reasons: string[] };

/** The newer-run guard: an older run stops before it replaces what a newer run deployed. */
export function guardVerdict(
  environment: string,
  runId: number,
  deployments: readonly ListedDeployment[],
): GuardVerdict {
  const newer = newerRuns(deployments, runId);
  if (newer.length === 0) return { ok: true };
  return {
    ok: false,
    reasons: newer.map(
      (n) =>
        `Run ${n.run} is newer than this run and its deployment ${n.deployment} of ${environment} is ${n.state}. This older run stops here so that it does not replace it; to deploy this commit again, push it anew or use rollback.yml.`,
    ),
  };
}

/** What the job knows of what it deploys; blank fields are unknown. */
export interface DeployFacts {
  runId: number;
  runAttempt: number;
  workflow: string;
  commit: string;
  committedAt?: string;
  package: { sha256?: string; size?: number; bucket?: string; key?: string; versionId?: string };
  function: { name?: string; alias?: string };
  image: { digest?: string; uri?: string; size?: number };
}

/** Drops undefined and empty fields, so that nothing unknown reaches the payload. */
function known<T extends Record<string, unknown>>(fields: T): Partial<T> | undefined {
  const kept = Object.entries(fields).filter(([, v]) => v !== undefined && v !== '');
  return kept.length ? (Object.fromEntries(kept) as Partial<T>) : undefined;
}

/** The record's payload (the contract its readers rely on: docs/decisions/0008). */
export function buildPayload(facts: DeployFacts): DeploymentPayload {
  const { bucket, key } = facts.package;
  const pkg = known({
    sha256: facts.package.sha256,
    size: facts.package.size,
    s3_uri: bucket && key ? `s3://${bucket}/${key}` : undefined,
    version_id: facts.package.versionId,
  });
  const fn = known({ name: facts.function.name, alias: facts.function.alias });
  const image = known({
    digest: facts.image.digest,
    uri: facts.image.uri,
    size: facts.image.size,
  });
  return {
    pipelines: PAYLOAD_VERSION,
    run_id: facts.runId,
    run_attempt: facts.runAttempt,
    workflow: facts.workflow,
    commit: facts.commit,
    ...(facts.committedAt ? { committed_at: facts.committedAt } : {}),
    ...(pkg ? { package: pkg } : {}),
    ...(fn ? { function: fn } : {}),
    ...(image ? { image } : {}),
  };
}

export type FinalState = 'success' | 'failure' | 'error';

/** The final status for `job.status` (success, failure, cancelled). */
export function finalState(jobStatus: string): FinalState {
  if (jobStatus === 'success') return 'success';
  if (jobStatus === 'failure') return 'failure';
  return 'error';
}

/**
 * The older deployments of the environment that the new one replaces: those whose newest status
 * is success. GitHub marks older deployments inactive by itself only for non-production
 * environments; an approval environment's record is production, so the action does it for all.
 */
export function toInactivate(
  deployments: readonly ListedDeployment[],
  replacedBy: number,
): number[] {
  return deployments
    .filter((d) => d.id < replacedBy && d.newest?.state === 'success')
    .map((d) => d.id);
}

/**
 * The commit an earlier deploy of this environment shipped a package from (a rollback deploys
 * a package again by its sha256): from the newest trusted record whose payload has that sha256.
 */
export function commitOfPackage(
  deployments: readonly ListedDeployment[],
  sha256: string,
): { commit: string; committedAt?: string } | undefined {
  for (const deployment of deployments) {
    const trust = trustedRecord(deployment);
    if (trust.trusted && trust.payload.package?.sha256 === sha256)
      return {
        commit: trust.payload.commit,
        ...(trust.payload.committed_at ? { committedAt: trust.payload.committed_at } : {}),
      };
  }
  return undefined;
}

/** The run attempt's page: where each status's log_url points. */
export function runUrl(server: string, repository: string, runId: number, attempt: number): string {
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}/attempts/${attempt}`;
}

/** A description GitHub accepts (at most 140 characters). */
export function describe(text: string): string {
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
