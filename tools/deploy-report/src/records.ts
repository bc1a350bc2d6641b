/**
 * The deployment records the pipeline leaves on GitHub, as the report reads them, and which of
 * them count. Pure: API answers in, typed records out.
 */

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

/** The login GitHub Actions' own token acts as. */
export const PIPELINE_CREATOR = 'github-actions[bot]';

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
 * Only the pipeline's own records count: created by GitHub Actions' token and marked
 * `"pipelines": 1`. Anyone with write access can create deployments through the API (a manual
 * `gh api`, another tool); those would skew every figure.
 */
export function trustedRecord(deployment: Pick<ApiDeployment, 'creator' | 'payload'>): boolean {
  return (
    deployment.creator?.login === PIPELINE_CREATOR &&
    payloadObject(deployment.payload)?.pipelines === 1
  );
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
