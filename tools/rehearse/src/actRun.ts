/**
 * One run of act over a group of the workflow's jobs: the jobs before the hold, or (approval.ts)
 * the held jobs after approval. Prints one progress line per job event, then the failed jobs'
 * last lines; act runs in its own process group, which the teardown stops.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { toolPath } from '@pipelines/testkit';
import { actArguments, actEnvironment } from './act';
import { ActLog, progressLine } from './actLog';
import { failureReport, verboseEcho } from './messages';
import type { PhaseRun, RehearsalOptions, RunRecord } from './record';
import type { Started } from './teardown';
import type { RunFolder } from './workspace';

type ActRecord = Pick<RunRecord, 'options' | 'folder' | 'workflow'>;

/** The workflow up to the hold: every job but the held ones. */
export function runUntilHold(record: ActRecord, started: Started): Promise<PhaseRun> {
  const { workflow } = record;
  const running = workflow.jobs.map((j) => j.id).filter((id) => !workflow.held.includes(id));
  return runPhase(record, started, workflow.derived, running);
}

/** One run of act; `running` are the jobs it runs for real (the others are held or replayed). */
export async function runPhase(
  record: ActRecord,
  started: Started,
  workflowFile: string,
  running: readonly string[],
): Promise<PhaseRun> {
  const log = record.options.log;
  const actLog = new ActLog();
  const args = actArguments({ ...record.workflow.invocation, workflow: workflowFile });
  const exitCode = await runAct(args, record.folder, started, actLog, record.options);
  for (const job of actLog.markNotRun(running, Date.now())) {
    log(progressLine({ kind: 'job-ended', job }) ?? '');
  }
  const failedJobs = [...actLog.jobs.values()].filter((j) => j.state === 'failure');
  for (const line of failureReport(actLog, failedJobs, exitCode)) log(line);
  return { actLog, exitCode, failed: failedJobs.length > 0 };
}

function runAct(
  args: string[],
  folder: RunFolder,
  started: Started,
  actLog: ActLog,
  options: RehearsalOptions,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const act = spawn(toolPath('act'), args, {
      env: actEnvironment(process.env, [folder.bin, path.dirname(toolPath('node24'))]),
      // Its own process group, so that stopping it stops every step it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.act = act;
    const feed = (line: string) => {
      for (const event of actLog.feed(line, Date.now())) {
        const text = progressLine(event);
        if (text) options.log(text);
      }
      if (options.verbose) {
        const echo = verboseEcho(line);
        if (echo !== undefined) options.log(echo);
      }
    };
    createInterface({ input: act.stdout! }).on('line', feed);
    createInterface({ input: act.stderr! }).on('line', feed);
    act.once('error', reject);
    act.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
