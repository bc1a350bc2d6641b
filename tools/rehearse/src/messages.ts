/**
 * What the rehearsal prints between its phases, besides the per-job progress lines (actLog.ts) and
 * the closing table (summary.ts): where the ref goes, why a job failed, and with --verbose what the
 * steps print. Pure.
 */
import type { Resolution } from '@pipelines/environments';
import type { ActLog, JobProgress } from './actLog';

/** The first line: the ref, the commit, and where environments.yml routes it. */
export function announcement(
  ref: string,
  head: { sha: string; message: string },
  resolution: Pick<Resolution, 'environment' | 'tier' | 'approval'>,
): string {
  return (
    `Rehearsing a push of ${ref} (${head.sha.slice(0, 12)} ${head.message})` +
    (resolution.environment
      ? ` -> ${resolution.environment} (${resolution.tier}${resolution.approval ? ', approval' : ''})`
      : ' -> no deploy')
  );
}

/**
 * After an act run: each failed job with its failed steps and the last lines it printed, then,
 * when act itself failed, the last lines act printed that were not its JSON log.
 */
export function failureReport(
  actLog: Pick<ActLog, 'tail' | 'plain'>,
  failedJobs: readonly JobProgress[],
  actExit: number,
): string[] {
  const lines: string[] = [];
  for (const job of failedJobs) {
    lines.push(
      `\n${job.id} failed${job.failedSteps.length ? ` at: ${job.failedSteps.join(', ')}` : ''}`,
    );
    for (const line of actLog.tail(job.id).slice(-15)) lines.push(`  | ${line}`);
  }
  if (actLog.plain.length && actExit !== 0) {
    for (const line of actLog.plain.slice(-10)) lines.push(`  act: ${line}`);
  }
  return lines;
}

/** With --verbose: what a line of act's log shows, if anything (a step's own output, or act's). */
export function verboseEcho(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as { raw_output?: boolean; msg?: string; jobID?: string };
    return entry.raw_output && entry.msg
      ? `    [${entry.jobID}] ${entry.msg.trimEnd()}`
      : undefined;
  } catch {
    return `    ${line}`;
  }
}
