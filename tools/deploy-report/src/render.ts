/** The report as a person reads it (text) or a program does (--json). Pure. */
import type { Deployed, EnvironmentFigures, ListedDeployment, Window } from './figures';

export interface EnvironmentReport extends EnvironmentFigures {
  /** The family template it belongs to (int-{name}), if any. */
  family: string | null;
  /** GitHub's page of the environment's deployments. */
  deploymentsPage: string;
  /** Who approved the run of what runs now, for an environment with the hold; else undefined. */
  approvedBy?: string[] | undefined;
  /** Successful deploys without a commit time, and why (no committed_at and no lookup). */
  commitTimesMissingBecause: string | null;
}

export interface Report {
  repository: string;
  days: number;
  window: Window;
  environments: EnvironmentReport[];
}

/** How many deployments the text lists per environment (--json lists all of the window). */
export const LISTED = 10;

const shortSha = (sha: string) => sha.slice(0, 7);

/** `2026-11-20 10:30 UTC` */
export function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2d 3h`, `1h 05m`, `12m`, `40s`: to the unit below the largest, rounded down. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${s}s`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `, by run 5007 attempt 2 of pipeline`: which run deployed it (the attempt when not the first). */
function runOf(deployed: Deployed): string {
  if (deployed.runId === undefined) return '';
  const attempt =
    deployed.runAttempt && deployed.runAttempt > 1 ? ` attempt ${deployed.runAttempt}` : '';
  // The workflow file's name (pipeline.yml, rollback.yml), not its whole path.
  const workflow = deployed.workflow ? ` of ${deployed.workflow.split('/').pop()}` : '';
  return `, by run ${deployed.runId}${attempt}${workflow}`;
}

/** `, approved by alice`; said too when the review log has no approval for the environment. */
function approvalOf(approvedBy: string[] | undefined): string {
  if (approvedBy === undefined) return '';
  return approvedBy.length > 0
    ? `, approved by ${approvedBy.join(', ')}`
    : ', no approval on record';
}

function listedLine(d: ListedDeployment): string {
  return `${formatTime(d.createdAt)}  ${shortSha(d.commit)}  ${d.state}`;
}

function environmentText(env: EnvironmentReport, days: number): string[] {
  const lines = [`${env.environment}: ${env.deploymentsPage}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(11)} ${text}`);
  if (!env.runsNow && !env.newerAttempt) {
    lines.push('  never deployed (no deployment record of the pipeline)');
    return lines;
  }
  row(
    'runs now',
    env.runsNow
      ? `${shortSha(env.runsNow.commit)} (${env.runsNow.ref}) since ${formatTime(env.runsNow.deployedAt)}${runOf(env.runsNow)}${approvalOf(env.approvedBy)}`
      : 'nothing: no deploy has succeeded yet',
  );
  if (env.newerAttempt)
    row(
      'newest',
      `${shortSha(env.newerAttempt.commit)} ${env.newerAttempt.state}, created ${formatTime(env.newerAttempt.createdAt)}`,
    );
  if (env.deployments.length === 0) {
    row('recent', `no deploys in the last ${plural(days, 'day')}`);
    return lines;
  }

  const { leadTime, frequency, failures } = env;
  const missing =
    leadTime.missing > 0
      ? `; ${leadTime.missing} without a commit time (${env.commitTimesMissingBecause ?? 'unknown'})`
      : '';
  row(
    'lead time',
    leadTime.medianSeconds === null || leadTime.p90Seconds === null
      ? `none measured${missing}`
      : `median ${formatDuration(leadTime.medianSeconds)}, p90 ${formatDuration(leadTime.p90Seconds)} (${plural(leadTime.measured, 'deploy')})${missing}`,
  );
  row(
    'frequency',
    `${frequency.perWeek.toFixed(1)} successful deploys per week (${frequency.successful} in ${plural(days, 'day')})`,
  );
  row(
    'failed',
    failures.changeFailureRate === null
      ? `${failures.failed} (none finished)`
      : `${failures.failed} of ${plural(failures.finished, 'finished deploy')} (${Math.round(failures.changeFailureRate * 100)}% change-failure rate)`,
  );
  const shown = env.deployments.slice(0, LISTED);
  shown.forEach((d, i) => (i === 0 ? row('recent', listedLine(d)) : row('', listedLine(d))));
  if (env.deployments.length > shown.length)
    row('', `... and ${env.deployments.length - shown.length} more (--json lists them all)`);
  return lines;
}

export function reportText(report: Report): string {
  const header = `Deployments of ${report.repository}, the ${plural(report.days, 'day')} from ${formatTime(report.window.since)} to ${formatTime(report.window.until)}`;
  const blocks = report.environments.map((env) => environmentText(env, report.days).join('\n'));
  return [header, ...blocks].join('\n\n') + '\n';
}

export function reportJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
