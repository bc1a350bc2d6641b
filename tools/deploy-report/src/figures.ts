/**
 * The figures of one environment, from its deployment records. Pure: records, the window and the
 * commit times found elsewhere in; what runs now, recent deployments, lead time, frequency and
 * failures out. Every figure counts the deployments created inside the window.
 */
import type { DeploymentRecord, RecordStatus } from './records';

/** What a deployment ended as, for the list: its newest status, with the waiting states as one. */
export type FinalState = 'success' | 'failure' | 'error' | 'inactive' | 'in progress';

/** Whether a deployment worked: decided by its newest status that is not `inactive`. */
export type Outcome = 'succeeded' | 'failed' | 'unfinished';

export interface Window {
  /** ISO times; a deployment created at `since` or later, and at `until` or earlier, is inside. */
  since: string;
  until: string;
}

export interface Deployed {
  deploymentId: number;
  commit: string;
  ref: string;
  createdAt: string;
  /** When it reached success (the deploy finished). */
  deployedAt: string;
  runId?: number | undefined;
  runAttempt?: number | undefined;
  workflow?: string | undefined;
  logUrl?: string | undefined;
  environmentUrl?: string | undefined;
}

export interface ListedDeployment {
  deploymentId: number;
  createdAt: string;
  commit: string;
  state: FinalState;
  /** Seconds from commit to deploy, for the ones that succeeded and have a commit time. */
  leadTimeSeconds?: number | undefined;
}

export interface LeadTime {
  /** Successful deploys in the window with a commit time. */
  measured: number;
  /** Successful deploys in the window without one (no `committed_at`, commit lookup off or failed). */
  missing: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface EnvironmentFigures {
  environment: string;
  /** The newest deployment that succeeded, in or before the window; null if none ever did. */
  runsNow: Deployed | null;
  /** The newest deployment, when it is not the one running (a failure, one in progress). */
  newerAttempt: ListedDeployment | null;
  /** Inside the window, newest first. */
  deployments: ListedDeployment[];
  leadTime: LeadTime;
  /** Successful deploys in the window, and per week (7 days) of the window. */
  frequency: { successful: number; perWeek: number };
  /** Failed deploys in the window, of those that finished (succeeded or failed). */
  failures: { failed: number; finished: number; changeFailureRate: number | null };
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
const time = (iso: string) => Date.parse(iso);

function newestFirst<T extends { createdAt: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => time(b.createdAt) - time(a.createdAt));
}

/** The newest status that says how the deploy went (inactive only says it was replaced). */
function decidingStatus(record: DeploymentRecord): RecordStatus | undefined {
  return newestFirst(record.statuses).find((s) => s.state !== 'inactive');
}

export function outcomeOf(record: DeploymentRecord): Outcome {
  const state = decidingStatus(record)?.state;
  if (state === 'success') return 'succeeded';
  if (state === 'failure' || state === 'error') return 'failed';
  return 'unfinished';
}

export function finalStateOf(record: DeploymentRecord): FinalState {
  const state = newestFirst(record.statuses)[0]?.state;
  switch (state) {
    case 'success':
    case 'failure':
    case 'error':
    case 'inactive':
      return state;
    default:
      return 'in progress';
  }
}

/** The nearest-rank percentile: the smallest value that at least p% of the values do not exceed. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

function deployedOf(record: DeploymentRecord): Deployed {
  const success = decidingStatus(record)!;
  // The environment URL may sit on an earlier status of the same deployment.
  const environmentUrl = newestFirst(record.statuses).find((s) => s.environmentUrl)?.environmentUrl;
  return {
    deploymentId: record.id,
    commit: record.sha,
    ref: record.ref,
    createdAt: record.createdAt,
    deployedAt: success.createdAt,
    runId: record.payload.runId,
    runAttempt: record.payload.runAttempt,
    workflow: record.payload.workflow,
    logUrl: success.logUrl,
    environmentUrl,
  };
}

/**
 * @param records the environment's records (any order), the ones before the window included so
 *   that what runs now is found even when nothing deployed inside it.
 * @param commitTimes commit SHA -> commit time, for records without `committed_at`.
 */
export function environmentFigures(
  environment: string,
  records: readonly DeploymentRecord[],
  window: Window,
  commitTimes: ReadonlyMap<string, string> = new Map(),
): EnvironmentFigures {
  const upToEnd = newestFirst(records).filter((r) => time(r.createdAt) <= time(window.until));
  const inWindow = upToEnd.filter((r) => time(r.createdAt) >= time(window.since));

  const running = upToEnd.find((r) => outcomeOf(r) === 'succeeded');
  const leadTimeOf = (record: DeploymentRecord): number | undefined => {
    if (outcomeOf(record) !== 'succeeded') return undefined;
    const committedAt = record.payload.committedAt ?? commitTimes.get(record.sha);
    if (committedAt === undefined) return undefined;
    const seconds = (time(decidingStatus(record)!.createdAt) - time(committedAt)) / 1000;
    // A commit time after the deploy is a skewed committer clock: count it as no wait at all.
    return Math.max(0, Math.round(seconds));
  };
  const listed = (record: DeploymentRecord): ListedDeployment => ({
    deploymentId: record.id,
    createdAt: record.createdAt,
    commit: record.sha,
    state: finalStateOf(record),
    leadTimeSeconds: leadTimeOf(record),
  });

  const succeeded = inWindow.filter((r) => outcomeOf(r) === 'succeeded');
  const failed = inWindow.filter((r) => outcomeOf(r) === 'failed').length;
  const leadTimes = succeeded.map(leadTimeOf).filter((s): s is number => s !== undefined);
  const finished = succeeded.length + failed;
  const weeks = (time(window.until) - time(window.since)) / WEEK_MS;
  const newest = upToEnd[0];

  return {
    environment,
    runsNow: running ? deployedOf(running) : null,
    newerAttempt: newest && newest !== running ? listed(newest) : null,
    deployments: inWindow.map(listed),
    leadTime: {
      measured: leadTimes.length,
      missing: succeeded.length - leadTimes.length,
      medianSeconds: percentile(leadTimes, 50),
      p90Seconds: percentile(leadTimes, 90),
    },
    frequency: {
      successful: succeeded.length,
      perWeek: weeks > 0 ? succeeded.length / weeks : 0,
    },
    failures: { failed, finished, changeFailureRate: finished > 0 ? failed / finished : null },
  };
}

/**
 * Whether a newest-first listing read so far is enough: it reaches back before the window and
 * holds what runs now. (When the listing ends first, the reader stops anyway.)
 * @param oldestListedAt the creation time of the oldest deployment listed, counted or not.
 */
export function historyComplete(
  records: readonly DeploymentRecord[],
  oldestListedAt: string,
  since: string,
): boolean {
  return time(oldestListedAt) < time(since) && records.some((r) => outcomeOf(r) === 'succeeded');
}

/** The SHAs whose commit time the lead time still needs: successful deploys without `committed_at`. */
export function commitsToLookUp(records: readonly DeploymentRecord[], window: Window): string[] {
  const wanted = records.filter(
    (r) =>
      time(r.createdAt) >= time(window.since) &&
      time(r.createdAt) <= time(window.until) &&
      outcomeOf(r) === 'succeeded' &&
      r.payload.committedAt === undefined,
  );
  return [...new Set(wanted.map((r) => r.sha))];
}
