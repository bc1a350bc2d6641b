/**
 * Reads act's `--json` log (one JSON object per line, logrus fields) into what the rehearsal
 * reports: when each job started and ended and how, the outputs each step set, the job summaries,
 * and which steps failed. Pure: the caller feeds lines with the time it received them (act's own
 * timestamps have one-second resolution).
 */

export type JobState = 'running' | 'success' | 'failure' | 'skipped';

export interface JobProgress {
  readonly id: string;
  state: JobState;
  startedAt: number;
  endedAt?: number;
  /** Steps that reported a failure, by name, in order. */
  failedSteps: string[];
}

export interface ActEvent {
  readonly kind: 'job-started' | 'job-ended' | 'step-failed';
  readonly job: JobProgress;
  readonly step?: string;
}

interface ActLine {
  jobID?: string;
  msg?: string;
  step?: string;
  stepID?: string[];
  stepResult?: string;
  jobResult?: string;
  command?: string;
  name?: string;
  arg?: string;
  content?: string;
  raw_output?: boolean;
  level?: string;
}

export class ActLog {
  readonly jobs = new Map<string, JobProgress>();
  /** outputs[job][step][name], from `::set-output` / GITHUB_OUTPUT, as act reports them. */
  readonly outputs = new Map<string, Map<string, Record<string, string>>>();
  readonly summaries = new Map<string, string>();
  /** Lines that were not JSON (act's own errors before logging starts). */
  readonly plain: string[] = [];
  /** The step output lines of each job (the tail, for failure reports). */
  private readonly tails = new Map<string, string[]>();

  /** Feeds one line; returns what changed (for progress lines). */
  feed(line: string, now: number): ActEvent[] {
    const trimmed = line.trim();
    if (!trimmed) return [];
    let entry: ActLine;
    try {
      entry = JSON.parse(trimmed) as ActLine;
    } catch {
      this.plain.push(trimmed);
      return [];
    }
    if (typeof entry !== 'object' || entry === null || !entry.jobID) return [];
    const events: ActEvent[] = [];
    let job = this.jobs.get(entry.jobID);
    if (!job) {
      job = { id: entry.jobID, state: 'running', startedAt: now, failedSteps: [] };
      this.jobs.set(entry.jobID, job);
      events.push({ kind: 'job-started', job });
    }
    const isError = entry.level === 'error' || entry.command === 'error';
    if ((entry.raw_output || isError) && entry.msg) {
      const tail = this.tails.get(job.id) ?? [];
      tail.push(...entry.msg.replace(/\n$/, '').split('\n'));
      this.tails.set(job.id, tail.slice(-40));
    }
    if (entry.command === 'set-output' && entry.name && entry.stepID?.length === 1) {
      const step = entry.stepID[0] ?? '';
      const byStep = this.outputs.get(job.id) ?? new Map<string, Record<string, string>>();
      byStep.set(step, { ...byStep.get(step), [entry.name]: entry.arg ?? '' });
      this.outputs.set(job.id, byStep);
    }
    if (entry.command === 'summary' && entry.content) {
      this.summaries.set(job.id, (this.summaries.get(job.id) ?? '') + entry.content);
    }
    if (entry.stepResult === 'failure' && entry.step) {
      const step = entry.step.split('\n')[0] ?? entry.step;
      job.failedSteps.push(step);
      events.push({ kind: 'step-failed', job, step });
    }
    if (entry.jobResult) {
      // A matrix job reports once per leg under one job id: one failed leg fails the job.
      job.state = entry.jobResult === 'success' && job.state !== 'failure' ? 'success' : 'failure';
      job.endedAt = now;
      events.push({ kind: 'job-ended', job });
    }
    return events;
  }

  /** The last lines a job printed (for a failure report). */
  tail(job: string): string[] {
    return this.tails.get(job) ?? [];
  }

  /** Jobs of the workflow that never started (their `if:` was false or a need failed). */
  markNotRun(jobIds: readonly string[], now: number): JobProgress[] {
    const missing: JobProgress[] = [];
    for (const id of jobIds) {
      if (this.jobs.has(id)) continue;
      const job: JobProgress = {
        id,
        state: 'skipped',
        startedAt: now,
        endedAt: now,
        failedSteps: [],
      };
      this.jobs.set(id, job);
      missing.push(job);
    }
    return missing;
  }
}

/** One progress line per job event, e.g. `  ✓ upload         success   12.4s`. */
export function progressLine(event: ActEvent, width = 28): string | undefined {
  const { job } = event;
  const name = job.id.padEnd(width);
  switch (event.kind) {
    case 'job-started':
      return `  … ${name} running`;
    case 'step-failed':
      return `  ! ${name} step failed: ${event.step ?? ''}`;
    case 'job-ended': {
      const seconds = (((job.endedAt ?? job.startedAt) - job.startedAt) / 1000).toFixed(1);
      const mark = job.state === 'success' ? '✓' : job.state === 'skipped' ? '–' : '✗';
      return `  ${mark} ${name} ${job.state.padEnd(8)} ${seconds.padStart(6)}s`;
    }
  }
}
