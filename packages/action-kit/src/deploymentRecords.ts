/**
 * The deployment records the deploy jobs leave on GitHub (actions/deployment-record) and what their
 * readers (the newer-run guard, the release notes, the deploy report) may believe of them. Pure.
 *
 * Anyone who can write deployments can write one that looks like ours: any workflow whose token
 * has `deployments: write`, and anyone with write access to the repository, through the API. So
 * a reader trusts a record only when GitHub says the workflow token made it (creator
 * github-actions[bot]), its payload is ours (`pipelines: 1`, a run id), and, where the reader can
 * look the run up, that run ran the workflow the payload names on a ref that deploys to the
 * record's environment. docs/security.md ("Deployment records") has the whole argument.
 */

/** The login GitHub shows as the creator of what a workflow's GITHUB_TOKEN writes. */
export const WORKFLOW_TOKEN_LOGIN = 'github-actions[bot]';

/** The payload version; readers ignore records of any other. */
export const PAYLOAD_VERSION = 1;

/**
 * What a deploy put in its deployment record's payload. Fields a job does not know are left out,
 * never invented. Sizes are bytes; `committed_at` is the commit's ISO time, from git.
 */
export interface DeploymentPayload {
  pipelines: typeof PAYLOAD_VERSION;
  run_id: number;
  run_attempt: number;
  /** The workflow file that deployed, e.g. .github/workflows/pipeline.yml. */
  workflow: string;
  /** The full commit SHA deployed. */
  commit: string;
  committed_at?: string;
  package?: { sha256?: string; size?: number; s3_uri?: string; version_id?: string };
  function?: { name?: string; alias?: string };
  image?: { digest?: string; uri?: string; size?: number };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const positiveInteger = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/**
 * A deployment's payload as an object: GitHub answers it as an object, or as the string it was
 * given. undefined for anything else. Readers take their display fields from it; whether the
 * record counts is pipelinesPayload's and trustedRecord's to say.
 */
export function payloadObject(raw: unknown): Record<string, unknown> | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return isObject(value) ? value : undefined;
}

/**
 * The payload of a deployment when it is one of ours (GitHub answers it as an object, or as the
 * string it was given); undefined for anything else.
 */
export function pipelinesPayload(raw: unknown): DeploymentPayload | undefined {
  const value = payloadObject(raw);
  if (!value || value.pipelines !== PAYLOAD_VERSION) return undefined;
  if (!positiveInteger(value.run_id) || !positiveInteger(value.run_attempt)) return undefined;
  if (typeof value.workflow !== 'string' || typeof value.commit !== 'string') return undefined;
  if (!/^[0-9a-f]{40}$/.test(value.commit)) return undefined;
  return value as unknown as DeploymentPayload;
}

/** A deployment as the REST API lists it (the fields the trust check reads). */
export interface RecordFacts {
  environment: string;
  creator: string | undefined;
  payload: unknown;
}

/** GET /repos/{owner}/{repo}/actions/runs/{run_id}: the fields the trust check reads. */
export interface RunFacts {
  /** The workflow file of the run, e.g. .github/workflows/pipeline.yml. */
  path: string;
  /** The branch or tag the run ran on. */
  headBranch: string | null;
  event: string;
  /** The environments `headBranch` deploys to (as a branch or a tag), from environments.yml. */
  deploysTo: readonly string[];
}

export type Trust =
  { trusted: true; payload: DeploymentPayload } | { trusted: false; reason: string };

/** The events whose runs deploy: a push (pipeline.yml) and a manual run (rollback.yml). */
const DEPLOYING_EVENTS = new Set(['push', 'workflow_dispatch']);

/**
 * Whether a reader may believe a record. `run`: the run its payload names, as GitHub describes it;
 * undefined when the reader did not look it up (then only the record itself is checked), null
 * when GitHub has no such run.
 */
export function trustedRecord(record: RecordFacts, run?: RunFacts | null): Trust {
  if (record.creator !== WORKFLOW_TOKEN_LOGIN)
    return {
      trusted: false,
      reason: `created by ${record.creator ?? 'nobody known'}, not by a workflow's token (${WORKFLOW_TOKEN_LOGIN})`,
    };
  const payload = pipelinesPayload(record.payload);
  if (!payload)
    return {
      trusted: false,
      reason: `its payload is not a Pipelines record (pipelines: ${PAYLOAD_VERSION}, run_id, run_attempt, workflow, commit)`,
    };
  if (run === undefined) return { trusted: true, payload };
  if (run === null)
    return { trusted: false, reason: `GitHub has no run ${payload.run_id} of this repository` };
  if (run.path.replace(/@.*$/, '') !== payload.workflow)
    return {
      trusted: false,
      reason: `run ${payload.run_id} ran ${run.path}, not ${payload.workflow}`,
    };
  if (!DEPLOYING_EVENTS.has(run.event))
    return {
      trusted: false,
      reason: `run ${payload.run_id} was a ${run.event} run, which never deploys`,
    };
  if (!run.deploysTo.includes(record.environment))
    return {
      trusted: false,
      reason: `run ${payload.run_id} ran on ${run.headBranch ?? 'no ref'}, which does not deploy to ${record.environment}`,
    };
  return { trusted: true, payload };
}

/**
 * trustedRecord for a deployment as GET /repos/{owner}/{repo}/deployments lists it, without a run
 * lookup: the check the readers that only list deployments make (the release notes, the report).
 */
export function isPipelinesDeployment(deployment: {
  creator?: { login?: string } | null;
  payload: unknown;
}): boolean {
  return trustedRecord({
    environment: '',
    creator: deployment.creator?.login,
    payload: deployment.payload,
  }).trusted;
}
