/**
 * The release-candidate job's summary as the rehearsal prints it at the hold: the `notes` output
 * of its release-notes step, which is the markdown the job writes to its GitHub job summary (act
 * discards job summaries, so the rehearsal reads the step output instead). Pure.
 */
import type { StepOutputs } from './results';

export const RELEASE_CANDIDATE_JOB = 'release-candidate';

/** The notes a step of the release-candidate job set, or undefined when it set none. */
export function releaseNotesOf(outputs: StepOutputs): string | undefined {
  for (const stepOutputs of outputs.get(RELEASE_CANDIDATE_JOB)?.values() ?? []) {
    const notes = stepOutputs.notes?.trim();
    if (notes) return notes;
  }
  return undefined;
}
