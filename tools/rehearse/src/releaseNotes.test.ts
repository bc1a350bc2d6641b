import { ActLog } from './actLog';
import { releaseNotesOf } from './releaseNotes';

/** One line of act's --json log: a step setting an output. */
const setOutput = (job: string, step: string, name: string, arg: string) =>
  JSON.stringify({ jobID: job, stepID: [step], command: 'set-output', name, arg, level: 'info' });

describe('releaseNotesOf', () => {
  it("reads the release-candidate job's notes from act's log, as the job summary has them", () => {
    const notes =
      '### Release candidate for prod: waiting for approval\n\n#### What changes\n\n- `1234567` Fix (bob)\n';
    const log = new ActLog();
    log.feed(setOutput('upload', 'upload', 'version-id', 'v1'), 0);
    log.feed(setOutput('release-candidate', 'notes', 'package-size', '1500'), 0);
    log.feed(setOutput('release-candidate', 'notes', 'notes', notes), 0);
    expect(releaseNotesOf(log.outputs)).toBe(notes.trim());
  });

  it('is undefined when the job did not run (a ref that deploys nowhere)', () => {
    const log = new ActLog();
    log.feed(setOutput('resolve', 'resolve', 'deploy', 'false'), 0);
    expect(releaseNotesOf(log.outputs)).toBeUndefined();
  });
});
