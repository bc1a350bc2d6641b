import { ActLog } from './actLog';
import { announcement, failureReport, verboseEcho } from './messages';

const head = { sha: 'c0ffee0123456789abcdef', message: 'Fix the blog' };

describe('announcement', () => {
  it.each([
    [
      'a deploy without approval',
      { environment: 'mint', tier: 'lower', approval: false },
      'Rehearsing a push of refs/heads/integration (c0ffee012345 Fix the blog) -> mint (lower)',
    ],
    [
      'a deploy that waits for a reviewer',
      { environment: 'prod', tier: 'upper', approval: true },
      'Rehearsing a push of refs/heads/integration (c0ffee012345 Fix the blog) -> prod (upper, approval)',
    ],
    [
      'a ref that deploys nowhere',
      { environment: null, tier: 'lower', approval: false },
      'Rehearsing a push of refs/heads/integration (c0ffee012345 Fix the blog) -> no deploy',
    ],
  ] as const)('names the ref, the short commit and %s', (_, resolution, expected) => {
    expect(announcement('refs/heads/integration', head, resolution)).toBe(expected);
  });
});

// Lines as act prints them with --json (the fields the log reader uses).
const actLine = (fields: Record<string, unknown>) => JSON.stringify({ level: 'info', ...fields });

function failedRun() {
  const log = new ActLog();
  for (let i = 1; i <= 20; i++)
    log.feed(actLine({ jobID: 'deploy', raw_output: true, msg: `line ${i}` }), 0);
  log.feed(actLine({ jobID: 'deploy', step: './actions/lambda-deploy', stepResult: 'failure' }), 1);
  log.feed(actLine({ jobID: 'deploy', jobResult: 'failure' }), 2);
  log.feed("Error: Job 'deploy' failed", 3);
  return log;
}

describe('failureReport', () => {
  it('names each failed job with its failed steps and shows its last 15 lines', () => {
    const log = failedRun();
    const lines = failureReport(log, [log.jobs.get('deploy')!], 0);
    expect(lines[0]).toBe('\ndeploy failed at: ./actions/lambda-deploy');
    expect(lines.slice(1)).toEqual(Array.from({ length: 15 }, (_, i) => `  | line ${i + 6}`));
  });

  it("adds act's own last lines only when act itself failed", () => {
    const log = failedRun();
    expect(failureReport(log, [], 1)).toEqual(["  act: Error: Job 'deploy' failed"]);
    expect(failureReport(log, [], 0)).toEqual([]);
  });

  it('names a failed job without failed steps on its own', () => {
    const log = new ActLog();
    log.feed(actLine({ jobID: 'images', jobResult: 'failure' }), 0);
    expect(failureReport(log, [log.jobs.get('images')!], 1)).toEqual(['\nimages failed']);
  });
});

describe('verboseEcho', () => {
  it.each([
    [
      'a step’s output, under its job',
      actLine({ jobID: 'upload', raw_output: true, msg: 'uploaded v1\n' }),
      '    [upload] uploaded v1',
    ],
    [
      'nothing for act’s own log entries',
      actLine({ jobID: 'upload', msg: '⭐ Run Main upload' }),
      undefined,
    ],
    [
      'nothing for an empty step output',
      actLine({ jobID: 'upload', raw_output: true, msg: '' }),
      undefined,
    ],
    [
      'a line that is not JSON as it is',
      'Error: workflow is not valid',
      '    Error: workflow is not valid',
    ],
  ])('shows %s', (_, line, expected) => {
    expect(verboseEcho(line)).toBe(expected);
  });
});
