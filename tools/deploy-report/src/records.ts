/**
 * The deployment records the pipeline leaves on GitHub, as the report reads them, and which of
 * them count. Pure: API answers in, typed records out.
 */
import { trustedRecord as sharedTrust, WORKFLOW_TOKEN_LOGIN } from '@pipelines/action-kit';

/** GitHub's deployment status states. */
export type StatusState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface RecordStatus {
  state: StatusState;
  createdAt: string;
  logUrl?: string | undefined;
  environmentUrl?: string | undefined;
}

/** What the deploy job writes into the record's payload; any field may be missing. */
export interface RecordPayload {
  runId?: number | undefined;
  runAttempt?: number | undefined;
  workflow?: string | undefined;
  commit?: string | undefined;
  committedAt?: string | undefined;
}

export interface DeploymentRecord {
  id: number;
  environment: string;
  sha: string;
  ref: string;
  createdAt: string;
  payload: RecordPayload;
  /** Newest first, as GitHub lists them. */
  statuses: RecordStatus[];
}

export const PIPELINE_CREATOR = WORKFLOW_TOKEN_LOGIN;

/** A deployment as the REST API lists it (the fields the report reads). */
export interface ApiDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
  creator: { login: string } | null;
  payload: unknown;
}

/** The payload as an object: GitHub hands it back as it was given, an object or a JSON string. */
export function payloadObject(payload: unknown): Record<string, unknown> | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Whether a deployment is a record a deploy job of this pipeline wrote: the one rule every reader
 * shares (`trustedRecord` of the action kit: made by the workflow token, a Pipelines payload).
 */
export function trustedRecord(deployment: Pick<ApiDeployment, 'creator' | 'payload'>): boolean {
  return sharedTrust({
    environment: '',
    creator: deployment.creator?.login,
    payload: deployment.payload,
  }).trusted;
}

const isoTime = (value: unknown): string | undefined =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;
/** A run id or attempt: a number, or a string of digits (what `github.run_id` gives in a workflow). */
const positiveInteger = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The payload fields the report uses, each dropped when missing or malformed. */
export function recordPayload(payload: unknown): RecordPayload {
  const p = payloadObject(payload) ?? {};
  return {
    runId: positiveInteger(p.run_id),
    runAttempt: positiveInteger(p.run_attempt),
    workflow: text(p.workflow),
    commit: text(p.commit),
    committedAt: isoTime(p.committed_at),
  };
}
