/**
 * The hold's other side (--approve, or Rehearsal.approve()): the same run continues, as on GitHub
 * after a reviewer clicks. The held jobs run for real; the jobs before the hold are replayed with
 * the outputs they had (the values shown to the reviewers), not run again.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ActLog } from './actLog';
import { runPhase } from './actRun';
import type { PhaseRun, RunRecord } from './record';
import type { Started } from './teardown';
import { workflowForResume, type RanJob } from './workflow';

export async function resumeApproved(
  record: Pick<RunRecord, 'options' | 'folder' | 'workflow' | 'services'>,
  started: Started,
  before: ActLog,
): Promise<PhaseRun> {
  const { options, folder, workflow, services } = record;
  const resumed = path.join(folder.root, 'workflow', `approved-${path.basename(options.workflow)}`);
  writeFileSync(
    resumed,
    workflowForResume(workflow.text, workflow.held, ranBeforeHold(before), {
      rollout: workflow.rollout,
    }),
  );
  // What a reviewer's click leaves in the run's review log, which the prod guard reads: an
  // approval of each held environment by a reviewer who is not the run's actor (act's actor is
  // nektos/act).
  services.github.state.runs = {
    [String(services.runId)]: [
      { user: 'alice', environments: services.approvalEnvironments, state: 'approved' },
    ],
  };
  options.log(`\nApproved: resuming the run with ${workflow.held.join(', ')}`);
  return runPhase(record, started, resumed, workflow.held);
}

/** What each job did before the hold: its result and its steps' outputs, to replay it. Pure. */
export function ranBeforeHold(before: Pick<ActLog, 'jobs' | 'outputs'>): Map<string, RanJob> {
  return new Map(
    [...before.jobs.values()].map((job) => [
      job.id,
      { state: job.state, stepOutputs: before.outputs.get(job.id) ?? new Map() },
    ]),
  );
}
