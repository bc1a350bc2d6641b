/**
 * The deployment records the pipeline leaves on GitHub, as the report reads them, and which of
 * them count. Pure: API answers in, typed records out.
 */
import { payloadObject } from '@pipelines/action-kit';

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
