/**
 * What the step shows: the notes as the job summary (and in the log), and the step's outputs.
 * The notes themselves are composed in notes.ts.
 */
import * as core from '@actions/core';
import { setOutputs } from '@pipelines/action-kit';
import type { Running, Sizes } from './notes';

export async function publish(notes: string, sizes: Sizes, running: Running): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(notes).write();
  core.info(notes);
  setOutputs({
    'package-size': sizes.package ?? '',
    'image-size': sizes.image ?? '',
    'base-commit': running.kind === 'record' ? running.record.commit : '',
  });
  // The notes are long: set without echoing them a second time.
  core.setOutput('notes', notes);
}
